"""Secrets in the configuration: the value itself (e.g. from the environment) or, better, a
file named by `<KEY>_FILE` (a mounted secret), as for the seal."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any


class SecretError(Exception):
    pass


def read_secret(config: Mapping[str, Any], key: str) -> str | None:
    direct = config.get(key)
    if direct:
        return str(direct)
    path = config.get(f"{key}_FILE")
    if not path:
        return None
    try:
        return Path(str(path)).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise SecretError(f"{key}_FILE {path} cannot be read: {exc.strerror}") from exc
