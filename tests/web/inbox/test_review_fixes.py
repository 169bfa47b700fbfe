"""Inputs the first review found to break the inbox and the API, and the fixes' guarantees."""

from __future__ import annotations

import contextlib
import threading

from flask import Flask

from portal.adapters.db.accounts import StaffAccount
from portal.services import staff
from portal.services.accounts import AccountError
from portal.services.delivery import storable
from portal.state import portal_state
from portal.web.api.views import _file


def test_receipts_and_errors_are_storable() -> None:
    assert storable({"body": "ok\x00", "list": ["\ud800x", 1]}) == {"body": "ok", "list": ["?x", 1]}


def test_attachment_names_survive_latin1_headers() -> None:
    response = _file(b"%PDF-", "application/pdf", "Łódź Şahin.pdf")
    header = response.headers["Content-Disposition"]
    header.encode("latin-1")  # what gunicorn does with every header
    assert 'filename="__d_ _ahin.pdf"' in header
    assert "filename*=UTF-8''%C5%81%C3%B3d%C5%BA%20%C5%9Eahin.pdf" in header


def test_parallel_wrong_passwords_all_count_towards_the_lock_out(app: Flask) -> None:
    state = portal_state(app)
    with state.db.session() as db:
        staff.create_staff(db, "lock@goslar.example", "Lena Lock", ["counter"], [],
                           "correct horse battery", ["steueramt"])
        db.commit()
    barrier = threading.Barrier(6)

    def guess() -> None:
        barrier.wait()
        with state.db.session() as db:
            with contextlib.suppress(AccountError):
                staff.check_password_step(db, "lock@goslar.example", "wrong guess 123456",
                                          staff.StaffPolicy(max_failures=5, lock_minutes=15))
            db.commit()

    threads = [threading.Thread(target=guess) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with state.db.session() as db:
        account = db.query(StaffAccount).filter_by(email="lock@goslar.example").one()
        assert account.locked_until is not None
