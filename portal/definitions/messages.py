"""Messages for citizens, kept free of Flask: the web layer translates them with gettext.

Message ids are the German texts; `N_` only marks them for extraction by pybabel.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


def N_(text: str) -> str:  # gettext convention for marking messages
    return text


@dataclass(frozen=True)
class Message:
    text: str
    # A parameter may be a {language: text} mapping, e.g. a field label.
    params: Mapping[str, str | int | Mapping[str, str]] = field(default_factory=dict)
    # Machine-readable kind of a notice, e.g. "unverified:address" (empty for plain text).
    code: str = ""


@dataclass(frozen=True)
class FieldError:
    """An error tied to one input; `path` is the input's name (e.g. `dogs.0.chip`)."""

    path: str
    message: Message


REQUIRED = N_("Bitte geben Sie „%(label)s“ an.")
REQUIRED_CHOICE = N_("Bitte wählen Sie bei „%(label)s“ eine Antwort aus.")
REQUIRED_FILE = N_("Bitte laden Sie „%(label)s“ hoch.")
TOO_LONG = N_("„%(label)s“ darf höchstens %(max)s Zeichen lang sein (jetzt: %(length)s).")
CONTROL_CHARS = N_("„%(label)s“ enthält unzulässige Steuerzeichen.")
BAD_CHARS = N_(
    "„%(label)s“ enthält Zeichen, die Behörden nicht verarbeiten können: %(chars)s. "
    "Bitte ersetzen Sie sie, zum Beispiel „ und “ durch \"."
)
BAD_NAME_CHARS = N_(
    "„%(label)s“ darf nur Buchstaben und die in Namen üblichen Zeichen enthalten (Leerzeichen, "
    "Bindestrich, Apostroph, Punkt, Komma), keine Ziffern oder Sonderzeichen. Nicht erlaubt: "
    "%(chars)s"
)
NOT_A_NUMBER = N_("„%(label)s“ muss eine ganze Zahl sein, zum Beispiel 3.")
NOT_MONEY = N_("„%(label)s“ muss ein Geldbetrag sein, zum Beispiel 12,50.")
NUMBER_TOO_SMALL = N_("„%(label)s“ muss mindestens %(min)s sein.")
NUMBER_TOO_LARGE = N_("„%(label)s“ darf höchstens %(max)s sein.")
NOT_A_DATE = N_("„%(label)s“ muss ein gültiges Datum sein, zum Beispiel 27.03.2026.")
DATE_TOO_EARLY = N_("„%(label)s“ darf nicht vor dem %(date)s liegen.")
DATE_TOO_LATE = N_("„%(label)s“ darf nicht nach dem %(date)s liegen.")
NOT_AN_OPTION = N_(
    "Die Auswahl bei „%(label)s“ ist ungültig. Bitte wählen Sie eine der Möglichkeiten."
)
NOT_YES_NO = N_("Bitte beantworten Sie „%(label)s“ mit Ja oder Nein.")
BAD_EMAIL = N_("„%(label)s“ muss eine E-Mail-Adresse sein, zum Beispiel name@example.org.")
BAD_PHONE = N_("„%(label)s“ muss eine Telefonnummer sein, zum Beispiel 05321 704-0.")
BAD_IBAN = N_(
    "„%(label)s“ ist keine gültige IBAN. Bitte prüfen Sie die Angabe (Prüfziffer stimmt nicht)."
)
BAD_IBAN_FORMAT = N_("„%(label)s“ muss eine IBAN sein, zum Beispiel DE02 1203 0000 0000 2020 51.")
BAD_POSTCODE = N_("„%(label)s“ muss eine fünfstellige Postleitzahl sein, zum Beispiel 38640.")
BAD_REGISTRATION = N_(
    "„%(label)s“ muss ein Kfz-Kennzeichen sein, zum Beispiel GS-AB 123 oder GS-E 12E."
)
BAD_CHIP = N_("„%(label)s“ muss aus genau 15 Ziffern bestehen.")
BAD_HOUSE_NUMBER = N_(
    "„%(label)s“: Die Hausnummer muss mit einer Ziffer beginnen, zum Beispiel 12 oder 12a."
)
TOO_FEW_ITEMS = N_("Bitte geben Sie mindestens %(min)s Einträge bei „%(label)s“ an.")
TOO_MANY_ITEMS = N_("Bei „%(label)s“ sind höchstens %(max)s Einträge möglich.")
UPLOAD_TOO_LARGE = N_("Die Datei bei „%(label)s“ ist zu groß (höchstens %(max)s MB).")
UPLOAD_WRONG_TYPE = N_(
    "Die Datei bei „%(label)s“ hat ein nicht erlaubtes Format. Erlaubt sind: %(allowed)s."
)
UPLOAD_EMPTY = N_("Die Datei bei „%(label)s“ ist leer.")
