"""Store citizens' files; size and type are checked on the content, not the file name."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping
from pathlib import PurePosixPath

import filetype
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.adapters.db.models import Upload
from portal.definitions import messages as m
from portal.definitions.fields import UploadRef
from portal.definitions.messages import Message
from portal.services.errors import NotFound

TYPE_NAMES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
SIGNATURES = {"application/pdf": b"%PDF-", "image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff"}
EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


def sniff(data: bytes) -> str | None:
    kind = filetype.guess(data[:8192])
    mime = kind.mime if kind else None
    if mime in SIGNATURES and data.startswith(SIGNATURES[mime]):
        return mime
    return None


def safe_filename(name: str, content_type: str) -> str:
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(c for c in unicodedata.normalize("NFC", base) if unicodedata.category(c)[0] != "C")
    # File names travel in XÖV messages, whose strings are DIN 91379: keep Latin letters only.
    base = "".join(c if " " <= c <= "~" or "\u00c0" <= c <= "\u017e" else "_" for c in base)
    base = base.strip(" .")[:120] or "datei"
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return stem + EXTENSIONS.get(content_type, "")


def store_upload(session: Session, *, user_id: str, draft_id: str, field_path: str,
                 filename: str, data: bytes, accept: list[str], max_size_mb: int,
                 label: Mapping[str, str]) -> UploadRef | Message:
    if not data:
        return Message(m.UPLOAD_EMPTY, {"label": label})
    if len(data) > max_size_mb * 1024 * 1024:
        return Message(m.UPLOAD_TOO_LARGE, {"label": label, "max": max_size_mb})
    content_type = sniff(data)
    if content_type is None or content_type not in accept:
        allowed = ", ".join(TYPE_NAMES.get(a, a) for a in accept)
        return Message(m.UPLOAD_WRONG_TYPE, {"label": label, "allowed": allowed})
    upload = Upload(user_id=user_id, draft_id=draft_id, field_path=field_path,
                    filename=safe_filename(filename, content_type), content_type=content_type,
                    size=len(data), sha256=hashlib.sha256(data).hexdigest(), content=data)
    session.add(upload)
    session.flush()
    return UploadRef(upload.id, upload.filename, content_type, len(data))


def upload_for_user(session: Session, upload_id: str, user_id: str) -> Upload:
    upload = session.scalar(select(Upload).where(Upload.id == upload_id, Upload.user_id == user_id))
    if upload is None:
        raise NotFound(upload_id)
    return upload


def unique_names(names: list[str]) -> list[str]:
    """Files are found by name in a PDF, a ZIP or an e-mail: 'scan.pdf' twice becomes
    'scan (2).pdf'."""
    seen: set[str] = set()
    out = []
    for name in names:
        candidate, number = name, 1
        while candidate.lower() in seen:
            number += 1
            path = PurePosixPath(name)
            candidate = f"{path.stem} ({number}){path.suffix}"
        seen.add(candidate.lower())
        out.append(candidate)
    return out
