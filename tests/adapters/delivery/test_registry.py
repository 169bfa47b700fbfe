"""The channel configuration is checked when the app starts, with messages that say where
and what is wrong."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from portal import create_app
from portal.adapters.delivery.registry import ChannelConfigError, load_channels
from portal.config import ConfigError

SERVICES = ["hundesteuer-anmeldung", "wohnsitz-anmeldung"]
SECRET = "s" * 40


def load(raw: Any, **config: Any) -> Any:
    return load_channels({"DELIVERY_CHANNELS": raw, **config}, SERVICES)


def test_a_valid_configuration(tmp_path: Path) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_text(SECRET + "\n")
    raw = {"*": [{"name": "dms", "type": "dms", "directory": str(tmp_path)}],
           "hundesteuer-anmeldung": [
               {"name": "hst", "type": "webhook", "url": "https://fv.example/eingang",
                "secret_file": str(secret_file)},
               {"name": "mail", "type": "email", "to": ["a@goslar.example"]}]}
    channels = load(json.dumps(raw), SMTP_HOST="mail.example", SMTP_PORT=25,
                    SMTP_SENDER="portal@goslar.example")
    assert channels.for_service("hundesteuer-anmeldung") == ["inbox", "dms", "hst", "mail"]
    assert channels.for_service("wohnsitz-anmeldung") == ["inbox", "dms"]
    hook = channels.get("hst")
    assert hook is not None and hook.options.secret == SECRET  # type: ignore[attr-defined]
    assert load(None).for_service("wohnsitz-anmeldung") == ["inbox"]


@pytest.mark.parametrize(("raw", "message"), [
    ("{", "not valid JSON"),
    ([{"name": "x"}], "must map service ids"),
    ({"hundesteuer": []}, "no service with this id"),
    ({"*": {"name": "x"}}, "must be a list"),
    ({"*": [{"name": "Mail!", "type": "email"}]}, "not a valid channel name"),
    ({"*": [{"name": "inbox", "type": "email"}]}, "not a valid channel name"),
    ({"*": [{"name": "x", "type": "fax"}]}, "'fax' is unknown"),
    ({"*": [{"name": "x", "type": "webhook", "url": "ftp://x", "secret": SECRET}]},
     "must start with https://"),
    ({"*": [{"name": "x", "type": "webhook", "url": "https://x", "secret": "short"}]},
     "secret"),
    ({"*": [{"name": "x", "type": "webhook", "url": "https://x", "secret": SECRET,
             "retries": 3}]}, "retries: Extra inputs are not permitted"),
    ({"*": [{"name": "x", "type": "email", "to": ["kein-mail"], "host": "h", "port": 25,
             "sender": "a@b.de"}]}, "not an e-mail address"),
    ({"*": [{"name": "x", "type": "email", "to": ["a@b.de"]}]}, "host: Field required"),
    ({"*": [{"name": "x", "type": "dms", "directory": "relative/dir"}]}, "absolute path"),
    ({"*": [{"name": "x", "type": "dms", "directory": "/nonexistent/dms"}]}, "does not exist"),
    ({"*": [{"name": "x", "type": "dms", "directory": "/tmp"},
            {"name": "x", "type": "dms", "directory": "/tmp"}]}, "'x' twice"),
    ({"*": [{"name": "x", "type": "dms", "directory": "/tmp"}],
      "hundesteuer-anmeldung": [{"name": "x", "type": "dms", "directory": "/tmp"}]},
     "already configured for every service"),
    ({"hundesteuer-anmeldung": [{"name": "x", "type": "dms", "directory": "/tmp"}],
      "wohnsitz-anmeldung": [{"name": "x", "type": "dms", "directory": "/var"}]},
     "two different configurations"),
    ({"*": [{"name": "x", "type": "webhook", "url": "https://x",
             "secret_file": "/nonexistent/secret"}]}, "No such file"),
])
def test_mistakes_are_named(raw: Any, message: str) -> None:
    with pytest.raises(ChannelConfigError, match=message.replace("(", r"\(")):
        load(raw if isinstance(raw, str | list) else json.dumps(raw))


def test_the_app_does_not_start_with_a_bad_configuration(tmp_path: Path) -> None:
    bad = {"ENV_NAME": "testing", "DELIVERY_CHANNELS": {"*": [{"name": "x", "type": "fax"}]}}
    with pytest.raises(ConfigError, match=r"DELIVERY_CHANNELS\['\*'\]\[0\].type"):
        create_app(bad)
    slow = {"ENV_NAME": "testing", "DELIVERY_LEASE_SECONDS": 30, "DELIVERY_CHANNELS": {
        "*": [{"name": "x", "type": "webhook", "url": "https://x", "secret": SECRET,
               "timeout": 60}]}}
    with pytest.raises(ConfigError, match="DELIVERY_LEASE_SECONDS"):
        create_app(slow)
    with pytest.raises(ConfigError, match="DELIVERY_RUNNER"):
        create_app({"ENV_NAME": "testing", "DELIVERY_RUNNER": "cron"})
    channels_file = tmp_path / "channels.yaml"
    channels_file.write_text(f"'*':\n  - name: dms\n    type: dms\n    directory: {tmp_path}\n")
    app = create_app({"ENV_NAME": "testing", "DELIVERY_CHANNELS_FILE": str(channels_file)})
    from portal.adapters.jobs.wiring import runtime_of

    assert runtime_of(app).channels_for("bewohnerparkausweis") == ["inbox", "dms"]
