from __future__ import annotations

from symcheck.crypto import Cipher
from symcheck.gateway.identity import ChannelIdentity
from symcheck.storage.repositories import Store


def test_hashes_are_keyed_stable_and_per_channel() -> None:
    key = Cipher.generate_key()
    one, two = ChannelIdentity([key]), ChannelIdentity([key])
    assert one.hash("sms", "+15550001111") == two.hash("sms", "+15550001111")
    assert one.hash("sms", "+15550001111") != one.hash("telegram", "+15550001111")
    assert one.hash("sms", "+15550001111") != ChannelIdentity([Cipher.generate_key()]).hash(
        "sms", "+15550001111"
    )
    assert "15550001111" not in one.hash("sms", "+15550001111")
    assert len(one.hash("sms", "+15550001111")) == 64


def test_conversations_are_found_after_key_rotation(store: Store) -> None:
    old, new = Cipher.generate_key(), Cipher.generate_key()
    before = ChannelIdentity([old])
    with store.unit_of_work() as uow:
        conv = uow.conversations.create(
            "sms", channel_user_hash=before.hash("sms", "+1555"), channel_user="+1555"
        )
    after = ChannelIdentity([new, old])
    candidates = after.candidates("sms", "+1555")
    assert candidates[0] == after.hash("sms", "+1555") != before.hash("sms", "+1555")
    with store.unit_of_work() as uow:
        found = uow.conversations.find_by_channel_user("sms", candidates)
    assert found is not None
    assert found.id == conv.id
