from __future__ import annotations

import threading
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from symcheck.clinical.interview.protocol import Button
from symcheck.storage.models import Author, MessageStatus
from symcheck.storage.repositories import NotFoundError, Store

SENTINEL = "my secret symptom zebra-42"


def _conversation(store: Store) -> uuid.UUID:
    with store.unit_of_work() as uow:
        return uow.conversations.create().id


def test_append_numbers_messages_per_conversation(store: Store) -> None:
    a, b = _conversation(store), _conversation(store)
    with store.unit_of_work() as uow:
        m1 = uow.messages.append(
            a, author=Author.PATIENT, text="one", status=MessageStatus.RECEIVED
        )
        m2 = uow.messages.append(a, author=Author.BOT, text="two", status=MessageStatus.DELIVERED)
        n1 = uow.messages.append(b, author=Author.PATIENT, text="x", status=MessageStatus.RECEIVED)
    assert (m1.seq, m2.seq, n1.seq) == (1, 2, 1)
    assert m1.direction == "in"
    assert m2.direction == "out"
    with store.unit_of_work() as uow:
        assert uow.conversations.get(a).last_seq == 2  # type: ignore[union-attr]


def test_bodies_are_ciphertext_at_rest(store: Store) -> None:
    conv = _conversation(store)
    buttons = (Button("Yes", "/affirm"), Button("No", "/deny"))
    with store.unit_of_work() as uow:
        uow.messages.append(
            conv, author=Author.PATIENT, text=SENTINEL, status=MessageStatus.RECEIVED
        )
        uow.messages.append(
            conv,
            author=Author.BOT,
            text="Any fever?",
            buttons=buttons,
            status=MessageStatus.DELIVERED,
        )
    with store.unit_of_work() as uow:
        raw = [
            r for (r,) in uow.session.execute(text("SELECT body_enc FROM messages ORDER BY seq"))
        ]
        stored = uow.messages.list_after(conv)
    assert all(r.startswith("gAAAA") for r in raw)
    assert not any(SENTINEL in r or "zebra" in r or "affirm" in r for r in raw)
    assert stored[0].text == SENTINEL
    assert stored[1].buttons == buttons


def test_button_presses_keep_their_payload(store: Store) -> None:
    conv = _conversation(store)
    with store.unit_of_work() as uow:
        msg = uow.messages.append(
            conv,
            author=Author.PATIENT,
            text="Yes",
            payload="/affirm",
            status=MessageStatus.RECEIVED,
        )
        assert uow.messages.get(msg.id).payload == "/affirm"  # type: ignore[union-attr]


def test_list_after_and_latest_by(store: Store) -> None:
    conv = _conversation(store)
    with store.unit_of_work() as uow:
        for i in range(5):
            author = Author.PATIENT if i % 2 == 0 else Author.BOT
            uow.messages.append(conv, author=author, text=str(i), status=MessageStatus.RECEIVED)
    with store.unit_of_work() as uow:
        assert [m.text for m in uow.messages.list_after(conv, 2)] == ["2", "3", "4"]
        assert [m.seq for m in uow.messages.list_after(conv, 0, limit=2)] == [1, 2]
        assert uow.messages.latest_by(conv, Author.BOT).text == "3"  # type: ignore[union-attr]
        assert uow.messages.latest_by(conv, Author.CLINICIAN) is None
        assert uow.messages.count(conv) == 5


def test_inbound_status_transitions(store: Store) -> None:
    conv = _conversation(store)
    with store.unit_of_work() as uow:
        msg = uow.messages.append(
            conv, author=Author.PATIENT, text="hi", status=MessageStatus.RECEIVED
        )
    with store.unit_of_work() as uow:
        uow.messages.set_status(msg.id, MessageStatus.PROCESSED)
    with store.unit_of_work() as uow:
        assert uow.messages.get(msg.id).status == "processed"  # type: ignore[union-attr]
        with pytest.raises(NotFoundError):
            uow.messages.set_status(uuid.uuid4(), MessageStatus.FAILED)


def test_received_message_survives_a_failed_later_unit_of_work(store: Store) -> None:
    conv = _conversation(store)
    with store.unit_of_work() as uow:
        msg = uow.messages.append(
            conv, author=Author.PATIENT, text="hi", status=MessageStatus.RECEIVED
        )

    def failing_unit_of_work() -> None:
        with store.unit_of_work() as uow:
            uow.messages.append(
                conv, author=Author.BOT, text="reply", status=MessageStatus.DELIVERED
            )
            raise RuntimeError("processing failed")

    with pytest.raises(RuntimeError):
        failing_unit_of_work()
    with store.unit_of_work() as uow:
        assert [m.id for m in uow.messages.list_after(conv)] == [msg.id]


def test_provider_ids_are_unique_per_channel(store: Store) -> None:
    conv = _conversation(store)
    with store.unit_of_work() as uow:
        uow.messages.append(
            conv,
            author=Author.PATIENT,
            text="a",
            status=MessageStatus.RECEIVED,
            channel="sms",
            channel_message_id="SM1",
        )
        assert uow.messages.find_by_channel_message_id("sms", "SM1") is not None
    with pytest.raises(IntegrityError), store.unit_of_work() as uow:
        uow.messages.append(
            conv,
            author=Author.PATIENT,
            text="a",
            status=MessageStatus.RECEIVED,
            channel="sms",
            channel_message_id="SM1",
        )


def test_append_to_unknown_conversation(store: Store) -> None:
    with store.unit_of_work() as uow, pytest.raises(NotFoundError):
        uow.messages.append(
            uuid.uuid4(), author=Author.BOT, text="x", status=MessageStatus.DELIVERED
        )


def test_concurrent_appends_get_distinct_gap_free_seqs(store: Store) -> None:
    conv = _conversation(store)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(5):
                with store.unit_of_work() as uow:
                    uow.messages.append(
                        conv, author=Author.BOT, text="x", status=MessageStatus.DELIVERED
                    )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with store.unit_of_work() as uow:
        assert [m.seq for m in uow.messages.list_after(conv)] == list(range(1, 21))
