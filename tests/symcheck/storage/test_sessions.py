from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import text

from symcheck.storage.models import utcnow
from symcheck.storage.repositories import Store


def _clinician(store: Store) -> object:
    with store.unit_of_work() as uow:
        return uow.clinicians.create("doc@clinic.test", "Dr Doc", "correct horse battery").id


def test_only_the_token_hash_is_stored(store: Store) -> None:
    doc = _clinician(store)
    with store.unit_of_work() as uow:
        token, record = uow.sessions.create(doc, timedelta(hours=8))  # type: ignore[arg-type]
    with store.unit_of_work() as uow:
        stored = [
            r for (r,) in uow.session.execute(text("SELECT token_hash FROM clinician_sessions"))
        ]
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]
    assert token not in stored
    assert len(token) >= 40
    assert len(record.csrf_token) >= 40


def test_lookup_expiry_and_delete(store: Store) -> None:
    doc = _clinician(store)
    now = utcnow()
    with store.unit_of_work() as uow:
        token, record = uow.sessions.create(doc, timedelta(hours=1), now=now)  # type: ignore[arg-type]
        old_token, _ = uow.sessions.create(doc, timedelta(minutes=1), now=now - timedelta(hours=1))  # type: ignore[arg-type]
    with store.unit_of_work() as uow:
        found = uow.sessions.get_valid(token)
        assert found is not None
        assert found.csrf_token == record.csrf_token
        assert uow.sessions.get_valid(old_token) is None  # expired
        assert uow.sessions.get_valid("") is None
        assert uow.sessions.get_valid("forged") is None
        assert uow.sessions.get_valid(token, now=now + timedelta(hours=2)) is None
        assert uow.sessions.delete_expired() == 1
        uow.sessions.delete(token)
        assert uow.sessions.get_valid(token) is None
