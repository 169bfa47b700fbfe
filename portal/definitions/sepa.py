"""The SEPA core direct debit mandate an application grants, put together from the answers
(`sepa_mandate:` of the service definition) and the municipality file (creditor, creditor
identifier, wording). The mandate reference is the submission's reference, the date of
signature the day it was submitted.

What a mandate must contain follows the SEPA Core Direct Debit Rulebook as the German banks
apply it: the wording that authorises the creditor and instructs the debtor's bank, the
creditor's name, address and creditor identifier, the mandate reference, recurrent or one-off
payment, the account holder's name and address, the IBAN, and the date of signature.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from portal.definitions.model import ServiceDefinition
from portal.definitions.municipality import Municipality

# EPC limits: names up to 70 characters, mandate reference up to 35.
NAME_MAX = 70
REFERENCE_MAX = 35


@dataclass(frozen=True)
class Mandate:
    creditor_name: str
    creditor_address: str
    creditor_id: str
    creditor_id_placeholder: bool
    reference: str
    recurrent: bool
    text: dict[str, str]  # {language: wording with the creditor's name}
    signed_on: date
    holder_name: str
    holder_address: Mapping[str, Any]
    holder_is_applicant: bool
    iban: str


def person_name(value: Any) -> str:
    if not isinstance(value, Mapping):
        return str(value or "")
    return " ".join(p for p in (value.get("given_names"), value.get("family_name")) if p)


def mandate_text(municipality: Municipality) -> dict[str, str]:
    assert municipality.sepa is not None
    creditor = municipality.sepa.creditor_name
    return {lang: text % {"creditor": creditor}
            for lang, text in municipality.sepa.mandate_text.items()}


def mandate(service: ServiceDefinition, answers: Mapping[str, Any],
            municipality: Municipality, reference: str, signed_on: date) -> Mandate | None:
    """The mandate, or None when the service has none or the applicant did not grant it."""
    fields, creditor = service.sepa_mandate, municipality.sepa
    if fields is None or creditor is None or answers.get(fields.consent) is not True:
        return None
    differs = answers.get(fields.holder_differs) is True
    holder = (str(answers.get(fields.holder_name) or "") if differs
              else person_name(answers.get(fields.debtor_name)))
    address = answers.get(fields.holder_address if differs else fields.debtor_address)
    return Mandate(
        creditor_name=creditor.creditor_name, creditor_address=creditor.creditor_address,
        creditor_id=creditor.creditor_id, creditor_id_placeholder=creditor.placeholder,
        reference=reference[:REFERENCE_MAX], recurrent=True, text=mandate_text(municipality),
        signed_on=signed_on, holder_name=holder[:NAME_MAX],
        holder_address=address if isinstance(address, Mapping) else {},
        holder_is_applicant=not differs, iban=str(answers.get(fields.iban) or ""))
