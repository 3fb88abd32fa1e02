"""Claiming inbound messages for processing, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import Engine

from symcheck.storage.models import Author, MessageStatus, utcnow
from symcheck.storage.repositories import Store

LEASE = timedelta(seconds=30)


def _conversation(store: Store) -> uuid.UUID:
    with store.unit_of_work() as uow:
        return uow.conversations.create("sms").id


def _receive(store: Store, conv: uuid.UUID, text: str, *, held: bool = False) -> uuid.UUID:
    with store.unit_of_work() as uow:
        return uow.messages.append(
            conv,
            author=Author.PATIENT,
            text=text,
            status=MessageStatus.RECEIVED,
            channel="sms",
            lease_until=utcnow() + LEASE if held else None,
        ).id


def _claim(store: Store, **kwargs: object) -> list[uuid.UUID]:
    with store.unit_of_work() as uow:
        return [c.id for c in uow.messages.claim_received(lease=LEASE, limit=10, **kwargs)]  # type: ignore[arg-type]


def test_the_first_received_message_of_each_conversation_is_claimed(store: Store) -> None:
    a, b = _conversation(store), _conversation(store)
    a1, a2 = _receive(store, a, "a1"), _receive(store, a, "a2")
    b1 = _receive(store, b, "b1")
    assert set(_claim(store)) == {a1, b1}
    assert _claim(store) == []  # held by their lease
    with store.unit_of_work() as uow:
        assert uow.messages.complete(a1, MessageStatus.PROCESSED)
    assert _claim(store) == [a2]


def test_completion_happens_once(store: Store) -> None:
    m = _receive(store, _conversation(store), "x")
    with store.unit_of_work() as uow:
        assert uow.messages.complete(m, MessageStatus.PROCESSED)
        assert not uow.messages.complete(m, MessageStatus.FAILED)
    with store.unit_of_work() as uow:
        message = uow.messages.get(m)
    assert message is not None
    assert message.status == "processed"


def test_a_crashed_holders_message_is_claimed_after_its_lease(store: Store) -> None:
    m = _receive(store, _conversation(store), "held by a web request", held=True)
    assert _claim(store) == []
    assert _claim(store, now=utcnow() + LEASE * 2) == [m]
    with store.unit_of_work() as uow:
        message = uow.messages.get(m)
    assert message is not None
    assert message.attempts == 2


def test_renewing_a_lease_keeps_others_away(store: Store) -> None:
    m = _receive(store, _conversation(store), "x")
    assert _claim(store) == [m]
    with store.unit_of_work() as uow:
        uow.messages.renew_lease([m], utcnow() + LEASE * 3)
    assert _claim(store, now=utcnow() + LEASE * 2) == []


# Row locks with SKIP LOCKED are PostgreSQL's; SQLite serialises writers (one gateway).
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_replicas_never_claim_the_same_message(store: Store, engine: Engine) -> None:
    assert engine.dialect.name == "postgresql"
    convs = [_conversation(store) for _ in range(4)]
    for conv in convs:
        _receive(store, conv, "x")
    inside, release = threading.Event(), threading.Event()
    first: list[uuid.UUID] = []

    def hold() -> None:
        with store.unit_of_work() as uow:
            first.extend(c.id for c in uow.messages.claim_received(lease=LEASE, limit=2))
            inside.set()
            release.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    inside.wait(10)
    try:
        second = _claim(store)
    finally:
        release.set()
        thread.join()
    assert len(first) == 2
    assert len(second) == 2
    assert set(first).isdisjoint(second)
