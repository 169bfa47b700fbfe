"""portal.services.messages: a stored submission becomes its validated message, or an
`InvalidMessage` with every problem and its XPath; nothing invalid is returned."""

from __future__ import annotations

import copy
import hashlib
from dataclasses import replace
from datetime import datetime
from typing import Any
from uuid import UUID

import pytest

from portal.adapters.db.models import Submission, Upload
from portal.adapters.xoev.schemas import MessageSchemas, parse
from portal.adapters.xoev.xdomea import XDOMEA_NS
from portal.definitions.loader import Catalog
from portal.services.messages import (
    InvalidMessage,
    build_dms_record,
    build_message,
    product_version,
)
from tests.adapters.xoev.support import (
    CREATED,
    GOLDEN,
    MESSAGE_UUID,
    REFERENCES,
    SAMPLES,
    SUBMITTED,
    make_input,
    upload_ids,
)

X = f"{{{XDOMEA_NS}}}"


def submission(catalog: Catalog, service_id: str, answers: dict[str, Any] | None = None,
               **changes: Any) -> Submission:
    """A submission row as the submit service stores it (not added to any session)."""
    inp = make_input(catalog, service_id, answers)
    values: dict[str, Any] = {
        "id": "7d0c7a6e-3b1f-4a8e-9c2d-5e6f7a8b9c0d", "reference": REFERENCES[service_id],
        "draft_id": "d", "user_id": "u", "service_id": service_id,
        "service_version": inp.service.version, "department": inp.service.department,
        "answers": dict(inp.answers), "fee": dict(inp.fee), "notices": list(inp.notices),
        "channel": "online", "auth_method": "bundid", "trust_level": inp.trust_level,
        "submitted_at": SUBMITTED, "identification": inp.identification,
    }
    values.update(changes)
    return Submission(**values)


def uploads_of(sub: Submission) -> list[Upload]:
    found = []
    for upload_id in upload_ids(sub.answers):
        content = b"%PDF-1.4 " + upload_id.encode()
        found.append(Upload(id=upload_id, user_id="u", draft_id="d", field_path="dogs.1.relief_proof",
                            filename="Übernahmevertrag Tierheim.pdf",
                            content_type="application/pdf", size=len(content),
                            sha256=hashlib.sha256(upload_id.encode()).hexdigest(),
                            content=content))
    return found


def test_builds_the_golden_message(catalog: Catalog, schemas: MessageSchemas) -> None:
    sub = submission(catalog, "hundesteuer-anmeldung")
    xml = build_message(sub, catalog, schemas, attachments=uploads_of(sub), now=CREATED,
                        message_uuid=MESSAGE_UUID)
    version = f'produktversion="{product_version()}"'.encode()
    assert version in xml
    expected = (GOLDEN / "hundesteuer.anmeldung.0101.xml").read_bytes()
    assert xml == expected.replace(b'produktversion="0.1.0"', version)


def test_naive_timestamps_from_sqlite_are_taken_as_utc(catalog: Catalog,
                                                       schemas: MessageSchemas) -> None:
    sub = submission(catalog, "wohnsitz-abmeldung", submitted_at=datetime(2026, 11, 20, 8, 41))
    xml = build_message(sub, catalog, schemas, now=datetime(2026, 11, 20, 8, 42))
    doc = parse(xml)
    assert doc.findtext("antrag/eingangszeitpunkt") == "2026-11-20T08:41:00.000+00:00"
    uuid = doc.findtext("nachrichtenkopf/identifikation.nachricht/nachrichtenUUID")
    assert UUID(uuid or "").version == 4


def test_invalid_answers_raise_with_every_problem(catalog: Catalog,
                                                  schemas: MessageSchemas) -> None:
    answers = copy.deepcopy(SAMPLES["hundesteuer-anmeldung"])
    answers["dogs"][0]["breed"] = "wolf"
    answers["name"]["family_name"] = "X" * 130
    with pytest.raises(InvalidMessage) as caught:
        build_message(submission(catalog, "hundesteuer-anmeldung", answers), catalog, schemas)
    error = caught.value
    assert error.message == "hundesteuer.anmeldung.0101"
    # Schema problems come first; code lists are only checked on a schema-valid message.
    assert [p.xpath.rsplit("/", 2)[-2:] for p in error.problems] == [["name", "familienname"]]
    assert error.pairs() == [(p.xpath, p.reason) for p in error.problems]
    stored = error.to_json()
    assert stored["problems"][0]["xpath"].endswith("/halter/name/familienname")
    assert "zu lang" in stored["problems"][0]["reason"]


def test_answer_without_place_in_the_message_is_a_defect(catalog: Catalog,
                                                         schemas: MessageSchemas) -> None:
    answers = copy.deepcopy(SAMPLES["bewohnerparkausweis"])
    answers["trailer"] = "Anhänger GS-XY 12"
    with pytest.raises(InvalidMessage) as caught:
        build_message(submission(catalog, "bewohnerparkausweis", answers), catalog, schemas)
    assert [p.xpath for p in caught.value.problems] == ["antwort:trailer"]


def test_unknown_service_is_a_defect(catalog: Catalog, schemas: MessageSchemas) -> None:
    sub = submission(catalog, "bewohnerparkausweis")
    sub.service_id = "sperrmuell"
    with pytest.raises(InvalidMessage, match="sperrmuell"):
        build_message(sub, catalog, schemas)


def test_missing_ags_list_is_reported_not_hidden(catalog: Catalog,
                                                 schemas: MessageSchemas) -> None:
    without = replace(catalog, codelists={k: v for k, v in catalog.codelists.items()
                                          if k != "ags"})
    with pytest.raises(InvalidMessage) as caught:
        build_message(submission(without, "wohnsitz-abmeldung"), without, schemas)
    assert {p.reason for p in caught.value.problems} == {
        "Das Pflichtattribut „listVersionID“ fehlt."}


def test_dms_record_with_pdf_and_uploads(catalog: Catalog, schemas: MessageSchemas) -> None:
    sub = submission(catalog, "hundesteuer-anmeldung")
    uploads = uploads_of(sub)
    xml = build_message(sub, catalog, schemas, attachments=uploads)
    package = build_dms_record(sub, catalog, schemas, xml, pdf=b"%PDF-1.7 sealed",
                               attachments=uploads, now=CREATED)
    doc = parse(package.message)
    titles = [d.findtext(f"{X}AllgemeineMetadaten/{X}Betreff")
              for d in doc.iter(f"{X}Dokument")]
    assert titles == ["Antragsdaten HST-2026-000123 (hundesteuer.anmeldung.0101)",
                      "Antrag HST-2026-000123"]
    # The upload is an annex of the application document, titled with its field's label.
    annexes = [a.findtext(f"{X}AllgemeineMetadaten/{X}Betreff") for a in doc.iter(f"{X}Anlage")]
    assert annexes == ["Nachweis für die Befreiung oder Ermäßigung"]
    assert xml in package.files.values()
    assert len(package.files) == 3


def test_dms_record_names_target_and_storage(catalog: Catalog, schemas: MessageSchemas) -> None:
    sub = submission(catalog, "wohnsitz-abmeldung")
    xml = build_message(sub, catalog, schemas)
    package = build_dms_record(sub, catalog, schemas, xml, container_id="AKTE-2026-17",
                               storage_location="/srv/dms/import", now=CREATED,
                               process_id=UUID("00000000-0000-4000-8000-000000000000"))
    doc = parse(package.message)
    assert doc.findtext(f".//{X}IDContainer") == "AKTE-2026-17"
    assert doc.findtext(f".//{X}Ablageort") == "/srv/dms/import"
    assert doc.findtext(f".//{X}Empfaenger/{X}Organisationseinheit/{X}Name") == \
        "Bürgerbüro – Meldebehörde"
    assert package.name == "00000000-0000-4000-8000-000000000000_FVDaten.SGOAblegen.0605"
