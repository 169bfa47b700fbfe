"""Language choice and the template helpers that translate definitions and messages."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, current_app, request, session
from flask_babel import Babel, get_locale, gettext

from portal.definitions.messages import N_, Message


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    wanted = request.args.get("lang")
    if wanted in languages:
        session["lang"] = wanted
    chosen = session.get("lang")
    return str(chosen) if chosen in languages else str(current_app.config["BABEL_DEFAULT_LOCALE"])


def lang() -> str:
    return str(get_locale() or "de")


def t(text: dict[str, str] | None) -> str:
    """A definition's localised text in the current language, German as fallback."""
    if not text:
        return ""
    return text.get(lang()) or text["de"]


def msg(message: Message | dict[str, Any]) -> str:
    if isinstance(message, dict):
        message = Message(message["text"], message.get("params") or {})
    text = gettext(message.text)
    params = {k: t(v) if isinstance(v, dict) else v for k, v in message.params.items()}
    try:
        return text % params if params else text
    except (KeyError, ValueError, TypeError):
        return text


def money(value: Decimal | str | None) -> str:
    if value is None:
        return ""
    amount = Decimal(str(value))
    text = f"{amount:,.2f}"
    if lang() == "de":
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
        return f"{text} €"
    return f"€{text}"


def fmt_date(value: date | datetime | str | None, with_time: bool = False) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        except ValueError:
            return str(value)
    if isinstance(value, datetime):
        local = value.astimezone(ZoneInfo(current_app.config.get("TIMEZONE", "Europe/Berlin")))
        if not with_time:
            return local.strftime("%d.%m.%Y")
        return local.strftime("%d.%m.%Y, %H:%M") + (" Uhr" if lang() == "de" else "")
    return value.strftime("%d.%m.%Y")


def filesize(size: int | None) -> str:
    kib = (size or 0) / 1024
    text = f"{kib / 1024:.1f} MB" if kib >= 1024 else f"{max(1, round(kib))} KB"
    return text.replace(".", ",") if lang() == "de" else text


TRUST_LEVELS = {1: N_("niedrig"), 2: N_("normal"), 3: N_("substanziell"), 4: N_("hoch")}


def level_name(level: int) -> str:
    """The eIDAS/STORK name of a trust level, translated."""
    return gettext(TRUST_LEVELS.get(level, str(level)))


def init_i18n(app: Flask, translations_dir: str) -> None:
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = translations_dir
    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals.update(t=t, msg=msg, lang=lang, level_name=level_name)
    app.jinja_env.filters.update(money=money, date=fmt_date, filesize=filesize,
                                 code_name=code_name)


def code_name(code: str, codelist: Any) -> str:
    """The name of a code in the current language (the code itself when the list lacks it)."""
    entry = codelist.entry(code) if codelist is not None else None
    return t(entry.name) if entry is not None else code
