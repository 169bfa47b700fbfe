"""Benchmark: a typical application's sealed document through the portal, against the floor
(the same HTML and files through bare WeasyPrint + pyHanko calls), and the worst case
(a 35,000-character free text plus 10 repeated groups, target < 1 s).

Run: .venv/bin/python bench/bench_documents.py [--rounds N]
Needs the PostgreSQL server the tests use (PORTAL_TEST_PG_ADMIN); makes its own database,
keys and CA in a temporary directory and removes them afterwards.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PORTAL_ROOT", str(ROOT))

import psycopg  # noqa: E402
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter  # noqa: E402
from pyhanko.sign import fields, signers  # noqa: E402
from weasyprint import HTML, Attachment  # noqa: E402

from portal.adapters.db import migrate  # noqa: E402
from portal.adapters.db.documents import Document  # noqa: E402
from portal.adapters.documents.compose import tools_for  # noqa: E402
from portal.adapters.documents.content import XML_NAME, DocumentInput, FileEntry  # noqa: E402
from portal.adapters.documents.pki import make_dev_pki  # noqa: E402
from portal.services.documents import create_document  # noqa: E402
from portal.state import portal_state  # noqa: E402
from tests.adapters.documents.support import fill, store_submission, xoev_xml  # noqa: E402
from tests.conftest import ADMIN_URL, make_app  # noqa: E402

TYPICAL = "hundesteuer-anmeldung"
LONG_TEXT = ("Der Hund wurde aus dem Tierheim Goslar übernommen; die Übernahme erfolgte „unter "
             "Vorbehalt“ – Gebühr 25,00 €. Äußerst ruhiger Rüde, verträglich mit Katzen. ")


def timed(fn: Callable[[], object], rounds: int,
          setup: Callable[[], object] = lambda: None) -> list[float]:
    setup()
    fn()  # warm: fonts, templates, code paths
    out = []
    for _ in range(rounds):
        setup()
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def ms(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:7.1f} ms  min {min(values) * 1000:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds
    name = f"portal_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        with tempfile.TemporaryDirectory() as tmp:
            run(url, Path(tmp), rounds)
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(url: str, tmp: Path, rounds: int) -> None:
    migrate.upgrade(url)
    pki = make_dev_pki(tmp / "seal", "Stadt Goslar")
    app = make_app(url, SEAL_PKCS12_FILE=str(pki.pkcs12_file),
                   SEAL_PKCS12_PASSWORD_FILE=str(pki.password_file))
    state = portal_state(app)
    catalog = state.catalog
    service = catalog.services[TYPICAL]
    tools = tools_for(app)
    cases = {
        "typical (2 dogs, proof attached)": fill(service, catalog, items=2),
        "worst (35,000 characters, 10 dogs)": fill(
            service, catalog, items=10, long_text=(LONG_TEXT * 300)[:35000]),
    }
    password = pki.password_file.read_text().strip().encode()
    bare_signer = signers.SimpleSigner.load_pkcs12(str(pki.pkcs12_file), passphrase=password)
    print(f"{rounds} rounds each, after one warm-up; seal key RSA-3072, PAdES B-B\n")
    for number, (label, filled) in enumerate(cases.items(), start=1):
        with state.db.session() as session:
            submission = store_submission(session, catalog, service, filled,
                                          f"HST-2026-{number:06d}")
            session.commit()
            submission_id, xml = submission.id, xoev_xml(submission.reference)

        def portal(submission_id: str = submission_id, xml: bytes = xml) -> None:
            # The whole service call a job makes: load, compose, render, seal, store.
            with state.db.session() as session:
                create_document(session, catalog, submission_id, xml, tools)
                session.commit()

        def forget_documents() -> None:
            with state.db.session() as session:
                session.query(Document).delete()
                session.commit()

        with state.db.session() as session:
            sub = session.get(type(submission), submission_id)
            html = tools.compose(DocumentInput(
                service, sub, [FileEntry(n, m, len(c), "0" * 64, True)
                               for n, c, m in filled.files.values()],
                XML_NAME, "0" * 64, tools.sealer.holder(), tools.sealer.level))
        files = [(XML_NAME, xml, "Data")] + [(n, c, "Unspecified")
                                            for n, c, _m in filled.files.values()]

        def floor(signer: signers.Signer, html: str = html,
                  files: list[tuple[str, bytes, str]] = files) -> None:
            pdf = HTML(string=html).write_pdf(pdf_variant="pdf/a-3b", attachments=[
                Attachment(string=content, name=n, relationship=rel) for n, content, rel in files])
            meta = signers.PdfSignatureMetadata(field_name="Siegel",
                                                subfilter=fields.SigSeedSubFilter.PADES)
            signers.sign_pdf(IncrementalPdfFileWriter(BytesIO(pdf)), meta, signer=signer)

        portal_times = timed(portal, rounds, setup=forget_documents)
        stock_times = timed(lambda: floor(bare_signer), rounds)
        tight_times = timed(lambda: floor(tools.sealer.signer), rounds)
        print(label)
        print(f"  portal (service call, incl. DB)      {ms(portal_times)}")
        print(f"  floor: WeasyPrint + stock pyHanko    {ms(stock_times)}")
        print(f"  floor: WeasyPrint + pyHanko, key kept {ms(tight_times)}")
        ratio = statistics.median(portal_times) / statistics.median(tight_times)
        print(f"  ratio portal / floor (key kept)      {ratio:.2f}x  (target <= 1.15x)")
        # Minimums too: on a shared machine the median picks up other processes' load.
        print(f"  ratio of minimums (key kept)         {min(portal_times) / min(tight_times):.2f}x")
        ratio_stock = statistics.median(portal_times) / statistics.median(stock_times)
        print(f"  ratio portal / floor (stock)         {ratio_stock:.2f}x")
        if number == 2:
            worst = statistics.median(portal_times)
            print(f"  worst case: {worst * 1000:.0f} ms "
                  f"({'under' if worst < 1 else 'OVER'} the 1 s target)")
        print()
    state.db.engine.dispose()


if __name__ == "__main__":
    main()
