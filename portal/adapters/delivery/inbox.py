"""The clerks' inbox: always on. The submission is already in the database; this channel's
job makes sure the XÖV message and the sealed PDF exist before the case counts as delivered
(the API lists a submission as new only then)."""

from __future__ import annotations

from typing import Any

from portal.adapters.delivery.base import Channel, Parcel

INBOX = "inbox"


class InboxChannel(Channel):
    type = INBOX

    def deliver(self, parcel: Parcel) -> dict[str, Any]:
        return {"xml_bytes": len(parcel.xml), "pdf_bytes": len(parcel.pdf)}
