"""Generated submissions for every service definition: each one maps without leftovers,
validates (schema and code lists, both engines agree) and reads back to its answers.

The answers come from the definitions themselves (strategies.py), so a field added to a form,
a longer limit or a new option shows up here as a failing example until mapping and schema
follow: definitions and schemas cannot drift apart unnoticed.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.adapters.xoev.mappers import MAPPERS, decode_message, map_input
from portal.adapters.xoev.schemas import MessageSchemas, parse
from portal.definitions.loader import Catalog
from portal.definitions.steps import check_step, visible_steps
from tests.adapters.xoev.strategies import answers_for
from tests.adapters.xoev.support import TODAY, make_input, normalized

SETTINGS = settings(max_examples=int(os.environ.get("XOEV_EXAMPLES", "40")), deadline=None,
                    derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])


@pytest.mark.parametrize("service_id", sorted(MAPPERS))
@SETTINGS
@given(data=st.data())
def test_generated_submissions_give_valid_messages(service_id: str, data: st.DataObject,
                                                   catalog: Catalog,
                                                   schemas: MessageSchemas) -> None:
    service = catalog.services[service_id]
    answers = data.draw(answers_for(schemas, service, catalog.codelists, TODAY))
    # The generator must produce what the portal accepts on submission.
    for step in visible_steps(service, answers):
        assert check_step(step, answers) == [], step.id
    mapped = map_input(make_input(catalog, service_id, answers))
    assert mapped.unmapped == ()
    assert schemas.validate(mapped.xml, catalog.codelists) == []
    assert schemas.validate_with_xmlschema(mapped.xml) == []
    assert decode_message(parse(mapped.xml)).answers == normalized(answers)
