"""Database tables. Health data columns end in ``_enc`` and hold Fernet tokens."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite drops the zone otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; use timezone-aware UTC times")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class Channel(StrEnum):
    WEB = "web"
    SMS = "sms"
    TELEGRAM = "telegram"


class ConversationStatus(StrEnum):
    BOT = "bot"  # the bot answers
    HANDOFF = "handoff"  # a clinician case is open: patient messages go to the case


class Direction(StrEnum):
    INBOUND = "in"
    OUTBOUND = "out"


class Author(StrEnum):
    PATIENT = "patient"
    BOT = "bot"
    CLINICIAN = "clinician"
    SYSTEM = "system"  # gateway-generated (safety advice when Rasa is down, handoff notices)


class MessageStatus(StrEnum):
    RECEIVED = "received"  # inbound, stored, not yet processed
    PROCESSED = "processed"  # inbound, handled (replies stored)
    FAILED = "failed"  # inbound, handling failed; the patient got safe advice
    PENDING = "pending"  # outbound, waiting for delivery
    DELIVERED = "delivered"  # outbound, handed to the channel
    UNDELIVERED = "undelivered"  # outbound, the provider refused it or retries ran out
    NOT_SENT = "not_sent"  # outbound, deliberately not sent: the patient opted out (STOP)


class OutboxStatus(StrEnum):
    """One provider message (one SMS part) on its way: pending -> sending -> final."""

    PENDING = "pending"  # waiting for its turn (or for its next attempt after a retryable error)
    SENDING = "sending"  # claimed by a worker until ``lease_until``
    DELIVERED = "delivered"  # the provider accepted it
    FAILED = "failed"  # permanent error, or retries ran out
    CANCELLED = "cancelled"  # not sent: the patient opted out


OUTBOX_OPEN_STATUSES = (OutboxStatus.PENDING.value, OutboxStatus.SENDING.value)


class AttachmentStatus(StrEnum):
    STORED = "stored"  # fetched, checked and stored encrypted
    TOO_LARGE = "too_large"
    UNSUPPORTED_TYPE = "unsupported_type"  # not one of the image types we accept
    UNAVAILABLE = "unavailable"  # the provider would not give it to us


class CaseStatus(StrEnum):
    WAITING = "waiting"  # in the queue
    ACTIVE = "active"  # a clinician holds it
    RESOLVED = "resolved"  # closed; the bot has the conversation back


class Conversation(Base):
    __tablename__ = "conversations"
    __table_args__ = (
        # One conversation per channel user (two first messages at once cannot make two).
        UniqueConstraint("channel", "channel_user_hash", name="uq_conversations_channel_user"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    channel: Mapped[str] = mapped_column(String(16), default=Channel.WEB.value)
    # Keyed HMAC of the channel's user id (phone number, Telegram chat id) for lookup;
    # the value itself is kept encrypted. Both null for web chats.
    channel_user_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    channel_user_enc: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=ConversationStatus.BOT.value)
    # Encrypted JSON of the latest bridge update (summary, facts, fired rules).
    clinical_state_enc: Mapped[str | None] = mapped_column(Text)
    next_seq: Mapped[int] = mapped_column(Integer, default=1)
    # The patient asked the channel to stop messaging them (SMS STOP): nothing is sent.
    opted_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The patient asked to erase the conversation and has not confirmed yet.
    erase_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    messages: Mapped[list[Message]] = relationship(
        back_populates="conversation", order_by="Message.seq", cascade="all, delete-orphan"
    )
    cases: Mapped[list[Case]] = relationship(
        back_populates="conversation", cascade="all, delete-orphan"
    )


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("conversation_id", "seq", name="uq_messages_conversation_seq"),
        UniqueConstraint("channel", "channel_message_id", name="uq_messages_channel_message"),
        Index("ix_messages_status", "status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    conversation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int] = mapped_column(Integer)
    direction: Mapped[str] = mapped_column(String(4))
    author: Mapped[str] = mapped_column(String(16))
    clinician_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("clinicians.id", ondelete="SET NULL")
    )
    # Encrypted JSON: {"text": str, "buttons": [{"title", "payload"}]}
    body_enc: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    # Provider message id (Twilio MessageSid, Telegram update_id) for de-duplication.
    channel: Mapped[str] = mapped_column(String(16), default=Channel.WEB.value)
    channel_message_id: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Inbound processing claim: a worker (or the web request that stored it) holds the
    # message until ``lease_until``; a crashed holder's messages are picked up after that.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    conversation: Mapped[Conversation] = relationship(back_populates="messages")


OPEN_CASE_STATUSES = (CaseStatus.WAITING.value, CaseStatus.ACTIVE.value)


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_queue", "status", "urgency", "waiting_since"),
        # At most one open (waiting or active) case per conversation.
        Index(
            "uq_cases_one_open_per_conversation",
            "conversation_id",
            unique=True,
            sqlite_where=text("status != 'resolved'"),
            postgresql_where=text("status != 'resolved'"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    conversation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default=CaseStatus.WAITING.value)
    urgency: Mapped[int] = mapped_column(Integer)  # Disposition.urgency, 0-4
    disposition: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(String(32))
    summary_enc: Mapped[str | None] = mapped_column(Text)  # encrypted CaseSummary JSON
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    waiting_since: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("clinicians.id", ondelete="SET NULL")
    )
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("clinicians.id", ondelete="SET NULL")
    )
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the patient was told "a clinician will reply here" (sent once per waiting case).
    waiting_notice_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    conversation: Mapped[Conversation] = relationship(back_populates="cases")


class Clinician(Base):
    __tablename__ = "clinicians"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))  # argon2id
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ClinicianSession(Base):
    """A dashboard login. The cookie holds a random token; only its SHA-256 is stored."""

    __tablename__ = "clinician_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    clinician_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("clinicians.id", ondelete="CASCADE"), index=True
    )
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AuditEvent(Base):
    """Who did what to which case or transcript. Never holds message text."""

    __tablename__ = "audit_events"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    clinician_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("clinicians.id", ondelete="SET NULL")
    )
    action: Mapped[str] = mapped_column(String(40))  # view_transcript, reply, resolve, login...
    case_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    conversation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    client_ip: Mapped[str | None] = mapped_column(String(64))


class OutboxItem(Base):
    """One provider message to send (an SMS part), delivered in order per conversation.

    Ordered by (``message_seq``, ``part``); only the first open item of a conversation is
    ever sent, so a retrying part holds back the parts and messages after it.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("message_id", "part", name="uq_outbox_message_part"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    conversation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    message_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(16))
    message_seq: Mapped[int] = mapped_column(Integer)
    part: Mapped[int] = mapped_column(Integer)  # 1-based
    parts: Mapped[int] = mapped_column(Integer)
    # Encrypted JSON of the rendered part ({"text", "extra"}); the recipient is read from
    # the conversation (encrypted there) when sending.
    body_enc: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    provider_message_id: Mapped[str | None] = mapped_column(String(64))
    # Provider error code or our own ("21610", "http_503", "network", "opted_out").
    last_error: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Attachment(Base):
    """A file the patient sent (an MMS photo), encrypted; never logged."""

    __tablename__ = "attachments"
    __table_args__ = (UniqueConstraint("message_id", "position", name="uq_attachments_position"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    conversation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    message_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)  # MediaUrl<N>
    status: Mapped[str] = mapped_column(String(24))
    content_type: Mapped[str | None] = mapped_column(String(64))
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    data_enc: Mapped[bytes | None] = mapped_column(LargeBinary)  # Fernet token of the bytes
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Erasure(Base):
    """That a patient had a conversation erased: when and on which channel, nothing else."""

    __tablename__ = "erasures"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    channel: Mapped[str] = mapped_column(String(16))


class RasaTracker(Base):
    """Rasa's dialogue state, written by ``rasa_addons.tracker_store`` (encrypted)."""

    __tablename__ = "rasa_trackers"

    sender_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    data_enc: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
