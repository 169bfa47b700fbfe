from __future__ import annotations

from portal.services.identity import Identity


def test_only_complete_verified_values_are_locked() -> None:
    complete = {"street": "Am Markt", "house_number": "1", "postcode": "38640", "town": "Goslar"}
    partial = {"street": "Am Markt", "postcode": "38640", "town": "Goslar"}
    eid = Identity(method="bundid", subject="s", trust_level=4, family_name="Muster",
                   given_names="Max", address=complete, verified=("name", "address"))
    assert eid.is_verified("address") and eid.is_verified("name")
    assert not Identity(method="bundid", subject="s", trust_level=4, address=partial,
                        verified=("address",)).is_verified("address")
    assert not Identity(method="bundid", subject="s", trust_level=4, family_name="Muster",
                        verified=("name",)).is_verified("name")
    assert not Identity(method="konto", subject="s", trust_level=1, address=complete).is_verified(
        "address")
