"""The served OpenAPI 3.1 document against the implementation, with schemathesis: generated
requests (valid and invalid) must get documented status codes, content types and bodies,
never a server error. Path ids are drawn from real submissions as well as random ones, so
the success responses are checked too."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance
from sqlalchemy import text

from portal.adapters.db.schema import metadata as all_tables
from portal.state import portal_state
from tests.adapters.delivery.support import delivery_app, submit_dog_tax
from tests.web.api.support import ApiWorld, add_upload, make_client, make_ready


@pytest.fixture(scope="module")
def world(database_url: str, seal: dict[str, Any]) -> Iterator[ApiWorld]:
    app = delivery_app(database_url, seal, {})
    tax = make_client(app, "Hundesteuer-Verfahren", "steueramt")
    registry = make_client(app, "Meldewesen", "meldebehoerde")
    ready = [submit_dog_tax(app) for _ in range(2)]
    make_ready(app)
    world = ApiWorld(app, tax, registry, ready, add_upload(app, ready[0]))
    yield world
    db = portal_state(app).db
    with db.engine.begin() as conn:
        tables = ", ".join(f'"{t.name}"' for t in reversed(all_tables.sorted_tables))
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.engine.dispose()


def cases(world: ApiWorld) -> Iterator[tuple[str, Any]]:
    """Strategies per operation: valid requests with random ids, valid requests with the ids
    of real submissions (so 200 answers are checked too), and invalid requests."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", world.app)
    real = {"submission_id": world.ready[0], "attachment_id": world.attachment_id}
    for result in schema.get_all_operations():
        operation = result.ok()
        label = f"{operation.method.upper()} {operation.path}"
        yield label, operation.as_strategy()
        names = [p.name for p in operation.path_parameters]
        if names:
            yield f"{label} (real ids)", operation.as_strategy(
                path_parameters={n: real[n] for n in names})
        yield f"{label} (invalid)", operation.as_strategy(GenerationMode.NEGATIVE)


def check(world: ApiWorld, label: str, strategy: Any, checked: dict[str, int]) -> None:
    @given(case=strategy)
    @settings(max_examples=25, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def run(case: Any) -> None:
        # A cursor is opaque: any string fits the schema, only ones the API handed out are
        # valid; others get the documented 400 instead of a silently wrong page.
        excluded = [positive_data_acceptance] if "cursor" in (case.query or {}) else []
        case.call_and_validate(headers=world.auth(), excluded_checks=excluded)
        checked[label] = checked.get(label, 0) + 1

    run()


# Run by hand rather than with @schema.parametrize: schemathesis' lazy fixture loader breaks
# on pytest 9 (it reads a private node attribute).
def test_api_conforms_to_its_openapi_document(world: ApiWorld) -> None:
    checked: dict[str, int] = {}
    for label, strategy in cases(world):
        check(world, label, strategy, checked)
    assert len(checked) >= 15 and all(n > 0 for n in checked.values()), checked


def test_the_document_is_openapi_3_1(world: ApiWorld) -> None:
    doc = world.app.test_client().get("/api/v1/openapi.json").json
    assert doc["openapi"] == "3.1.0"
    assert doc["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
