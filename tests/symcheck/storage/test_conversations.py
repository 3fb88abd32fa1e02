from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text

from symcheck.storage.models import ConversationStatus
from symcheck.storage.repositories import NotFoundError, Store


def test_create_and_get(store: Store) -> None:
    with store.unit_of_work() as uow:
        created = uow.conversations.create()
    with store.unit_of_work() as uow:
        loaded = uow.conversations.get(created.id)
    assert loaded is not None
    assert loaded.status == ConversationStatus.BOT
    assert loaded.channel == "web"
    assert loaded.clinical_state is None
    assert loaded.last_seq == 0
    assert loaded.created_at.tzinfo is not None


def test_unknown_conversation(store: Store) -> None:
    with store.unit_of_work() as uow:
        assert uow.conversations.get(uuid.uuid4()) is None
        assert uow.conversations.lock(uuid.uuid4()) is None
        with pytest.raises(NotFoundError):
            uow.conversations.set_status(uuid.uuid4(), ConversationStatus.HANDOFF)


def test_status_and_clinical_state_round_trip_encrypted(store: Store) -> None:
    state = {"facts": {"findings": {"chest_pain": {"present": True}}}, "fired_rule_ids": ["X"]}
    with store.unit_of_work() as uow:
        conv = uow.conversations.create()
        uow.conversations.set_status(conv.id, ConversationStatus.HANDOFF)
        uow.conversations.set_clinical_state(conv.id, state)
    with store.unit_of_work() as uow:
        locked = uow.conversations.lock(conv.id)
        raw = uow.session.execute(
            text("SELECT clinical_state_enc FROM conversations WHERE id = :id"),
            {"id": conv.id.hex if store_is_sqlite(uow) else conv.id},
        ).scalar_one()
    assert locked is not None
    assert locked.status == ConversationStatus.HANDOFF
    assert locked.clinical_state == state
    assert "chest_pain" not in raw
    assert raw.startswith("gAAAA")  # a Fernet token


def test_clearing_the_clinical_state(store: Store) -> None:
    with store.unit_of_work() as uow:
        conv = uow.conversations.create()
        uow.conversations.set_clinical_state(conv.id, {"a": 1})
        uow.conversations.set_clinical_state(conv.id, None)
        assert uow.conversations.get(conv.id).clinical_state is None  # type: ignore[union-attr]


def test_channel_user_lookup_keeps_the_user_id_encrypted(store: Store) -> None:
    with store.unit_of_work() as uow:
        conv = uow.conversations.create("sms", channel_user_hash="h" * 64, channel_user="+4411")
        found = uow.conversations.find_by_channel_user("sms", "h" * 64)
        raw = uow.session.execute(text("SELECT channel_user_enc FROM conversations")).scalar_one()
    assert found is not None
    assert found.id == conv.id
    assert "+4411" not in raw


def store_is_sqlite(uow: object) -> bool:
    return uow.session.get_bind().dialect.name == "sqlite"  # type: ignore[attr-defined]
