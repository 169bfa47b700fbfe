"""Realistic submissions for every service, and how to turn answers into a `MessageInput`
without a database."""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from uuid import UUID

from portal.adapters.xoev.model import MessageInput
from portal.definitions.fees import compute_fee
from portal.definitions.loader import Catalog, load_catalog
from portal.definitions.validators import CheckContext, run_validators
from portal.services.submissions import notice_json

ROOT = Path(__file__).resolve().parents[3]
SCHEMAS_DIR = ROOT / "xoev_schemas"
GOLDEN = ROOT / "tests" / "golden"
TODAY = date(2026, 11, 20)
BERLIN = timezone(timedelta(hours=1))
SUBMITTED = datetime(2026, 11, 20, 9, 41, 7, 250000, tzinfo=BERLIN)
CREATED = datetime(2026, 11, 20, 9, 41, 8, 5000, tzinfo=BERLIN)
MESSAGE_UUID = UUID("3f0e8a52-6c1d-4b7e-9a24-5d8c1e2f9b60")
REFERENCES = {
    "hundesteuer-anmeldung": "HST-2026-000123",
    "hundesteuer-abmeldung": "HSA-2026-000045",
    "wohnsitz-anmeldung": "WAN-2026-000321",
    "wohnsitz-ummeldung": "WUM-2026-000077",
    "wohnsitz-abmeldung": "WAB-2026-000012",
    "bewohnerparkausweis": "BPA-2026-000208",
}


def upload(upload_id: str, filename: str, content_type: str = "application/pdf",
           size: int = 48213) -> dict[str, Any]:
    return {"upload_id": upload_id, "filename": filename, "content_type": content_type,
            "size": size}


ERIKA = {"family_name": "Mustermann", "given_names": "Erika", "birth_name": "Gabler"}
MARKT = {"street": "Marktstraße", "house_number": "3", "postcode": "38640", "town": "Goslar"}

# A complete family registration (issue #10): two adults married to each other and their
# child move from Frankfurt to Goslar, keep a second home in Berlin, one objection is declared
# and the landlord confirmed in writing (uploaded).
FAMILY: dict[str, Any] = {
    "registration_for": "SELBST",
    "previous_home_in_germany": True,
    "previous_address": {"street": "Kaiserstraße", "house_number": "18 b", "postcode": "60311",
                         "town": "Frankfurt am Main"},
    "new_address": {"street": "Breite Straße", "house_number": "41", "addition": "2. OG links",
                    "postcode": "38640", "town": "Goslar"},
    "move_in_date": "2026-11-12",
    "has_other_dwellings": True,
    "other_dwellings": [{"address": {"street": "Friedrichstraße", "house_number": "9",
                                     "postcode": "10117", "town": "Berlin"}, "status": "NW"}],
    "persons": [
        {"relationship": "S",
         "name": {"family_name": "Kowalski-Schäfer", "given_names": "Łukasz Piotr"},
         "usual_given_name": "Łukasz", "doctorate": "Dr.", "birth_date": "1988-02-29",
         "birth_place": "Kraków", "birth_country": "152", "sex": "m",
         "nationalities": ["000", "152"], "religion": "rk", "marital_status": "VH",
         "marriage_date": "2016-06-18", "marriage_place": "Frankfurt am Main",
         "marriage_country": "000", "housing_status": "HW", "id_document_type": "PA",
         "id_document_authority": "Stadt Frankfurt am Main", "id_document_number": "L01X00T47",
         "id_document_issued": "2023-04-03", "id_document_valid_until": "2033-04-02",
         "objections": ["36-2"]},
        {"relationship": "E",
         "name": {"family_name": "Kowalski-Schäfer", "given_names": "Anna Maria",
                  "birth_name": "Schäfer"},
         "artist_name": "Anna Fjord", "birth_date": "1990-07-01", "birth_place": "Goslar",
         "birth_country": "000", "sex": "w", "nationalities": ["000"], "religion": "lt",
         "marital_status": "VH", "marriage_date": "2016-06-18",
         "marriage_place": "Frankfurt am Main", "marriage_country": "000",
         "housing_status": "HW", "id_document_type": "PA",
         "id_document_authority": "Stadt Frankfurt am Main", "id_document_number": "L01X00T58",
         "id_document_issued": "2022-09-12", "id_document_valid_until": "2032-09-11"},
        {"relationship": "K", "name": {"family_name": "Kowalski-Schäfer", "given_names": "Noah"},
         "birth_date": "2019-10-05", "birth_place": "Frankfurt am Main", "birth_country": "000",
         "sex": "m", "nationalities": ["000", "152"], "religion": "rk", "marital_status": "LD",
         "rep_registrant": True, "rep_partner": True, "rep_other": False,
         "housing_status": "HW", "id_document_type": "KRP",
         "id_document_authority": "Stadt Frankfurt am Main", "id_document_number": "C7KJ2LM4N",
         "id_document_issued": "2024-05-02", "id_document_valid_until": "2030-05-01"},
    ],
    "landlord_confirmation_kind": "SCHRIFTLICH",
    "landlord_name": "Helga Brandes",
    "landlord_address": {"street": "Rosentorstraße", "house_number": "22", "postcode": "38640",
                         "town": "Goslar"},
    "landlord_is_owner": False,
    "owner_name": "Goslarer Wohnstättengesellschaft mbH",
    "owner_address": {"street": "Im Schleeke", "house_number": "31", "postcode": "38640",
                      "town": "Goslar"},
    "landlord_confirmed_move_in": "2026-11-12",
    "landlord_confirmation_complete": True,
    "landlord_confirmation_upload": upload("0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
                                           "Wohnungsgeberbestaetigung.jpg", "image/jpeg",
                                           1203311),
}
# How the person who registered was identified (portal.services.identity.Identity
# .identification) - here a BundID sign-in with the eID at level 4.
IDENTIFICATION: dict[str, Any] = {
    "method": "bundid", "level": 4, "pseudonym": "bPK2:6a0X3Rm9q2k4L8sW1zT5yV7uB0cD3eF6gH9jK=",
    "identified_at": "2026-11-20T09:30:12.500+01:00",
    "verified": {"name": {"family_name": "Kowalski-Schäfer", "given_names": "Łukasz Piotr"},
                 "birth_date": "1988-02-29", "birth_place": "Kraków",
                 "address": {"street": "Kaiserstraße", "house_number": "18b",
                             "postcode": "60311", "town": "Frankfurt am Main"},
                 "nationality": "000"},
}

SAMPLES: dict[str, dict[str, Any]] = {
    "hundesteuer-anmeldung": {
        "name": ERIKA,
        "birth_date": "1984-03-12",
        "address": {"street": "Bäckerstraße", "house_number": "12 a", "addition": "Hinterhaus",
                    "postcode": "38640", "town": "Goslar"},
        "phone": "05321 704-0",
        "email": "erika.mustermann@example.org",
        "dogs_already_taxed": 1,
        "household_tax_reference": "4711.0815.2025",
        "dogs": [
            {"name": "Bello", "breed": "labrador_retriever", "colour": "schokobraun",
             "sex": "ruede", "birth_date": "2025-04-02", "chip": "276098106543210",
             "keeping_since": "2026-11-01", "dangerous": False, "relief_requested": False,
             "moved_from_elsewhere": True, "previous_municipality": "Bad Harzburg",
             "previous_tax_tag": "BH-0815"},
            {"name": "Zoë", "breed": "mischling", "breed_details": "Pudel-Terrier-Mischling",
             "listed_breed_cross": False, "colour": "weiß mit schwarzen Flecken",
             "sex": "huendin", "birth_date": "2023-08-15", "chip": "276098106543211",
             "keeping_since": "2026-11-10", "dangerous": False, "relief_requested": True,
             "relief_reason": "tierheimhund",
             "relief_proof": upload("5b8f3c1e-2a47-4d3b-9e6f-1c2d3e4f5a6b",
                                    "Übernahmevertrag Tierheim.pdf"),
             "moved_from_elsewhere": False},
            {"name": "Tyson", "breed": "pit_bull_terrier", "colour": "gestromt",
             "sex": "ruede", "birth_date": "2022-02-01", "chip": "276098106543212",
             "keeping_since": "2026-11-01", "temperament_test": False, "dangerous": False,
             "relief_requested": False, "moved_from_elsewhere": False},
        ],
        "sepa_mandate": True,
        "iban": "DE89370400440532013000",
        "account_holder_differs": True,
        "account_holder": "Hans Mustermann",
        "account_holder_address": {"street": "Bäckerstraße", "house_number": "12 a",
                                   "postcode": "38640", "town": "Goslar"},
    },
    "hundesteuer-abmeldung": {
        "name": {"family_name": "Đorđević", "given_names": "Mira"},
        "address": {"street": "Rosentorstraße", "house_number": "7", "postcode": "38640",
                    "town": "Goslar"},
        "tax_reference": "4711.0815.2025",
        "tax_tag_number": "GS-1234",
        "dog_name": "Rex",
        "breed": "deutscher_schaeferhund",
        "chip": "276098100000042",
        "reason": "abgegeben",
        "event_date": "2026-11-14",
        "new_keeper_name": {"family_name": "Tierheim Goslar e. V.", "given_names": "-"},
        "new_keeper_address": {"street": "Im Schleeke", "house_number": "120",
                               "postcode": "38640", "town": "Goslar"},
        "proof": upload("8d2e4f6a-1b3c-4d5e-8f90-a1b2c3d4e5f6", "Abgabevertrag.pdf"),
        "remark": "Die Steuermarke habe ich am 15.11. im Bürgerbüro abgegeben.\n"
                  "Bitte den Abschlussbescheid per Post.",
    },
    "wohnsitz-anmeldung": FAMILY,
    "wohnsitz-ummeldung": {
        "registration_for": "SELBST",
        "previous_address": MARKT,
        "new_address": {"street": "Jakobistraße", "house_number": "5", "postcode": "38640",
                        "town": "Goslar"},
        "move_in_date": "2026-11-16",
        "has_other_dwellings": False,
        "persons": [
            {"relationship": "S", "name": {"family_name": "Yılmaz", "given_names": "Mehmet"},
             "birth_date": "1972-05-09", "birth_place": "İzmir", "birth_country": "163",
             "sex": "m", "nationalities": ["163"], "religion": "--", "marital_status": "GS",
             "housing_status": "AW", "id_document_type": "RP",
             "id_document_authority": "T.C. İçişleri Bakanlığı",
             "id_document_number": "U12345678", "id_document_issued": "2021-03-01",
             "id_document_valid_until": "2031-02-28"},
            {"relationship": "K", "name": {"family_name": "Yılmaz", "given_names": "Ayşe"},
             "birth_date": "2012-12-24", "birth_place": "Goslar", "birth_country": "000",
             "sex": "w", "nationalities": ["000", "163"], "religion": "--",
             "marital_status": "LD", "rep_registrant": True, "rep_partner": False,
             "rep_other": True,
             "rep_other_name": {"family_name": "Demir", "given_names": "Elif"},
             "rep_other_birth_date": "1978-04-02", "rep_other_sex": "w",
             "rep_other_address": {"street": "Bohlweg", "house_number": "12",
                                   "postcode": "38100", "town": "Braunschweig"},
             "housing_status": "AW", "id_document_type": "KEIN",
             "objections": ["50-2", "50-3"]},
        ],
        "landlord_confirmation_kind": "ELEKTRONISCH",
        "landlord_reference": "WGB-2026-11-A7Q3",
    },
    "wohnsitz-abmeldung": {
        "registration_for": "SELBST",
        "reason": "AUSLAND",
        "move_out_date": "2026-11-25",
        "address": {"street": "Hoher Weg", "house_number": "2", "postcode": "38640",
                    "town": "Goslar"},
        "new_address_abroad": {"street": "Rue de la Loi 170", "postcode": "1040",
                               "town": "Bruxelles", "country": "124"},
        "persons": [
            {"relationship": "S", "name": {"family_name": "Lefèvre", "given_names": "Émile"},
             "birth_date": "1995-06-30"},
            {"relationship": "K", "name": {"family_name": "Lefèvre", "given_names": "Léa"},
             "birth_date": "2020-02-14"},
        ],
        "email": "emile.lefevre@example.be",
    },
    "bewohnerparkausweis": {
        "name": {"family_name": "Weiß", "given_names": "Jürgen"},
        "address": {"street": "Marktstraße", "house_number": "14", "postcode": "38640",
                    "town": "Goslar"},
        "registration_mark": "GS-JW 1970E",
        "vehicle_make": "Škoda",
        "vehicle_relation": "dauernutzer",
        "keeper_name": "Harzer Pflegedienst GmbH",
        "keeper_address": {"street": "Kornstraße", "house_number": "8", "postcode": "38640",
                           "town": "Goslar"},
        "keeper_confirmation": upload("6a7b8c9d-0e1f-4a2b-9c3d-4e5f6a7b8c9d",
                                      "Bestätigung Arbeitgeber.pdf"),
        "registration_certificate": upload("1f2e3d4c-5b6a-4978-8a6b-5c4d3e2f1a0b",
                                           "Fahrzeugschein.png", "image/png", 734005),
        "private_parking_available": True,
        "private_parking_explanation": "Der Stellplatz im Hof ist an die Praxis im "
                                       "Erdgeschoss vermietet.",
        "validity_months": "12",
        "start_date": "2026-12-01",
    },
}


def load_test_catalog() -> Catalog:
    return load_catalog(ROOT / "forms", ROOT / "municipalities" / "goslar.yaml")


def make_input(catalog: Catalog, service_id: str, answers: Mapping[str, Any] | None = None,
               **overrides: Any) -> MessageInput:
    """A submission as the portal stores it: fee and notices computed by the definitions."""
    service = catalog.services[service_id]
    answers = copy.deepcopy(dict(SAMPLES[service_id] if answers is None else answers))
    fee = compute_fee(service.fee, answers, catalog.municipality).to_json()
    findings = run_validators([(v.name, v.args) for v in service.validators], answers,
                              CheckContext(TODAY, catalog.municipality))
    values: dict[str, Any] = {
        "service": service, "answers": answers, "reference": REFERENCES[service_id],
        "submitted_at": SUBMITTED, "fee": fee, "channel": "online", "auth_method": "bundid",
        "trust_level": service.min_trust_level, "municipality": catalog.municipality,
        "codelists": catalog.codelists, "message_uuid": MESSAGE_UUID, "created_at": CREATED,
        "notices": [notice_json(n) for n in findings.notices],
        "file_hashes": {u: hashlib.sha256(u.encode()).hexdigest() for u in upload_ids(answers)},
        "identification": IDENTIFICATION if service.department == "meldebehoerde" else None,
    }
    values.update(overrides)
    return MessageInput(**values)


def upload_ids(value: Any) -> list[str]:
    if isinstance(value, dict):
        if "upload_id" in value:
            return [str(value["upload_id"])]
        return [i for v in value.values() for i in upload_ids(v)]
    if isinstance(value, list):
        return [i for v in value for i in upload_ids(v)]
    return []


def normalized(value: Any) -> Any:
    """Answers as a message gives them back: unset values dropped, house numbers compact."""
    if isinstance(value, dict):
        out = {k: normalized(v) for k, v in value.items() if v not in (None, "", [], {})}
        if "house_number" in out and isinstance(out["house_number"], str):
            out["house_number"] = out["house_number"].replace(" ", "")
        return out
    if isinstance(value, list):
        return [normalized(v) for v in value]
    return value

