"""Extension point for delivery channels (one module per channel, registered in `registry.py`,
in the style of Open Forms' registration backends).

A channel gets a finished `Parcel` (XÖV message, sealed PDF, attachments) and hands it to one
receiver. It must be safe to call twice with the same parcel: every parcel carries an
idempotency key (submission + channel) that the channel passes on, so the receiver can
recognise a repeat after a lost answer.
"""

from __future__ import annotations

import builtins
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    content: bytes
    sha256: str = ""
    id: str = ""


@dataclass(frozen=True)
class Parcel:
    idempotency_key: str
    submission_id: str
    reference: str
    service_id: str
    service_title: str
    department: str
    submitted_at: datetime
    xml_name: str
    xml: bytes
    pdf_name: str
    pdf: bytes
    attachments: tuple[Attachment, ...] = ()
    # Built only for channels that ask for it (`needs_xdomea`): (name, ZIP) of the xdomea
    # transfer with its documents.
    xdomea: Callable[[], tuple[str, bytes]] | None = field(default=None, compare=False)


class DeliveryFailed(Exception):
    """The receiver did not take the parcel. `permanent` failures are not retried (the same
    parcel would be refused again); everything else is retried with back-off."""

    permanent: bool = False

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class PermanentFailure(DeliveryFailed):
    permanent = True


class Options(BaseModel):
    """Base of every channel's options: unknown keys are errors, not silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Channel(ABC):
    type: ClassVar[str]
    # `builtins.type`: inside the class body, `type` is the channel type name above.
    options_model: ClassVar[builtins.type[Options]] = Options
    needs_xdomea: ClassVar[bool] = False

    def __init__(self, name: str, options: Options) -> None:
        self.name = name
        self.options = options

    @abstractmethod
    def deliver(self, parcel: Parcel) -> dict[str, Any]:
        """Hand the parcel over; return what the receiver answered (kept as the receipt).
        Raise `DeliveryFailed` (or `PermanentFailure`) when it was not taken."""

    @classmethod
    def defaults(cls, config: Mapping[str, Any]) -> dict[str, Any]:
        """Option values taken from the app configuration unless the entry sets them."""
        return {}

    def timeout(self) -> float:
        """The longest a delivery may take; the job lease must be longer."""
        return 0.0
