"""Benchmark: what validating one XÖV message costs, as a fraction of a submission's whole
processing, all measured in this one run.

Processing of one submission = review (conditions, required fields, validators, fee)
  + map to the XÖV message + validate it + the sealed PDF/A document (compose, render, seal)
  + the xdomea record for the DMS (build, validate, zip).
Validation is measured both ways: the fast path the portal uses (libxml2 + code lists) and
xmlschema alone (the reference engine, used to explain errors).

Run: .venv/bin/python bench/bench_xoev.py [--rounds N]
No database or network needed: the document part uses a throw-away SQLite app and dev PKI.
"""

from __future__ import annotations

import argparse
import copy
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PORTAL_ROOT", str(ROOT))

from portal.adapters.xoev.codecheck import check_codes  # noqa: E402
from portal.adapters.xoev.mappers import map_input  # noqa: E402
from portal.adapters.xoev.schemas import MessageSchemas, parse  # noqa: E402
from portal.adapters.xoev.xdomea import RecordInput, build_record, package_problems  # noqa: E402
from portal.definitions.fees import compute_fee  # noqa: E402
from portal.definitions.loader import Catalog  # noqa: E402
from portal.definitions.steps import check_step, prune_hidden, visible_steps  # noqa: E402
from portal.definitions.validators import CheckContext, run_validators  # noqa: E402
from tests.adapters.xoev.support import (  # noqa: E402
    SAMPLES,
    SCHEMAS_DIR,
    TODAY,
    load_test_catalog,
    make_input,
)

Document = Callable[[str, dict[str, Any], bytes], bytes]


@dataclass
class Case:
    label: str
    service_id: str
    answers: dict[str, Any]


def cases() -> list[Case]:
    worst = copy.deepcopy(SAMPLES["hundesteuer-anmeldung"])
    worst["dogs"] = [dict(worst["dogs"][i % 2], name=f"Hund {i + 1}") for i in range(10)]
    worst["exemption_reason"] = "other"
    worst["exemption_details"] = ("Der Hund begleitet mich zur Arbeit im Tierheim. " * 50)[:2000]
    return [
        Case("typical: dog tax, 2 dogs, 1 proof", "hundesteuer-anmeldung",
             SAMPLES["hundesteuer-anmeldung"]),
        Case("registration: 3 persons", "wohnsitz-anmeldung", SAMPLES["wohnsitz-anmeldung"]),
        Case("large: dog tax, 10 dogs, 2,000-character text", "hundesteuer-anmeldung", worst),
    ]


def timed(fn: Callable[[], object], rounds: int) -> float:
    fn()  # warm-up: lazily compiled schemas, fonts, caches
    values = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        values.append(time.perf_counter() - start)
    return statistics.median(values)


def review(catalog: Catalog, service_id: str, answers: dict[str, Any]) -> None:
    """What portal.services.submissions.review does before a submission is stored."""
    service = catalog.services[service_id]
    pruned = prune_hidden(service, answers)
    run_validators([(v.name, v.args) for v in service.validators], pruned,
                   CheckContext(TODAY, catalog.municipality))
    for step in visible_steps(service, pruned):
        check_step(step, pruned)
    compute_fee(service.fee, pruned, catalog.municipality)


def document_maker(tmp: Path, catalog: Catalog) -> tuple[Document | None, str]:
    """The sealed PDF/A as the documents adapter makes it, or why it cannot be measured."""
    try:
        from portal import create_app
        from portal.adapters.db.models import Submission
        from portal.adapters.documents.compose import tools_for
        from portal.adapters.documents.content import XML_NAME, DocumentInput
        from portal.adapters.documents.pki import make_dev_pki
        from portal.adapters.documents.render import EmbeddedFile

        pki = make_dev_pki(tmp / "seal", catalog.municipality.name)
        app = create_app({"ENV_NAME": "testing", "DATABASE_URL": f"sqlite:///{tmp}/b.db",
                          "SEAL_PKCS12_FILE": str(pki.pkcs12_file),
                          "SEAL_PKCS12_PASSWORD_FILE": str(pki.password_file)})
        tools = tools_for(app)
    except Exception as exc:  # the documents part belongs to another issue; report, go on
        return None, f"{type(exc).__name__}: {exc}"

    def make(service_id: str, answers: dict[str, Any], xml: bytes) -> bytes:
        inp = make_input(catalog, service_id, answers)
        submission = Submission(
            reference=inp.reference, service_id=service_id, service_version="1.0.0",
            department=inp.service.department, answers=answers, fee=dict(inp.fee),
            notices=list(inp.notices), channel="online", auth_method="bundid",
            trust_level=inp.trust_level, submitted_at=inp.submitted_at)
        sealer = tools.sealer
        html = tools.compose(DocumentInput(inp.service, submission, [], XML_NAME, "0" * 64,
                                           sealer.holder(), sealer.level))
        pdf = tools.renderer.render(html, [EmbeddedFile(XML_NAME, xml, "application/xml",
                                                        relationship="Data")])
        return sealer.seal(pdf)

    return make, ""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    rounds = parser.parse_args().rounds
    start = time.perf_counter()
    schemas = MessageSchemas(SCHEMAS_DIR)
    compile_portal = time.perf_counter() - start
    start = time.perf_counter()
    schemas.validate_xdomea(b"<x/>")
    compile_xdomea = time.perf_counter() - start
    catalog = load_test_catalog()
    print(f"one-off: compiling the portal schemas {compile_portal * 1000:.0f} ms, "
          f"xdomea 3.0.0 {compile_xdomea * 1000:.0f} ms (once per process)")
    print(f"{rounds} rounds each after a warm-up; medians\n")
    with tempfile.TemporaryDirectory() as tmp:
        document, why_not = document_maker(Path(tmp), catalog)
        if document is None:
            print(f"sealed document NOT measured ({why_not}); totals exclude it\n")
        for case in cases():
            run(case, catalog, schemas, document, rounds)


def run(case: Case, catalog: Catalog, schemas: MessageSchemas, document: Document | None,
        rounds: int) -> None:
    inp = make_input(catalog, case.service_id, case.answers)
    mapped = map_input(inp)
    xml = mapped.xml
    assert not mapped.unmapped and schemas.validate(xml, catalog.codelists) == []
    doc = parse(xml)

    def reference_engine() -> None:
        assert schemas.validate_with_xmlschema(doc) == []
        check_codes(doc, catalog.codelists, schemas.slots)

    pdf = document(case.service_id, case.answers, xml) if document else b""

    def record() -> None:
        package = build_record(RecordInput(
            xml, mapped.name, inp.reference, inp.service.title["de"], inp.submitted_at,
            inp.created_at, inp.message_uuid, catalog.municipality, inp.service.department,
            pdf=pdf or None))
        assert schemas.validate_xdomea(package.message) == package_problems(package) == []
        package.to_zip()

    t = {
        "review (conditions, validators, fee)": timed(
            lambda: review(catalog, case.service_id, case.answers), rounds),
        "map to XÖV message": timed(lambda: map_input(inp), rounds),
        "validate: portal (both engines + codes)": timed(
            lambda: schemas.validate(xml, catalog.codelists), rounds),
        "validate: fast path (libxml2 + codes)": timed(
            lambda: schemas.validate(xml, catalog.codelists, thorough=False), rounds),
        "validate: xmlschema + code lists": timed(reference_engine, rounds),
        "xdomea record (build, validate, zip)": timed(record, rounds),
    }
    if document is not None:
        t["sealed PDF/A (compose, render, seal)"] = timed(
            lambda: document(case.service_id, case.answers, xml), max(3, rounds // 5))
    rest = sum(v for k, v in t.items() if not k.startswith("validate"))
    portal = t["validate: portal (both engines + codes)"]
    fast = t["validate: fast path (libxml2 + codes)"]
    reference = t["validate: xmlschema + code lists"]
    print(f"{case.label}  (message {len(xml) / 1024:.1f} KB)")
    for label, value in t.items():
        print(f"  {label:42s} {value * 1000:9.3f} ms")
    print(f"  {'whole processing (as the portal does it)':42s} {(rest + portal) * 1000:9.3f} ms")
    print(f"  {'validation share, portal':42s} {portal / (rest + portal):9.2%}")
    print(f"  {'validation share, fast path only':42s} {fast / (rest + fast):9.2%}")
    print(f"  {'validation share, xmlschema only':42s} {reference / (rest + reference):9.2%}")
    print(f"  {'xmlschema / fast path':42s} {reference / fast:8.1f}x\n")


if __name__ == "__main__":
    main()
