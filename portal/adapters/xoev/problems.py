"""Turn xmlschema's validation errors into sentences a clerk can read (German), with the XPath
and line of the place. Unknown kinds of error keep xmlschema's own wording."""

from __future__ import annotations

import re
from typing import Any

from lxml import etree
from xmlschema.validators import exceptions as xe
from xmlschema.validators import facets

from portal.adapters.xoev.model import Problem

BUILTIN_NAMES = {
    "date": "kein gültiges Datum (JJJJ-MM-TT)",
    "dateTime": "kein gültiger Zeitpunkt (JJJJ-MM-TTThh:mm:ss mit Zeitzone)",
    "boolean": "kein Wahrheitswert (true oder false)",
    "integer": "keine ganze Zahl",
    "positiveInteger": "keine positive ganze Zahl",
    "nonNegativeInteger": "keine ganze Zahl ab 0",
    "unsignedInt": "keine ganze Zahl ab 0",
    "decimal": "keine Zahl",
    "anyURI": "keine gültige URI",
}
# What a value of these types looks like, for "wrong format" messages.
FORMATS = {
    "Transpondernummer": "15 Ziffern",
    "Postleitzahl.Inland": "5 Ziffern",
    "Meldeanschrift.Hausnummer": "nur Ziffern",
    "IBAN": "eine IBAN ohne Leerzeichen, z. B. DE89370400440532013000",
    "Kennzeichen": "ein Kennzeichen wie GS-AB 123",
    "UUID": "eine UUID (RFC 4122, Kleinbuchstaben)",
    "Zeitpunkt": "Datum und Uhrzeit mit Zeitzone",
    "Zeitpunkt.Millisekunden": "Datum und Uhrzeit mit Millisekunden und Zeitzone, "
                               "z. B. 2026-11-20T10:15:30.123+01:00",
    "Aktenzeichen": "ein Aktenzeichen wie HST-2026-000123",
    "Versionsnummer": "eine Versionsnummer wie 1.0.0",
    "LeiKaKennung": "eine LeiKa-Kennung urn:de:fim:leika:leistung: mit 14 Ziffern",
    "EMail": "eine E-Mail-Adresse",
    "Telefonnummer": "eine Telefonnummer",
    "Kennung": "eine Kennung aus Buchstaben, Ziffern, Punkt, Binde- und Unterstrich",
    "Schluessel.Dreistellig": "einen dreistelligen Schlüssel",
    "SHA256": "64 Hexadezimalziffern (SHA-256)",
    "Betrag": "einen Betrag mit zwei Nachkommastellen, z. B. 30.70",
    "MimeTyp": "einen MIME-Typ wie application/pdf",
}
QUOTED = re.compile(r"'([^']+)'")


def describe(error: xe.XMLSchemaValidationError, tree: etree._ElementTree, din_c: Any) -> Problem:
    elem = error.elem
    xpath = tree.getpath(elem) if isinstance(elem, etree._Element) else (error.path or "/")
    return Problem(xpath, _reason(error, din_c), getattr(error, "sourceline", None))


def _reason(error: xe.XMLSchemaValidationError, din_c: Any) -> str:
    if isinstance(error, xe.XMLSchemaChildrenValidationError):
        return _children(error)
    validator: Any = error.validator
    value = error.obj if isinstance(error.obj, str) else None
    if isinstance(validator, facets.XsdFacet | facets.XsdPatternFacets |
                  facets.XsdEnumerationFacets) and value is not None:
        return _facet(validator, value, din_c)
    if isinstance(error, xe.XMLSchemaDecodeError) and value is not None:
        local = getattr(validator, "local_name", None) or ""
        if local in BUILTIN_NAMES:
            return f"„{value}“ ist {BUILTIN_NAMES[local]}."
    reason = error.reason or str(error)
    names = QUOTED.findall(reason)
    if reason.startswith("missing required attribute") and names:
        return f"Das Pflichtattribut „{names[0]}“ fehlt."
    if "fixed value" in reason and getattr(validator, "fixed", None) is not None:
        what = f"Das Attribut „{validator.local_name}“" if "attribute" in reason else "Der Wert"
        return f"{what} muss „{validator.fixed}“ lauten."
    if "is not an element of the schema" in reason:
        return "Das Wurzelelement ist keine Nachricht dieses Schemas."
    return f"Schemafehler: {reason}"


def _children(error: xe.XMLSchemaChildrenValidationError) -> str:
    expected = [getattr(e, "local_name", None) or str(e) for e in (error.expected or [])]
    required = [getattr(e, "local_name", "") for e in (error.expected or [])
                if getattr(e, "min_occurs", 0) > 0]
    wanted = " oder ".join(f"„{n}“" for n in (required or expected))
    child = error.invalid_child
    if child is None:
        return f"Pflichtangabe fehlt: {wanted}." if wanted else "Es fehlen Pflichtangaben."
    tag = etree.QName(child).localname if isinstance(child.tag, str) else str(child.tag)
    group: Any = error.validator
    known = {getattr(e, "local_name", None) for e in group.iter_elements()}
    if tag in known and wanted:
        return f"Pflichtangabe fehlt: {wanted} (vor „{tag}“), oder die Reihenfolge stimmt nicht."
    if wanted:
        return f"Das Element „{tag}“ ist hier nicht erlaubt; erwartet wird {wanted}."
    return f"Das Element „{tag}“ ist hier nicht erlaubt."


def _facet(validator: Any, value: str, din_c: Any) -> str:
    if isinstance(validator, facets.XsdMaxLengthFacet):
        return (f"Der Text ist zu lang: {len(value)} Zeichen, erlaubt sind höchstens "
                f"{validator.value}.")
    if isinstance(validator, facets.XsdMinLengthFacet | facets.XsdLengthFacet):
        if not value:
            return "Der Wert ist leer."
        return f"Der Text hat {len(value)} Zeichen, verlangt sind {validator.value}."
    if isinstance(validator, facets.XsdEnumerationFacets):
        allowed = ", ".join(str(v) for v in validator.enumeration)
        return f"Der Wert „{value}“ ist nicht zulässig; erlaubt sind: {allowed}."
    if isinstance(validator, facets.XsdPatternFacets):
        return _pattern(validator, value, din_c)
    if isinstance(validator, facets.XsdMinInclusiveFacet | facets.XsdMinExclusiveFacet):
        return f"Der Wert {value} ist zu klein (Minimum {validator.value!s})."
    if isinstance(validator, facets.XsdMaxInclusiveFacet | facets.XsdMaxExclusiveFacet):
        return f"Der Wert {value} ist zu groß (Maximum {validator.value!s})."
    if isinstance(validator, facets.XsdFractionDigitsFacet):
        return f"Der Wert {value} hat mehr als {validator.value} Nachkommastellen."
    return f"Der Wert „{value}“ ist nicht zulässig."


def _pattern(validator: Any, value: str, din_c: Any) -> str:
    if not din_c.is_valid(value):
        bad = [c for c in dict.fromkeys(value) if not c.isspace() and not din_c.is_valid(c)]
        shown = " ".join(f"„{c}“ (U+{ord(c):04X})" for c in bad) or "eine Zeichenfolge"
        return f"Enthält Zeichen außerhalb von DIN 91379 (Datentyp C): {shown}."
    parent = getattr(validator, "parent", None)
    type_name = getattr(parent, "local_name", None) or ""
    if type_name == "datatypeA" and parent is not None:
        bad = [c for c in dict.fromkeys(value) if not c.isspace() and not parent.is_valid(c)]
        shown = " ".join(f"„{c}“ (U+{ord(c):04X})" for c in bad) or "eine Zeichenfolge"
        return ("Enthält Zeichen, die in Namen natürlicher Personen nicht zulässig sind "
                f"(DIN 91379 Datentyp A): {shown}.")
    if type_name.startswith("Text") and any(c in value for c in "\t\n\r"):
        return "Der Text darf keinen Zeilenumbruch und keinen Tabulator enthalten."
    if type_name in FORMATS:
        return f"„{value}“ hat nicht das erwartete Format: {FORMATS[type_name]}."
    return f"„{value}“ hat nicht das erwartete Format ({type_name or 'Muster'})."
