"""Plain, decrypted shapes returned by the repositories (services never see ORM rows)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from symcheck.clinical.interview.protocol import Button


@dataclass(frozen=True)
class ConversationRecord:
    id: uuid.UUID
    channel: str
    status: str
    clinical_state: dict[str, Any] | None
    last_seq: int
    created_at: datetime
    updated_at: datetime
    opted_out_at: datetime | None = None
    erase_requested_at: datetime | None = None

    @property
    def opted_out(self) -> bool:
        return self.opted_out_at is not None


@dataclass(frozen=True)
class MediaRef:
    """Where the channel's provider keeps a file the patient sent (fetched after the ack)."""

    url: str
    content_type: str | None = None


@dataclass(frozen=True)
class AttachmentInfo:
    """An attachment without its bytes (what lists and pages need)."""

    id: uuid.UUID
    conversation_id: uuid.UUID
    message_id: uuid.UUID
    position: int
    status: str
    content_type: str | None
    size_bytes: int | None
    created_at: datetime


@dataclass(frozen=True)
class MessageRecord:
    """One stored message with its body decrypted.

    ``payload`` is set for a button press: ``text`` then holds the button's title, so
    transcripts read naturally, and ``payload`` the intent it sent (``/affirm``).
    """

    id: uuid.UUID
    conversation_id: uuid.UUID
    seq: int
    direction: str
    author: str
    text: str
    buttons: tuple[Button, ...]
    status: str
    channel: str
    created_at: datetime
    clinician_id: uuid.UUID | None = None
    payload: str | None = None
    media: tuple[MediaRef, ...] = ()
    attachments: tuple[AttachmentInfo, ...] = ()
    attempts: int = 0


@dataclass(frozen=True)
class ClaimedMessage:
    """An inbound message a worker now holds (until its lease runs out)."""

    id: uuid.UUID
    conversation_id: uuid.UUID
    seq: int
    attempts: int


@dataclass(frozen=True)
class OutboxRecord:
    """One provider message (a rendered part) with its delivery state."""

    id: uuid.UUID
    conversation_id: uuid.UUID
    message_id: uuid.UUID
    channel: str
    message_seq: int
    part: int
    parts: int
    text: str
    extra: dict[str, Any]
    status: str
    attempts: int
    next_attempt_at: datetime
    provider_message_id: str | None = None
    last_error: str | None = None


@dataclass(frozen=True)
class ClaimedDelivery:
    """An outbox item a worker now holds, with its recipient (decrypted, in memory only)."""

    item: OutboxRecord
    recipient: str


@dataclass(frozen=True)
class CaseRecord:
    id: uuid.UUID
    conversation_id: uuid.UUID
    status: str
    urgency: int
    disposition: str
    reason: str
    summary: dict[str, Any] | None
    created_at: datetime
    waiting_since: datetime
    claimed_by: uuid.UUID | None = None
    claimed_at: datetime | None = None
    resolved_by: uuid.UUID | None = None
    resolved_at: datetime | None = None
    waiting_notice_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.status != "resolved"


@dataclass(frozen=True)
class ClinicianRecord:
    id: uuid.UUID
    email: str
    display_name: str
    is_active: bool
    created_at: datetime
    last_login_at: datetime | None = None


@dataclass(frozen=True)
class SessionRecord:
    token_hash: str
    clinician_id: uuid.UUID
    csrf_token: str
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class AuditRecord:
    id: uuid.UUID
    at: datetime
    action: str
    clinician_id: uuid.UUID | None = None
    case_id: uuid.UUID | None = None
    conversation_id: uuid.UUID | None = None
    client_ip: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
