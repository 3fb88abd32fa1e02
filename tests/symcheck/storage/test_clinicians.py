from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from symcheck.storage.db import session_factory
from symcheck.storage.repositories import DuplicateError, Store

PASSWORD = "correct horse battery staple"


def test_password_is_stored_as_argon2id(store: Store) -> None:
    with store.unit_of_work() as uow:
        doc = uow.clinicians.create(" Doc@Clinic.Test ", "Dr Doc", PASSWORD)
        stored = uow.clinicians.password_hash(doc.id)
    assert doc.email == "doc@clinic.test"
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_authenticate(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.clinicians.create("doc@clinic.test", "Dr Doc", PASSWORD)
    with store.unit_of_work() as uow:
        assert uow.clinicians.authenticate("DOC@clinic.test", PASSWORD) is not None
        assert uow.clinicians.authenticate("doc@clinic.test", "wrong") is None
        assert uow.clinicians.authenticate("nobody@clinic.test", PASSWORD) is None
        who = uow.clinicians.get_by_email("doc@clinic.test")
    assert who is not None
    assert who.last_login_at is not None


def test_inactive_clinicians_cannot_log_in(store: Store) -> None:
    with store.unit_of_work() as uow:
        doc = uow.clinicians.create("doc@clinic.test", "Dr Doc", PASSWORD)
        uow.clinicians.set_active(doc.id, False)
        assert uow.clinicians.authenticate("doc@clinic.test", PASSWORD) is None


def test_duplicate_email(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.clinicians.create("doc@clinic.test", "Dr Doc", PASSWORD)
    with store.unit_of_work() as uow, pytest.raises(DuplicateError):
        uow.clinicians.create("DOC@clinic.test", "Dr Other", PASSWORD)


def test_hash_is_upgraded_when_parameters_change(store: Store) -> None:
    with store.unit_of_work() as uow:
        doc = uow.clinicians.create("doc@clinic.test", "Dr Doc", PASSWORD)
        old = uow.clinicians.password_hash(doc.id)
    stronger = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)
    upgraded = Store(session_factory(uow.session.get_bind()), store.cipher, stronger)  # type: ignore[arg-type]
    with upgraded.unit_of_work() as uow:
        assert uow.clinicians.authenticate("doc@clinic.test", PASSWORD) is not None
        new = uow.clinicians.password_hash(doc.id)
    assert new != old
    assert "t=2" in new
    assert "m=2048" in new


def test_set_password(store: Store) -> None:
    with store.unit_of_work() as uow:
        doc = uow.clinicians.create("doc@clinic.test", "Dr Doc", PASSWORD)
        uow.clinicians.set_password(doc.id, "another long password")
        assert uow.clinicians.authenticate("doc@clinic.test", PASSWORD) is None
        assert uow.clinicians.authenticate("doc@clinic.test", "another long password") is not None
