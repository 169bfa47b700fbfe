"""Cases the online service cannot handle (`exclusions` of a service definition).

While an exclusion's condition holds, its field carries the reason as an error, so the step
cannot be completed and nothing is submitted; the web layer shows the office to go to.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from portal.definitions.conditions import evaluate
from portal.definitions.messages import N_, FieldError, Message
from portal.definitions.model import Exclusion, ServiceDefinition

# The reason is the definition's own bilingual text, passed as a parameter.
NOT_ONLINE = N_("%(reason)s")


def exclusions_hit(service: ServiceDefinition, answers: Mapping[str, Any]) -> list[Exclusion]:
    return [e for e in service.exclusions if evaluate(e.when, answers)]


def exclusion_errors(service: ServiceDefinition, answers: Mapping[str, Any]) -> list[FieldError]:
    return [FieldError(e.field, Message(NOT_ONLINE, {"reason": dict(e.reason)}))
            for e in exclusions_hit(service, answers)]
