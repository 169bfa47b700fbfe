"""A submission as its validated XÖV message, and as an xdomea record for the DMS.

An invalid message is a defect of the portal, never the citizen's: `InvalidMessage` carries
every problem with its XPath, so the caller can mark the submission and show the problems to an
administrator. Nothing that failed validation is returned, so nothing invalid can be handed on.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from importlib import metadata
from typing import Any
from uuid import UUID, uuid4

from portal.adapters.db.models import Submission, Upload
from portal.adapters.xoev.mappers import UnknownMessage, map_input, message_type
from portal.adapters.xoev.model import TEST_AUTH_METHODS, MessageInput, Problem
from portal.adapters.xoev.schemas import MessageSchemas
from portal.adapters.xoev.xdomea import (
    RecordFile,
    RecordInput,
    XdomeaPackage,
    build_record,
    package_problems,
)
from portal.definitions.loader import Catalog
from portal.definitions.model import ServiceDefinition


class InvalidMessage(Exception):
    """The message for a submission does not validate; `problems` say where and why."""

    def __init__(self, message: str, problems: Sequence[Problem]) -> None:
        super().__init__(f"{message or 'message'}: {len(problems)} problem(s); "
                         + "; ".join(str(p) for p in problems[:3]))
        self.message = message
        self.problems = list(problems)

    def to_json(self) -> dict[str, Any]:
        """For storing on the submission or delivery job."""
        return {"message": self.message, "problems": [p.to_json() for p in self.problems]}

    def pairs(self) -> list[tuple[str, str]]:
        """(xpath, reason) of every problem."""
        return [(p.xpath, p.reason) for p in self.problems]


def product_version() -> str:
    try:
        return metadata.version("ozg-portal")
    except metadata.PackageNotFoundError:
        return "0.0.0"


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes for timezone-aware columns; the portal stores UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _service(submission: Submission, catalog: Catalog) -> ServiceDefinition:
    service = catalog.service(submission.service_id)
    if service is None:
        raise InvalidMessage("", [Problem("/", f"Die Leistung „{submission.service_id}“ ist "
                                               "nicht im Katalog.")])
    return service


def message_input(submission: Submission, catalog: Catalog, *,
                  attachments: Sequence[Upload] = (), now: datetime | None = None,
                  message_uuid: UUID | None = None) -> MessageInput:
    """Everything the mapper needs, taken from the stored submission and the catalogue."""
    return MessageInput(
        service=_service(submission, catalog),
        answers=submission.answers,
        reference=submission.reference,
        submitted_at=_aware(submission.submitted_at),
        fee=submission.fee,
        channel=submission.channel,
        auth_method=submission.auth_method,
        trust_level=submission.trust_level,
        municipality=catalog.municipality,
        codelists=catalog.codelists,
        message_uuid=message_uuid or uuid4(),
        created_at=_aware(now or datetime.now(UTC)),
        notices=list(submission.notices or []),
        file_hashes={upload.id: upload.sha256 for upload in attachments},
        product_version=product_version(),
        test=submission.auth_method in TEST_AUTH_METHODS,
        identification=submission.identification,
    )


def build_message(submission: Submission, catalog: Catalog, schemas: MessageSchemas, *,
                  attachments: Sequence[Upload] = (), now: datetime | None = None,
                  message_uuid: UUID | None = None) -> bytes:
    """The XÖV application message of `submission`, validated; raises `InvalidMessage`."""
    inp = message_input(submission, catalog, attachments=attachments, now=now,
                        message_uuid=message_uuid)
    try:
        mapped = map_input(inp)
    except UnknownMessage as exc:
        raise InvalidMessage("", [Problem("/", str(exc))]) from None
    problems = [Problem(f"antwort:{key}", "Diese Antwort hat in der Nachricht keinen Platz "
                                          "(Formular und Nachricht passen nicht zusammen).")
                for key in mapped.unmapped]
    problems += schemas.validate(mapped.xml, catalog.codelists)
    if problems:
        raise InvalidMessage(mapped.name, problems)
    return mapped.xml


def build_dms_record(submission: Submission, catalog: Catalog, schemas: MessageSchemas,
                     application_xml: bytes, *, pdf: bytes | None = None,
                     attachments: Sequence[Upload] = (), now: datetime | None = None,
                     process_id: UUID | None = None, container_id: str | None = None,
                     storage_location: str | None = None,
                     timezone: str = "Europe/Berlin") -> XdomeaPackage:
    """`FVDaten.SGOAblegen.0605` with the application XML, the sealed PDF (when there is one)
    and the uploads as documents, validated against the xdomea 3.0.0 schema files."""
    service = _service(submission, catalog)
    name = message_type(service.id).name
    record = RecordInput(
        application_xml=application_xml,
        message_name=name,
        reference=submission.reference,
        service_title=service.title["de"],
        submitted_at=_aware(submission.submitted_at),
        created_at=_aware(now or datetime.now(UTC)),
        process_id=process_id or uuid4(),
        municipality=catalog.municipality,
        department_id=submission.department,
        pdf=pdf,
        attachments=[_record_file(service, upload) for upload in attachments],
        container_id=container_id,
        storage_location=storage_location,
        product_version=product_version(),
        timezone=timezone,
        test=submission.auth_method in TEST_AUTH_METHODS,
    )
    package = build_record(record)
    problems = schemas.validate_xdomea(package.message) + package_problems(package)
    if problems:
        raise InvalidMessage("FVDaten.SGOAblegen.0605", problems)
    return package


def _record_file(service: ServiceDefinition, upload: Upload) -> RecordFile:
    """An upload becomes a document titled with the label of the field it was attached to."""
    top, _, rest = upload.field_path.partition(".")
    field = service.field(top)
    if field is not None and field.fields and rest:
        child_id = rest.split(".")[-1]
        field = next((f for f in field.fields if f.id == child_id), field)
    title = field.label["de"] if field is not None else upload.filename
    return RecordFile(upload.filename, upload.content, upload.content_type, title, "Anlage")
