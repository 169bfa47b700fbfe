"""Check a sealed PDF with pyHanko: intact, trusted, covering the whole file, and by whom.

Validation never goes to the network (no OCSP/CRL fetching at run time): trust comes from
the configured roots only, revocation is checked later by the archive (PAdES B-LT).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from pyhanko.keys import load_certs_from_pemder
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import PathError, ValidationError

# Problems are reported in German: the clerk view and `flask seal verify` show them as is.
NOT_A_PDF = "Die Datei ist kein lesbares PDF-Dokument."
NO_SEAL = "Das Dokument trägt kein Siegel."
NOT_INTACT = "Das Dokument wurde nach dem Siegeln verändert (Prüfsumme stimmt nicht)."
NOT_WHOLE_FILE = "Das Siegel umfasst nicht das ganze Dokument; es wurde nachträglich ergänzt."
NOT_TRUSTED = "Das Siegelzertifikat stammt nicht von einer vertrauenswürdigen Stelle."
BAD_TIMESTAMP = "Der Zeitstempel ist ungültig."


@dataclass(frozen=True)
class SealReport:
    sealed: bool
    intact: bool = False
    trusted: bool = False
    whole_file: bool = False
    holder: str = ""
    organisation: str = ""
    issuer: str = ""
    signed_at: datetime | None = None
    timestamp: datetime | None = None
    level: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.sealed and self.intact and self.trusted and self.whole_file \
            and not self.problems


def load_trust_roots(path: Path | None) -> list[asn1_x509.Certificate]:
    """All certificates of a PEM (or DER) file; none when no file is configured."""
    if path is None or not path.is_file():
        return []
    return list(load_certs_from_pemder([str(path)]))


def verify_pdf(data: bytes, trust_roots: Sequence[asn1_x509.Certificate]) -> SealReport:
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, IndexError):
        return SealReport(sealed=False, problems=[NOT_A_PDF])
    if not signatures:
        return SealReport(sealed=False, problems=[NO_SEAL])
    # The first signature is the seal; later ones (document time-stamps) only extend it.
    embedded = signatures[0]
    context = ValidationContext(trust_roots=list(trust_roots), allow_fetching=False,
                                revocation_mode="soft-fail")
    try:
        status = validate_pdf_signature(embedded, context)
    except (PdfError, ValueError, ValidationError, PathError) as exc:
        return SealReport(sealed=True, problems=[f"{NOT_INTACT} ({exc})"])
    cert = status.signing_cert
    subject = cert.subject.native
    # Later revisions may only add validation data and document time-stamps (PAdES LTA).
    level = status.modification_level
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE or (
        status.coverage == SignatureCoverageLevel.ENTIRE_REVISION and level is not None
        and level <= ModificationLevel.LTA_UPDATES)
    problems: list[str] = []
    if not (status.intact and status.valid):
        problems.append(NOT_INTACT)
    elif not whole:
        problems.append(NOT_WHOLE_FILE)
    if not status.trusted:
        problems.append(NOT_TRUSTED)
    timestamp = status.timestamp_validity
    if timestamp is not None and not (timestamp.intact and timestamp.valid):
        problems.append(BAD_TIMESTAMP)
    return SealReport(
        sealed=True, intact=bool(status.intact and status.valid), trusted=bool(status.trusted),
        whole_file=whole, holder=str(subject.get("common_name", cert.subject.human_friendly)),
        organisation=str(subject.get("organization_name", "")),
        issuer=str(cert.issuer.native.get("common_name", cert.issuer.human_friendly)),
        signed_at=status.signer_reported_dt,
        timestamp=timestamp.timestamp if timestamp is not None else None,
        level="PAdES B-T" if timestamp is not None else "PAdES B-B",
        problems=problems)
