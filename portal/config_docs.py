"""The table of settings in docs/deployment.md, generated from `portal.config` so it cannot
go stale: `flask config docs` rewrites the marked section, `--check` fails when it differs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from portal.config import (
    CONFIGS,
    DESCRIPTIONS,
    EXTRA_VARIABLES,
    PREFIX,
    REQUIRED_IN_PRODUCTION,
    ProductionConfig,
)

BEGIN = "<!-- BEGIN GENERATED: flask config docs (edit portal/config.py, not this table) -->"
END = "<!-- END GENERATED: flask config docs -->"


def setting_names() -> list[str]:
    """Every setting of the configuration classes; ENV_NAME is set as PORTAL_ENV."""
    names: list[str] = []
    for cls in CONFIGS.values():
        names += [k for k in dir(cls) if k.isupper() and k not in names and k != "ENV_NAME"]
    return names


def undocumented() -> list[str]:
    described = {name for section in DESCRIPTIONS.values() for name in section}
    return sorted(set(setting_names()) - described)


def unknown_descriptions() -> list[str]:
    names = set(setting_names())
    return sorted(n for section in DESCRIPTIONS.values() for n in section if n not in names)


def _value(value: Any) -> str:
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return "`1`" if value else "`0`"
    if isinstance(value, tuple | list):
        return "`" + ",".join(str(v) for v in value) + "`"
    text = str(value).replace("|", "\\|")
    return f"`{text}`" if text else "empty"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table() -> str:
    development = CONFIGS["development"]
    lines = [
        "| Variable | Default (production) | Embedded default | Required in production | "
        "Meaning |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, (default, meaning) in EXTRA_VARIABLES.items():
        lines.append(f"| `{name}` | {default} | | | {_cell(meaning)} |")
    out = ["\n".join(lines)]
    for section, entries in DESCRIPTIONS.items():
        rows = [f"**{section}**", "",
                "| Variable | Default (production) | Embedded default | Required in production "
                "| Meaning |",
                "| --- | --- | --- | --- | --- |"]
        for name, meaning in entries.items():
            prod = getattr(ProductionConfig, name, None)
            dev = getattr(development, name, None)
            dev_cell = _value(dev) if dev != prod else ""
            required = REQUIRED_IN_PRODUCTION.get(name, "")
            rows.append(f"| `{PREFIX}{name}` | {_value(prod)} | {dev_cell} | {required} | "
                        f"{_cell(meaning)} |")
        out.append("\n".join(rows))
    return "\n\n".join(out) + "\n"


def render(guide: str) -> str:
    """The guide with its generated section replaced."""
    start, stop = guide.find(BEGIN), guide.find(END)
    if start < 0 or stop < start:
        raise ValueError(f"the guide has no section between {BEGIN!r} and {END!r}")
    return guide[:start] + BEGIN + "\n\n" + table() + "\n" + guide[stop:]


def update(path: Path) -> bool:
    """Rewrite the section; True if the file changed."""
    old = path.read_text(encoding="utf-8")
    new = render(old)
    if new != old:
        path.write_text(new, encoding="utf-8")
    return new != old
