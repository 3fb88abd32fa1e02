"""Forget me: everything of a conversation goes; only the fact of an erasure stays."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text

from symcheck.clinical.dispositions import Disposition
from symcheck.storage.models import AttachmentStatus, Author, MessageStatus
from symcheck.storage.repositories import NotFoundError, Store

TABLES = ("conversations", "messages", "cases", "outbox", "attachments", "rasa_trackers")


def _count(store: Store, table: str) -> int:
    with store.unit_of_work() as uow:
        return int(uow.session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def _full_conversation(store: Store, number: str) -> uuid.UUID:
    with store.unit_of_work() as uow:
        conv = uow.conversations.create(
            "sms", channel_user_hash=uuid.uuid4().hex, channel_user=number
        )
        message = uow.messages.append(
            conv.id,
            author=Author.PATIENT,
            text="rash",
            status=MessageStatus.PROCESSED,
            channel="sms",
        )
        uow.attachments.add(
            conversation_id=conv.id,
            message_id=message.id,
            position=0,
            status=AttachmentStatus.STORED,
            content_type="image/png",
            data=b"\x89PNG",
        )
        reply = uow.messages.append(
            conv.id, author=Author.BOT, text="ok", status=MessageStatus.PENDING, channel="sms"
        )
        uow.outbox.enqueue(reply, [("ok", {})])
        uow.cases.open_or_escalate(conv.id, disposition=Disposition.EMERGENCY, reason="red_flag")
        uow.session.execute(
            text(
                "INSERT INTO rasa_trackers (sender_id, data_enc, updated_at) "
                "VALUES (:s, 'x', CURRENT_TIMESTAMP)"
            ),
            {"s": str(conv.id)},
        )
        return conv.id


def test_erasure_removes_everything_and_records_only_when_and_where(store: Store) -> None:
    keep = _full_conversation(store, "+15550000001")
    gone = _full_conversation(store, "+15550000002")
    before = {t: _count(store, t) for t in TABLES}
    with store.unit_of_work() as uow:
        assert uow.erasures.erase_conversation(gone) == "sms"
    after = {t: _count(store, t) for t in TABLES}
    assert after == {t: before[t] - (2 if t == "messages" else 1) for t in TABLES}
    with store.unit_of_work() as uow:
        assert uow.conversations.get(gone) is None
        assert uow.conversations.get(keep) is not None
        assert uow.erasures.count("sms") == 1
        row = uow.session.execute(text("SELECT * FROM erasures")).mappings().one()
    assert set(row.keys()) == {"id", "at", "channel"}
    assert str(gone) not in str(dict(row))


def test_erasing_an_unknown_conversation_fails(store: Store) -> None:
    with store.unit_of_work() as uow, pytest.raises(NotFoundError):
        uow.erasures.erase_conversation(uuid.uuid4())
