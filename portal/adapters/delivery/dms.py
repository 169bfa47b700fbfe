"""Drop into a document management system's import directory: one xdomea transfer (ZIP) per
submission with the xdomea message and its documents: the portal's XÖV message, the sealed
PDF and the citizen's files.

The DMS polls the directory and must never see half a file, so the ZIP is written under a
temporary name in the same directory, flushed to disk and linked to its final name (atomic
on POSIX, and unlike rename it never replaces a file). The name comes from the submission
(the xdomea process id): a repeated delivery finds the file and does not write a second one.
A DMS that moves files away on import recognises a repeat by the same process id.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path
from typing import Any

from pydantic import field_validator

from portal.adapters.delivery.base import Channel, DeliveryFailed, Options, Parcel

PROCESS_NAMESPACE = uuid.UUID("6f1d3c52-8f4b-4a8e-9d41-0d5d6a1c2b7e")


class DmsOptions(Options):
    directory: str
    # Let the DMS see the file under its final name only when it is on disk.
    fsync: bool = True

    @field_validator("directory")
    @classmethod
    def _directory(cls, value: str) -> str:
        path = Path(value)
        if not path.is_absolute():
            raise ValueError("must be an absolute path")
        if not path.is_dir():
            raise ValueError(f"directory {value} does not exist")
        if not os.access(path, os.W_OK | os.X_OK):
            raise ValueError(f"directory {value} is not writable")
        return value


def process_id(submission_id: str) -> str:
    """Stable per submission: every retry names the same transfer and the same process."""
    return str(uuid.uuid5(PROCESS_NAMESPACE, submission_id))


def write_atomically(directory: Path, name: str, data: bytes, fsync: bool = True) -> bool:
    """Write `data` as directory/name unless that exists; True if this call wrote it."""
    target = directory / name
    if target.exists():
        return False
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".part", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            if fsync:
                f.flush()
                os.fsync(f.fileno())
        os.chmod(tmp, 0o640)
        # link() fails if the target appeared meanwhile (another worker): never overwrite.
        try:
            os.link(tmp, target)
        except FileExistsError:
            return False
        finally:
            os.unlink(tmp)
        if fsync:
            dir_fd = os.open(directory, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        return True
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


class DmsChannel(Channel):
    type = "dms"
    options_model = DmsOptions
    needs_xdomea = True

    @property
    def opts(self) -> DmsOptions:
        assert isinstance(self.options, DmsOptions)
        return self.options

    def deliver(self, parcel: Parcel) -> dict[str, Any]:
        assert parcel.xdomea is not None, "the DMS channel needs the xdomea transfer"
        directory = Path(self.opts.directory)
        name, data = parcel.xdomea()
        try:
            written = write_atomically(directory, name, data, self.opts.fsync)
        except OSError as exc:
            raise DeliveryFailed(f"{directory}: {exc.strerror or exc}") from exc
        return {"file": name, "written": written}
