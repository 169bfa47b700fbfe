from __future__ import annotations

from pathlib import Path

import pytest

from portal.config import ConfigError, build_config


def test_environment_variables_override_with_types(tmp_path: Path) -> None:
    config = build_config({"PORTAL_ENV": "development", "PORTAL_MAX_CONTENT_LENGTH": "2048",
                           "PORTAL_DEMO_DATA": "false", "PORTAL_FORMS_DIR": "/srv/forms"},
                          None, tmp_path)
    assert config["ENV_NAME"] == "development"
    assert config["MAX_CONTENT_LENGTH"] == 2048
    assert config["DEMO_DATA"] is False
    assert config["FORMS_DIR"] == "/srv/forms"
    assert config["TEMPLATES_DIR"] == str(tmp_path / "templates")


def test_unknown_environment_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="PORTAL_ENV"):
        build_config({"PORTAL_ENV": "staging"}, None, tmp_path)


def test_production_refuses_the_development_sign_in(tmp_path: Path) -> None:
    env = {"PORTAL_ENV": "production", "PORTAL_SECRET_KEY": "s" * 40,
           "PORTAL_DATABASE_URL": "postgresql://db/portal", "PORTAL_DEV_SIGNIN": "1"}
    with pytest.raises(ConfigError, match="development sign-in"):
        build_config(env, None, tmp_path)
