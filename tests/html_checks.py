"""Structural accessibility checks run on every HTML page the test client fetches."""

from __future__ import annotations

from collections import Counter

import lxml.html

LABELLED_TAGS = ("input", "select", "textarea")
UNLABELLED_INPUT_TYPES = {"hidden", "submit", "button", "reset", "image"}


class PageProblem(AssertionError):
    pass


def check_page(html: str) -> None:
    doc = lxml.html.document_fromstring(html)
    problems: list[str] = []
    if doc.get("lang") not in ("de", "en"):
        problems.append("<html> has no lang attribute")
    title = doc.findtext(".//title")
    if not title or not title.strip() or title.strip().startswith("–"):
        problems.append("page has no <title>")
    if len(doc.findall(".//h1")) != 1:
        problems.append(f"page has {len(doc.findall('.//h1'))} <h1> elements, expected 1")
    ids = [el.get("id") for el in doc.iter() if isinstance(el.tag, str) and el.get("id")]
    duplicates = [i for i, n in Counter(ids).items() if n > 1]
    if duplicates:
        problems.append(f"duplicate ids: {', '.join(duplicates[:10])}")
    label_for = {lab.get("for") for lab in doc.iter("label") if lab.get("for")}
    known = set(ids)
    for target in label_for - known:
        problems.append(f"<label for='{target}'> points to no element")
    for el in doc.iter(*LABELLED_TAGS):
        if el.tag == "input" and (el.get("type") or "text") in UNLABELLED_INPUT_TYPES:
            continue
        if el.get("aria-label") or el.get("aria-labelledby"):
            continue
        if el.get("id") and el.get("id") in label_for:
            continue
        if any(a.tag == "label" for a in el.iterancestors()):
            continue
        problems.append(f"<{el.tag} name='{el.get('name')}'> has no label")
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        for ref_attr in ("aria-describedby", "aria-labelledby"):
            for ref in (el.get(ref_attr) or "").split():
                if ref not in known:
                    problems.append(f"{ref_attr}='{ref}' points to no element")
    if problems:
        raise PageProblem("; ".join(problems))
