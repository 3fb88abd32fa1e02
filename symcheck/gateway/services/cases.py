"""What clinicians do with cases: look, claim, reply, resolve. Every look is audited."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from symcheck.gateway.copy import PatientCopy
from symcheck.gateway.database import Database
from symcheck.gateway.events import QUEUE_TOPIC, Notifier, conversation_topic
from symcheck.gateway.locks import ConversationLocks
from symcheck.gateway.logsafe import ids
from symcheck.gateway.rasa import RasaClient, RasaError
from symcheck.gateway.services.clinical_state import ClinicalState
from symcheck.gateway.services.replies import Delivery
from symcheck.gateway.text.validation import clean
from symcheck.storage.models import Author, CaseStatus, ConversationStatus
from symcheck.storage.repositories import (
    AttachmentInfo,
    AuditAction,
    CaseRecord,
    ClinicianRecord,
    ConversationRecord,
    MessageRecord,
    NotFoundError,
    UnitOfWork,
)

log = logging.getLogger("symcheck.gateway.cases")

MAX_REPLY_CHARS = 4000


class CaseNotFound(LookupError):
    pass


class InvalidReply(ValueError):
    pass


@dataclass(frozen=True)
class Actor:
    """The clinician acting, and from where (for the audit log)."""

    clinician: ClinicianRecord
    client_ip: str | None = None


@dataclass(frozen=True)
class QueueEntry:
    case: CaseRecord
    claimed_by_name: str | None


@dataclass(frozen=True)
class CaseDetail:
    case: CaseRecord
    conversation: ConversationRecord
    claimed_by_name: str | None


class CaseService:
    def __init__(
        self,
        *,
        db: Database,
        rasa: RasaClient,
        locks: ConversationLocks,
        notifier: Notifier,
        delivery: Delivery,
        copy: PatientCopy,
    ) -> None:
        self._db = db
        self._rasa = rasa
        self._locks = locks
        self._notifier = notifier
        self._delivery = delivery
        self._copy = copy

    async def queue(self) -> list[QueueEntry]:
        def work(uow: UnitOfWork) -> list[QueueEntry]:
            names: dict[uuid.UUID, str] = {}
            out = []
            for case in uow.cases.queue():
                out.append(QueueEntry(case, _name(uow, case.claimed_by, names)))
            return out

        return await self._db.run(work)

    async def detail(self, case_id: uuid.UUID, actor: Actor) -> CaseDetail:
        """The case and its summary; writes ``view_case`` to the audit log."""

        def work(uow: UnitOfWork) -> CaseDetail:
            case = _case(uow, case_id)
            conv = uow.conversations.get(case.conversation_id)
            assert conv is not None
            _audit(uow, AuditAction.VIEW_CASE, actor, case)
            return CaseDetail(case, conv, _name(uow, case.claimed_by, {}))

        return await self._db.run(work)

    async def transcript(
        self, case_id: uuid.UUID, actor: Actor, after_seq: int = 0, *, audit: bool = True
    ) -> list[MessageRecord]:
        """The conversation's messages after ``after_seq``; writes ``view_transcript``.

        ``audit=False`` only for re-reads within one request that was already audited
        (a long poll waiting for new messages).
        """

        def work(uow: UnitOfWork) -> list[MessageRecord]:
            case = _case(uow, case_id)
            if audit:
                _audit(uow, AuditAction.VIEW_TRANSCRIPT, actor, case)
            return uow.messages.list_after(case.conversation_id, after_seq)

        return await self._db.run(work)

    async def attachment(
        self, attachment_id: uuid.UUID, actor: Actor
    ) -> tuple[AttachmentInfo, bytes]:
        """A stored photo of a conversation that has a case; writes ``view_attachment``.

        Raises:
            CaseNotFound: no such stored attachment, or its conversation never had a case.
        """

        def work(uow: UnitOfWork) -> tuple[AttachmentInfo, bytes]:
            found = uow.attachments.get(attachment_id)
            if found is None:
                raise CaseNotFound(str(attachment_id))
            info, data = found
            if data is None:
                raise CaseNotFound(str(attachment_id))
            case = uow.cases.latest_for_conversation(info.conversation_id)
            if case is None:
                raise CaseNotFound(str(attachment_id))
            _audit(uow, AuditAction.VIEW_ATTACHMENT, actor, case)
            return info, data

        return await self._db.run(work)

    async def undelivered(self, case_id: uuid.UUID) -> list[tuple[int, str]]:
        """``(seq, status)`` of the conversation's replies not delivered (yet)."""

        def work(uow: UnitOfWork) -> list[tuple[int, str]]:
            return uow.messages.undelivered(_case(uow, case_id).conversation_id)

        return await self._db.run(work)

    async def get(self, case_id: uuid.UUID) -> CaseRecord:
        return await self._db.run(lambda uow: _case(uow, case_id))

    async def conversation_of(self, case_id: uuid.UUID) -> uuid.UUID:
        return (await self.get(case_id)).conversation_id

    async def claim(self, case_id: uuid.UUID, actor: Actor) -> CaseRecord:
        def work(uow: UnitOfWork) -> CaseRecord:
            _case(uow, case_id)
            case = uow.cases.claim(case_id, actor.clinician.id)
            _audit(uow, AuditAction.CLAIM, actor, case)
            return case

        case = await self._db.run(work)
        self._notifier.notify(QUEUE_TOPIC)
        log.info("case claimed case=%s clinician=%s", case.id, actor.clinician.id)
        return case

    async def reply(self, case_id: uuid.UUID, actor: Actor, text: str) -> MessageRecord:
        """Send the patient a message; a waiting case is claimed by the one who replies.

        Raises:
            InvalidReply: empty or longer than :data:`MAX_REPLY_CHARS`.
            ConflictError: the case is resolved or another clinician holds it.
        """
        text = clean(text)
        if not text:
            raise InvalidReply("the reply is empty")
        if len(text) > MAX_REPLY_CHARS:
            raise InvalidReply(f"the reply is longer than {MAX_REPLY_CHARS} characters")

        def work(uow: UnitOfWork) -> tuple[MessageRecord, ConversationRecord]:
            case = _case(uow, case_id)
            if case.status != CaseStatus.ACTIVE or case.claimed_by != actor.clinician.id:
                case = uow.cases.claim(case_id, actor.clinician.id)
                _audit(uow, AuditAction.CLAIM, actor, case)
            conv = uow.conversations.get(case.conversation_id)
            assert conv is not None
            # Stored and, for SMS or Telegram, queued in the outbox in this transaction.
            message = self._delivery.store(
                uow, conv, author=Author.CLINICIAN, text=text, clinician_id=actor.clinician.id
            )
            _audit(uow, AuditAction.REPLY, actor, case)
            return message, conv

        message, conv = await self._db.run(work)
        self._notifier.notify(conversation_topic(conv.id), QUEUE_TOPIC)
        self._delivery.wake()
        log.info("clinician replied %s", ids(conv.id, case=case_id, seq=message.seq))
        return message

    async def resolve(self, case_id: uuid.UUID, actor: Actor) -> CaseRecord:
        """Close the case, give the conversation back to a fresh bot, tell the patient."""
        conversation_id = await self.conversation_of(case_id)
        async with self._locks.hold(conversation_id):

            def work(uow: UnitOfWork) -> tuple[CaseRecord, MessageRecord, ConversationRecord]:
                case = uow.cases.resolve(case_id, actor.clinician.id)
                conv = uow.conversations.get(case.conversation_id)
                assert conv is not None
                uow.conversations.set_status(conv.id, ConversationStatus.BOT)
                # Forget the episode; restart the bot before its next message if the
                # restart below fails.
                uow.conversations.set_clinical_state(
                    conv.id, ClinicalState(pending_restart=True).to_dict()
                )
                notice = self._delivery.store(
                    uow, conv, author=Author.SYSTEM, text=self._copy.case_closed
                )
                _audit(uow, AuditAction.RESOLVE, actor, case)
                return case, notice, conv

            case, _notice, conv = await self._db.run(work)
            self._notifier.notify(conversation_topic(conv.id), QUEUE_TOPIC)
            try:
                await self._rasa.restart(str(conv.id))
            except RasaError as exc:
                log.warning("bot restart deferred %s: %s", ids(conv.id, case=case.id), exc)
            else:
                await self._db.run(lambda uow: uow.conversations.set_clinical_state(conv.id, None))
        self._delivery.wake()
        log.info("case resolved case=%s clinician=%s", case.id, actor.clinician.id)
        return case


def _case(uow: UnitOfWork, case_id: uuid.UUID) -> CaseRecord:
    case = uow.cases.get(case_id)
    if case is None:
        raise CaseNotFound(str(case_id))
    return case


def _audit(uow: UnitOfWork, action: AuditAction, actor: Actor, case: CaseRecord) -> None:
    uow.audit.record(
        action,
        clinician_id=actor.clinician.id,
        case_id=case.id,
        conversation_id=case.conversation_id,
        client_ip=actor.client_ip,
    )


def _name(
    uow: UnitOfWork, clinician_id: uuid.UUID | None, cache: dict[uuid.UUID, str]
) -> str | None:
    if clinician_id is None:
        return None
    if clinician_id not in cache:
        who = uow.clinicians.get(clinician_id)
        cache[clinician_id] = who.display_name if who else "unknown"
    return cache[clinician_id]


__all__ = [
    "Actor",
    "CaseDetail",
    "CaseNotFound",
    "CaseService",
    "InvalidReply",
    "NotFoundError",
    "QueueEntry",
]
