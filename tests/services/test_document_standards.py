"""The sealed PDF/A-3 document against what ISO 32000 and ISO 19005-3 ask, checked with tools
that do not share code with the portal: qpdf (object structure as JSON), poppler's pdfinfo,
pdftotext and pdfsig."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from flask import Flask

from portal.adapters.documents.compose import tools_for
from portal.adapters.documents.render import ascii_file_name
from portal.services.documents import create_document
from portal.state import portal_state
from tests.adapters.documents.support import (
    Filled,
    fill,
    pdfsig,
    run,
    store_submission,
    write,
    xoev_xml,
)


def sealed(app: Flask, tmp_path: Path, service_id: str, filled: Filled, reference: str,
           auth_method: str = "bundid") -> Path:
    state = portal_state(app)
    service = state.catalog.services[service_id]
    with state.db.session() as session:
        submission = store_submission(session, state.catalog, service, filled, reference,
                                      auth_method=auth_method)
        document = create_document(session, state.catalog, submission.id, xoev_xml(reference),
                                   tools_for(app))
        session.commit()
    return write(tmp_path / f"{reference}.pdf", document.content)


def rename_files(filled: Filled, names: list[str]) -> None:
    """Give the uploads the names a citizen's files have (umlauts, dashes, spaces)."""
    for (path, (_old, content, mime)), name in zip(list(filled.files.items()), names,
                                                   strict=False):
        filled.files[path] = (name, content, mime)
        parts = path.split(".")
        target: Any = filled.answers
        for part in parts[:-1]:
            target = target[int(part)] if part.isdigit() else target[part]
        target[parts[-1]] = {**target[parts[-1]], "filename": name}


def qpdf_objects(pdf: Path) -> dict[str, Any]:
    data = json.loads(run("qpdf", "--json", "--json-key=qpdf", pdf).split("\nWARNING")[0])
    objects: dict[str, Any] = data["qpdf"][1]
    return objects


def resolve(objects: dict[str, Any], ref: Any) -> Any:
    if isinstance(ref, str) and ref.endswith(" R"):
        return objects[f"obj:{ref}"]["value"]
    return ref


def test_each_embedded_file_is_listed_once_in_af_with_an_ascii_f_and_its_real_uf(
        sealing_app: Flask, tmp_path: Path) -> None:
    """ISO 19005-3 (PDF/A-3), 6.8: embedded files are associated files of the document, named
    in the catalog's /AF; ISO 32000-1, 7.11.3: /UF carries the Unicode file name, /F the
    compatible one, which must therefore be plain ASCII."""
    state = portal_state(sealing_app)
    filled = fill(state.catalog.services["hundesteuer-anmeldung"], state.catalog, items=1)
    names = ["Übernahmevertrag Tierheim – Größe.pdf", "Bescheinigung „Wesenstest“.png"]
    rename_files(filled, names)
    pdf = sealed(sealing_app, tmp_path, "hundesteuer-anmeldung", filled, "HST-2026-000501")
    objects = qpdf_objects(pdf)
    root = resolve(objects, objects["trailer"]["value"]["/Root"])
    af = resolve(objects, root["/AF"])
    assert len(af) == len(set(af)), f"/AF lists a file twice: {af}"
    specs = [resolve(objects, ref) for ref in af]
    uf = sorted(spec["/UF"].removeprefix("u:") for spec in specs)
    assert uf == sorted(["antrag.xml", *[n for n, _c, _m in filled.files.values()]])
    for spec in specs:
        f = spec["/F"].removeprefix("u:")
        assert f.isascii() and f.isprintable(), f
        assert f == ascii_file_name(spec["/UF"].removeprefix("u:"))
    assert "u:Uebernahmevertrag Tierheim - Groesse.pdf" in [spec["/F"] for spec in specs]
    # poppler lists every file once, under its real name.
    listed = run("pdfdetach", "-list", pdf)
    assert f"{len(af)} embedded files" in listed
    assert all(name in listed for name in names)


def test_info_and_xmp_producer_agree_after_sealing(sealing_app: Flask, tmp_path: Path,
                                                   nssdir: str) -> None:
    """ISO 19005-3, 6.6.2.3.1: the document information dictionary and the XMP metadata say
    the same; the seal (an incremental update by pyHanko) must not make them differ."""
    state = portal_state(sealing_app)
    filled = fill(state.catalog.services["bewohnerparkausweis"], state.catalog)
    pdf = sealed(sealing_app, tmp_path, "bewohnerparkausweis", filled, "BPA-2026-000502")
    info_producer = re.search(r"^Producer:\s+(.*)$", run("pdfinfo", pdf), re.M)
    xmp_producer = re.search(r'pdf:Producer="([^"]*)"|<pdf:Producer>([^<]*)<',
                             run("pdfinfo", "-meta", pdf))
    assert info_producer and xmp_producer
    assert info_producer.group(1).strip() == (xmp_producer.group(1) or xmp_producer.group(2))
    assert "Signature is Valid." in pdfsig(pdf, nssdir)


def test_attachment_rows_are_never_split_across_pages(sealing_app: Flask,
                                                      tmp_path: Path) -> None:
    """The attachment list: a file's name, size and checksum stay on one page (a row split
    over a page break cannot be matched to its file)."""
    state = portal_state(sealing_app)
    filled = fill(state.catalog.services["hundesteuer-anmeldung"], state.catalog, items=10)
    rename_files(filled, [f"Anlage-{i:02d}-Übernahme.pdf" for i in range(len(filled.files))])
    pdf = sealed(sealing_app, tmp_path, "hundesteuer-anmeldung", filled, "HST-2026-000503")
    pages = int(run("pdfinfo", pdf).split("Pages:")[1].split()[0])
    texts = [run("pdftotext", "-f", str(n), "-l", str(n), pdf, "-") for n in range(1, pages + 1)]
    files = [(name, content) for name, content, _m in filled.files.values()]
    assert len(files) == 20
    for name, content in files:
        digest = hashlib.sha256(content).hexdigest()
        marker = name.split("-Ü")[0]
        on = [i for i, text in enumerate(texts) if marker in text and "eingebettet" in text]
        assert on, name
        page = texts[on[-1]].replace("\n", "")
        assert digest[:20] in page and digest[-12:] in page, (name, on)


def test_a_test_sign_in_is_marked_on_the_document(sealing_app: Flask, tmp_path: Path) -> None:
    """XÖV messages from test sign-ins carry test="true"; the PDF says it too."""
    state = portal_state(sealing_app)
    filled = fill(state.catalog.services["hundesteuer-abmeldung"], state.catalog)
    test_pdf = sealed(sealing_app, tmp_path, "hundesteuer-abmeldung", filled, "HSA-2026-000504",
                      auth_method="dev")
    real_pdf = sealed(sealing_app, tmp_path, "hundesteuer-abmeldung", filled, "HSA-2026-000505",
                      auth_method="bundid")
    assert "Testantrag" in run("pdftotext", test_pdf, "-")
    assert "Testantrag" not in run("pdftotext", real_pdf, "-")


def test_the_sepa_mandate_is_complete_in_the_pdf(sealing_app: Flask, tmp_path: Path) -> None:
    """SEPA Core Direct Debit Rulebook, mandate: creditor with address and creditor identifier,
    mandate reference (the reference), recurrent payment, the wording, account holder, IBAN,
    date of signature."""
    state = portal_state(sealing_app)
    filled = fill(state.catalog.services["hundesteuer-anmeldung"], state.catalog, items=1)
    filled.answers.update(sepa_mandate=True, iban="DE02120300000000202051",
                          account_holder_differs=False)
    pdf = sealed(sealing_app, tmp_path, "hundesteuer-anmeldung", filled, "HST-2026-000506")
    text = " ".join(run("pdftotext", pdf, "-").split())
    for part in ("SEPA-Lastschriftmandat", "Ich ermächtige Stadt Goslar",
                 "Zugleich weise ich mein Kreditinstitut an", "Gläubiger-Identifikationsnummer",
                 "DE98ZZZ09999999999", "Mandatsreferenz HST-2026-000506",
                 "wiederkehrende Zahlung", "DE02 1203 0000 0000 2020 51", "Erteilt am 20.11.2026",
                 "Charley-Jacob-Straße 3"):
        assert part in text, part


def test_the_dog_tax_document_renders_page_by_page(sealing_app: Flask, tmp_path: Path) -> None:
    """poppler's pdftoppm draws every page (as a reader sees it; the PNGs are kept in
    test-artifacts/ for a look): one image per page, none blank."""
    state = portal_state(sealing_app)
    filled = fill(state.catalog.services["hundesteuer-anmeldung"], state.catalog, items=3)
    filled.answers.update(sepa_mandate=True, iban="DE02120300000000202051",
                          account_holder_differs=False)
    pdf = sealed(sealing_app, tmp_path, "hundesteuer-anmeldung", filled, "HST-2026-000507")
    pages = int(run("pdfinfo", pdf).split("Pages:")[1].split()[0])
    artifacts = Path("test-artifacts")
    artifacts.mkdir(exist_ok=True)
    prefix = artifacts / "dog-tax-document"
    for old in artifacts.glob("dog-tax-document-*.png"):
        old.unlink()
    run("pdftoppm", "-png", "-r", "60", pdf, prefix)
    images = sorted(artifacts.glob("dog-tax-document-*.png"))
    assert len(images) == pages
    for image in images:
        data = image.read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) > 5000, image
