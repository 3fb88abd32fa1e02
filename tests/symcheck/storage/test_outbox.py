"""The outbox state machine, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import Engine, text

from symcheck.storage.models import Author, MessageStatus, utcnow
from symcheck.storage.repositories import MessageRecord, Store

LEASE = timedelta(seconds=30)
SMS = ["sms"]


def _conversation(store: Store, number: str = "+15550001111") -> uuid.UUID:
    with store.unit_of_work() as uow:
        return uow.conversations.create(
            "sms", channel_user_hash=uuid.uuid4().hex, channel_user=number
        ).id


def _queue(store: Store, conv: uuid.UUID, *parts: str) -> MessageRecord:
    with store.unit_of_work() as uow:
        message = uow.messages.append(
            conv,
            author=Author.BOT,
            text=" ".join(parts),
            status=MessageStatus.PENDING,
            channel="sms",
        )
        uow.outbox.enqueue(message, [(p, {}) for p in parts])
    return message


def _claim(store: Store, limit: int = 10, **kwargs: object) -> list[tuple[str, str]]:
    with store.unit_of_work() as uow:
        claimed = uow.outbox.claim_due(lease=LEASE, limit=limit, channels=SMS, **kwargs)  # type: ignore[arg-type]
    return [(c.item.text, c.recipient) for c in claimed]


def _status(store: Store, message_id: uuid.UUID) -> str:
    with store.unit_of_work() as uow:
        message = uow.messages.get(message_id)
    assert message is not None
    return message.status


def test_parts_go_out_one_at_a_time_in_order(store: Store) -> None:
    conv = _conversation(store)
    first = _queue(store, conv, "a1", "a2")
    second = _queue(store, conv, "b1")
    assert _claim(store) == [("a1", "+15550001111")]
    assert _claim(store) == []  # a1 is being sent: nothing behind it may overtake
    with store.unit_of_work() as uow:
        [item] = [i for i in uow.outbox.for_conversation(conv) if i.text == "a1"]
        assert item.status == "sending"
        assert item.attempts == 1
        assert uow.outbox.mark_delivered(item.id, "SM1")
    assert _status(store, first.id) == "pending"
    assert [t for t, _ in _claim(store)] == ["a2"]
    with store.unit_of_work() as uow:
        a2 = next(i for i in uow.outbox.for_conversation(conv) if i.text == "a2")
        uow.outbox.mark_delivered(a2.id, "SM2")
    assert _status(store, first.id) == "delivered"
    assert [t for t, _ in _claim(store)] == ["b1"]
    assert _status(store, second.id) == "pending"


def test_conversations_do_not_wait_for_each_other(store: Store) -> None:
    one, two = _conversation(store, "+15550000001"), _conversation(store, "+15550000002")
    _queue(store, one, "one-1", "one-2")
    _queue(store, two, "two-1")
    assert sorted(_claim(store)) == [("one-1", "+15550000001"), ("two-1", "+15550000002")]


def test_a_retry_holds_back_what_follows_until_it_is_due(store: Store) -> None:
    conv = _conversation(store)
    message = _queue(store, conv, "p1", "p2")
    _claim(store)
    later = utcnow() + timedelta(seconds=60)
    with store.unit_of_work() as uow:
        p1 = uow.outbox.for_conversation(conv)[0]
        assert uow.outbox.retry_later(p1.id, later, "http_503")
    assert _claim(store) == []
    assert [t for t, _ in _claim(store, now=later + timedelta(seconds=1))] == ["p1"]
    with store.unit_of_work() as uow:
        item = uow.outbox.get(p1.id)
    assert item is not None
    assert (item.attempts, item.last_error) == (2, "http_503")
    assert _status(store, message.id) == "pending"


def test_a_failed_part_makes_the_message_undelivered_and_the_queue_moves_on(store: Store) -> None:
    conv = _conversation(store)
    first = _queue(store, conv, "x")
    _queue(store, conv, "y")
    _claim(store)
    with store.unit_of_work() as uow:
        assert uow.outbox.fail(uow.outbox.for_conversation(conv)[0].id, "21211")
    assert _status(store, first.id) == "undelivered"
    assert [t for t, _ in _claim(store)] == ["y"]


def test_an_expired_lease_is_claimed_again(store: Store) -> None:
    conv = _conversation(store)
    _queue(store, conv, "z")
    _claim(store)
    assert _claim(store) == []
    assert [t for t, _ in _claim(store, now=utcnow() + LEASE * 2)] == ["z"]


def test_cancelling_marks_messages_not_sent(store: Store) -> None:
    conv = _conversation(store)
    first = _queue(store, conv, "c1", "c2")
    _claim(store)
    with store.unit_of_work() as uow:
        assert uow.outbox.cancel_open(conv) == 2
        # The worker comes back from a send that was in flight: the item is no longer its own.
        assert not uow.outbox.mark_delivered(uow.outbox.for_conversation(conv)[0].id, "SM9")
    assert _status(store, first.id) == "not_sent"
    assert _claim(store) == []


def test_opted_out_conversations_are_cancelled_not_claimed(store: Store) -> None:
    conv = _conversation(store)
    message = _queue(store, conv, "hello")
    with store.unit_of_work() as uow:
        uow.conversations.set_opted_out(conv, True)
    assert _claim(store) == []
    assert _status(store, message.id) == "not_sent"


def test_other_channels_are_left_alone(store: Store) -> None:
    conv = _conversation(store)
    _queue(store, conv, "hello")
    with store.unit_of_work() as uow:
        assert uow.outbox.claim_due(lease=LEASE, limit=10, channels=["telegram"]) == []


def test_bodies_are_encrypted_at_rest(store: Store) -> None:
    conv = _conversation(store)
    _queue(store, conv, "secret zebra symptom")
    with store.unit_of_work() as uow:
        raw = uow.session.execute(text("SELECT body_enc FROM outbox")).scalar_one()
    assert "zebra" not in raw


# Row locks with SKIP LOCKED are PostgreSQL's; SQLite serialises writers (one gateway).
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_replicas_never_claim_the_same_item(store: Store, engine: Engine) -> None:
    """PostgreSQL: a claim in progress (rows locked) is skipped by a concurrent claim."""
    assert engine.dialect.name == "postgresql"
    a, b = _conversation(store, "+15550000001"), _conversation(store, "+15550000002")
    _queue(store, a, "a1", "a2")
    _queue(store, b, "b1")
    inside = threading.Event()
    release = threading.Event()
    first: list[str] = []

    def hold_a_claim() -> None:
        with store.unit_of_work() as uow:
            claimed = uow.outbox.claim_due(lease=LEASE, limit=1, channels=SMS)
            first.extend(c.item.text for c in claimed)
            inside.set()
            release.wait(10)

    thread = threading.Thread(target=hold_a_claim)
    thread.start()
    inside.wait(10)
    try:
        second = [t for t, _ in _claim(store)]
    finally:
        release.set()
        thread.join()
    assert len(first) == 1
    assert set(first).isdisjoint(second)
    assert not ({"a1", "a2"} <= set(second))  # never two parts of one conversation at once
