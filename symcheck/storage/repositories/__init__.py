"""Repositories over the storage models: decrypted records in, encrypted rows at rest."""

from symcheck.storage.repositories.attachments import AttachmentRepository
from symcheck.storage.repositories.audit import AuditAction, AuditRepository
from symcheck.storage.repositories.cases import CaseRepository
from symcheck.storage.repositories.clinicians import ClinicianRepository, normalise_email
from symcheck.storage.repositories.conversations import ConversationRepository
from symcheck.storage.repositories.erasures import ErasureRepository
from symcheck.storage.repositories.errors import (
    ConflictError,
    DuplicateError,
    NotFoundError,
    StorageError,
)
from symcheck.storage.repositories.messages import MessageRepository
from symcheck.storage.repositories.outbox import OutboxRepository
from symcheck.storage.repositories.records import (
    AttachmentInfo,
    AuditRecord,
    CaseRecord,
    ClaimedDelivery,
    ClaimedMessage,
    ClinicianRecord,
    ConversationRecord,
    MediaRef,
    MessageRecord,
    OutboxRecord,
    SessionRecord,
)
from symcheck.storage.repositories.sessions import SessionRepository, hash_token
from symcheck.storage.repositories.unit_of_work import Store, UnitOfWork

__all__ = [
    "AttachmentInfo",
    "AttachmentRepository",
    "AuditAction",
    "AuditRecord",
    "AuditRepository",
    "CaseRecord",
    "CaseRepository",
    "ClaimedDelivery",
    "ClaimedMessage",
    "ClinicianRecord",
    "ClinicianRepository",
    "ConflictError",
    "ConversationRecord",
    "ConversationRepository",
    "DuplicateError",
    "ErasureRepository",
    "MediaRef",
    "MessageRecord",
    "MessageRepository",
    "NotFoundError",
    "OutboxRecord",
    "OutboxRepository",
    "SessionRecord",
    "SessionRepository",
    "StorageError",
    "Store",
    "UnitOfWork",
    "hash_token",
    "normalise_email",
]
