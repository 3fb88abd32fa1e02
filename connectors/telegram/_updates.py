"""Telegram updates (``Update`` objects, parsed by python-telegram-bot) as gateway events.

Only private chats are served: a message from a group, a supergroup or a channel, or from
another bot, is ignored (a group's chat would mix several people's health data). Per update:

- ``message`` with text: a :class:`PatientMessage` (commands included: ``/start``, ``/help``,
  ``/restart``; see :mod:`connectors.telegram._commands`);
- ``message`` with a photo (the largest size within the limit), or an image sent as a file:
  a message with an attachment, the caption as its text;
- ``message`` with anything else a patient sends (voice, sticker, video, location...), and
  ``edited_message``: a message marked ``unsupported`` (the gateway answers with a polite
  notice and the safe advice, and keeps a short description for the clinician);
- ``callback_query`` (an inline keyboard button pressed): a message whose ``choice`` is the
  button's ``callback_data``, with the query's id so it can be answered;
- ``my_chat_member`` in a private chat: :class:`Reachability` (``kicked``: the patient
  blocked the bot; ``member``: unblocked);
- anything else (service messages, channel posts, inline queries, polls...): :class:`Ignored`.

``provider_message_id`` is ``<bot id>:<update_id>:<message id or callback query id>``, so
a redelivered update is dropped and a new bot (or Telegram restarting its update ids after a
quiet week) cannot collide with stored ids. The chat id (the ``sender``) is never logged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from telegram import Message, PhotoSize, Update
from telegram.constants import ChatMemberStatus, ChatType

from connectors.base import AttachmentRef, InboundMessage

CHANNEL = "telegram"
#: Image types kept when sent as a file (photos are always JPEG).
IMAGE_DOCUMENT_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"})

# What a patient can send that the bot cannot read, with the words the clinician sees.
_UNSUPPORTED: tuple[tuple[str, str], ...] = (
    ("voice", "voice message"),
    ("audio", "audio file"),
    ("video_note", "video message"),
    ("video", "video"),
    ("animation", "GIF"),
    ("sticker", "sticker"),
    ("document", "file"),
    ("location", "location"),
    ("venue", "place"),
    ("contact", "contact"),
    ("poll", "poll"),
    ("dice", "dice"),
    ("game", "game"),
    ("story", "story"),
)


@dataclass(frozen=True)
class PatientMessage:
    """Something the patient sent, to store and process."""

    inbound: InboundMessage
    #: Set for a button press: answered with ``answerCallbackQuery`` once stored.
    callback_query_id: str | None = None


@dataclass(frozen=True)
class Reachability:
    """The patient blocked (``reachable=False``) or unblocked the bot."""

    sender: str
    reachable: bool


@dataclass(frozen=True)
class Ignored:
    """An update the gateway does not act on. ``reason`` is a fixed code for the log."""

    reason: str
    callback_query_id: str | None = None  # a press we do not serve is still answered


TelegramEvent = PatientMessage | Reachability | Ignored


def read_update(update: Update, bot_id: str, max_media_bytes: int) -> TelegramEvent:
    """What ``update`` means for the gateway (see the module docstring)."""
    if update.callback_query is not None:
        return _callback(update, bot_id)
    if update.my_chat_member is not None:
        member = update.my_chat_member
        if member.chat.type != ChatType.PRIVATE:
            return Ignored("not_private")
        status = member.new_chat_member.status
        if status in (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT):
            return Reachability(str(member.chat.id), reachable=False)
        if status == ChatMemberStatus.MEMBER:
            return Reachability(str(member.chat.id), reachable=True)
        return Ignored("member_status")
    if update.message is not None:
        return _message(update, update.message, bot_id, max_media_bytes, edited=False)
    if update.edited_message is not None:
        return _message(update, update.edited_message, bot_id, max_media_bytes, edited=True)
    return Ignored("update_type")


def _private_sender(message: Message) -> str | None:
    if message.chat.type != ChatType.PRIVATE:
        return None
    if message.from_user is not None and message.from_user.is_bot:
        return None
    return str(message.chat.id)


def _message(
    update: Update, message: Message, bot_id: str, max_media_bytes: int, *, edited: bool
) -> TelegramEvent:
    sender = _private_sender(message)
    if sender is None:
        return Ignored("not_private")
    message_id = f"{bot_id}:{update.update_id}:{message.message_id}"
    caption = message.caption or ""
    if edited:
        words = message.text or caption
        description = f"[edited message] {words}".strip()
        return PatientMessage(
            InboundMessage(
                channel=CHANNEL,
                text=description,
                sender=sender,
                provider_message_id=message_id,
                unsupported="edit",
            )
        )
    if message.text is not None:
        return PatientMessage(
            InboundMessage(
                channel=CHANNEL, text=message.text, sender=sender, provider_message_id=message_id
            )
        )
    attachment = _attachment(message, max_media_bytes)
    if attachment is not None:
        return PatientMessage(
            InboundMessage(
                channel=CHANNEL,
                text=caption,
                sender=sender,
                provider_message_id=message_id,
                attachments=(attachment,),
            )
        )
    for attribute, words in _UNSUPPORTED:
        if getattr(message, attribute, None):
            return PatientMessage(
                InboundMessage(
                    channel=CHANNEL,
                    text=f"[{words}] {caption}".strip(),
                    sender=sender,
                    provider_message_id=message_id,
                    unsupported=attribute,
                )
            )
    return Ignored("service_message")  # joined, pinned, auto-delete timer...


def _attachment(message: Message, max_media_bytes: int) -> AttachmentRef | None:
    if message.photo:
        best = largest_photo(message.photo, max_media_bytes)
        return AttachmentRef(url=best.file_id, content_type="image/jpeg")
    document = message.document
    if document is not None and (document.mime_type or "").lower() in IMAGE_DOCUMENT_TYPES:
        return AttachmentRef(url=document.file_id, content_type=document.mime_type)
    return None


def largest_photo(sizes: Sequence[PhotoSize], max_bytes: int) -> PhotoSize:
    """The largest size of a photo whose declared size fits ``max_bytes`` (the largest of
    all when none declares one that fits: the download then says it is too large)."""
    by_area = sorted(sizes, key=lambda s: (s.width * s.height, s.file_size or 0))
    fitting = [s for s in by_area if s.file_size is None or s.file_size <= max_bytes]
    return (fitting or by_area)[-1]


def _callback(update: Update, bot_id: str) -> TelegramEvent:
    query = update.callback_query
    assert query is not None
    message = query.message
    if message is not None and message.chat.type != ChatType.PRIVATE:
        return Ignored("not_private", query.id)
    if query.from_user.is_bot:
        return Ignored("from_bot", query.id)
    if not query.data:
        return Ignored("no_callback_data", query.id)
    # In a private chat the chat id is the user's id (also when the message is too old to
    # be included in the update).
    sender = str(message.chat.id) if message is not None else str(query.from_user.id)
    return PatientMessage(
        InboundMessage(
            channel=CHANNEL,
            text="",
            sender=sender,
            provider_message_id=f"{bot_id}:{update.update_id}:{query.id}",
            choice=query.data,
        ),
        callback_query_id=query.id,
    )
