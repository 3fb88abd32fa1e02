from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from symcheck.storage.models import AttachmentStatus, Author, MessageStatus
from symcheck.storage.repositories import Store

JPEG = b"\xff\xd8\xff" + b"quokka-photo-bytes" * 100


def test_attachments_are_encrypted_and_listed_with_their_message(store: Store) -> None:
    with store.unit_of_work() as uow:
        conv = uow.conversations.create("sms")
        message = uow.messages.append(
            conv.id, author=Author.PATIENT, text="", status=MessageStatus.RECEIVED, channel="sms"
        )
        stored = uow.attachments.add(
            conversation_id=conv.id,
            message_id=message.id,
            position=0,
            status=AttachmentStatus.STORED,
            content_type="image/jpeg",
            data=JPEG,
        )
        uow.attachments.add(
            conversation_id=conv.id,
            message_id=message.id,
            position=1,
            status=AttachmentStatus.TOO_LARGE,
        )
    with store.unit_of_work() as uow:
        raw = uow.session.execute(
            text("SELECT data_enc FROM attachments WHERE position = 0")
        ).scalar_one()
        found = uow.attachments.get(stored.id)
        [listed] = uow.messages.list_after(conv.id)
        assert uow.attachments.positions(message.id) == {0, 1}
    assert b"quokka" not in bytes(raw)
    assert found is not None
    assert found[1] == JPEG
    assert found[0].size_bytes == len(JPEG)
    assert [(a.position, a.status) for a in listed.attachments] == [(0, "stored"), (1, "too_large")]
    with pytest.raises(IntegrityError), store.unit_of_work() as uow:
        uow.attachments.add(
            conversation_id=conv.id,
            message_id=message.id,
            position=0,
            status=AttachmentStatus.UNAVAILABLE,
        )
