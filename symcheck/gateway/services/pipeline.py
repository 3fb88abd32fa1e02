"""The patient message pipeline (``docs/architecture.md``, "A patient message, end to end").

validate -> store (``received``, committed) -> red-flag precheck -> route (case or Rasa) ->
store replies and apply the bridge update -> mark the inbound ``processed``. Any failure
after the message is stored ends in a stored system reply with safe advice and the inbound
marked ``failed``: nothing is lost and the patient always gets an answer.

Logs carry ids and counts only, never text.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import anyio.to_thread

from connectors.base import InboundMessage
from symcheck.bridge import BridgeUpdate, split_messages
from symcheck.clinical.dispositions import Disposition, most_urgent
from symcheck.clinical.interview.protocol import Button, HandoffReason, SignalType
from symcheck.clinical.rules.models import RedFlagRule
from symcheck.clinical.rules.ruleset import floor
from symcheck.clinical.safety import SafetyCheck
from symcheck.clinical_runtime import SafetyRuntime
from symcheck.gateway.copy import PatientCopy
from symcheck.gateway.database import Database
from symcheck.gateway.events import QUEUE_TOPIC, Notifier, conversation_topic
from symcheck.gateway.locks import ConversationLocks
from symcheck.gateway.logsafe import describe, ids
from symcheck.gateway.rasa import RasaBadReply, RasaClient, RasaError
from symcheck.gateway.services.clinical_state import ClinicalState
from symcheck.gateway.services.replies import Delivery, Reply
from symcheck.gateway.text.intents import GuardedText, guard_intent
from symcheck.gateway.text.validation import CheckedText, InputProblem, check_text
from symcheck.storage.models import Author, ConversationStatus, MessageStatus
from symcheck.storage.repositories import (
    CaseRecord,
    ConversationRecord,
    MessageRecord,
    UnitOfWork,
)

log = logging.getLogger("symcheck.gateway.pipeline")

REPORT_EMERGENCY = "/report_emergency"
# Urgency of a handoff whose disposition is not known yet: same-day, erring on the safe side.
DEFAULT_HANDOFF_DISPOSITION = Disposition.CONSULTATION_24


class UnknownConversation(LookupError):
    """The client named a conversation that does not exist (or not on its channel)."""


@dataclass(frozen=True)
class InboundResult:
    conversation_id: uuid.UUID
    message_seq: int | None  # the stored patient message; None when nothing was stored
    replies: tuple[Reply, ...]


@dataclass(frozen=True)
class _Stored:
    conversation: ConversationRecord
    message: MessageRecord | None
    guarded: GuardedText | None
    replies: tuple[MessageRecord, ...] = ()
    duplicate: bool = False


@dataclass(frozen=True)
class _Context:
    conversation: ConversationRecord
    state: ClinicalState
    case: CaseRecord | None


@dataclass(frozen=True)
class _BotReply:
    text: str
    buttons: tuple[Button, ...]


class MessagePipeline:
    """Receives patient messages from any channel and answers them."""

    def __init__(
        self,
        *,
        db: Database,
        rasa: RasaClient,
        safety: SafetyRuntime,
        locks: ConversationLocks,
        notifier: Notifier,
        delivery: Delivery,
        copy: PatientCopy,
        max_message_chars: int,
    ) -> None:
        self._db = db
        self._rasa = rasa
        self._safety = safety
        self._locks = locks
        self._notifier = notifier
        self._delivery = delivery
        self._copy = copy
        self._max_chars = max_message_chars

    async def receive(self, inbound: InboundMessage) -> InboundResult:
        """Store, check, route and answer one patient message.

        Raises:
            UnknownConversation: the named conversation does not exist.
            Exception: only when the message could not even be stored (storage is down).
        """
        checked = check_text(inbound.text, self._max_chars)
        stored = await self._db.run(lambda uow: self._store(uow, inbound, checked))
        conv = stored.conversation
        if stored.message is None:
            return InboundResult(conv.id, None, (Reply(self._copy.empty, Author.SYSTEM.value),))
        if stored.duplicate:
            return InboundResult(conv.id, stored.message.seq, ())
        self._notifier.notify(conversation_topic(conv.id))
        log.info("message received %s", _ids(conv.id, stored.message))
        assert stored.guarded is not None
        async with self._locks.hold(conv.id):
            replies = await self._process(conv.id, stored.message, stored.guarded, checked)
        records = (*stored.replies, *replies)
        self._notifier.notify(conversation_topic(conv.id))
        await self._delivery.deliver(conv.id, conv.channel, records)
        return InboundResult(
            conv.id, stored.message.seq, tuple(Reply.from_record(r) for r in records)
        )

    # -- step 1: validate and store ------------------------------------------------------

    def _store(self, uow: UnitOfWork, inbound: InboundMessage, checked: CheckedText) -> _Stored:
        conv = self._conversation(uow, inbound)
        if inbound.provider_message_id:
            seen = uow.messages.find_by_channel_message_id(
                inbound.channel, inbound.provider_message_id
            )
            if seen is not None:
                return _Stored(conv, seen, None, duplicate=True)
        if checked.problem is InputProblem.EMPTY:
            return _Stored(conv, None, None)
        latest_bot = uow.messages.latest_by(conv.id, Author.BOT)
        guarded = guard_intent(checked.text, latest_bot.buttons if latest_bot else ())
        if not guarded.text:  # only slashes
            return _Stored(conv, None, None)
        message = uow.messages.append(
            conv.id,
            author=Author.PATIENT,
            text=guarded.button.title if guarded.button else checked.text,
            payload=guarded.button.payload if guarded.button else None,
            status=MessageStatus.RECEIVED,
            channel=inbound.channel,
            channel_message_id=inbound.provider_message_id,
        )
        replies: tuple[MessageRecord, ...] = ()
        if checked.truncated:
            replies = (self._system(uow, conv, self._copy.truncated(self._max_chars)),)
        return _Stored(conv, message, guarded, replies)

    @staticmethod
    def _conversation(uow: UnitOfWork, inbound: InboundMessage) -> ConversationRecord:
        if inbound.conversation_id is None:
            return uow.conversations.create(inbound.channel)
        conv = uow.conversations.get(inbound.conversation_id)
        if conv is None or conv.channel != inbound.channel:
            raise UnknownConversation(str(inbound.conversation_id))
        return conv

    # -- steps 2-5: precheck, route, apply -----------------------------------------------

    async def _process(
        self,
        conversation_id: uuid.UUID,
        message: MessageRecord,
        guarded: GuardedText,
        checked: CheckedText,
    ) -> list[MessageRecord]:
        emergencies: tuple[RedFlagRule, ...] = ()
        try:
            ctx = await self._db.run(lambda uow: self._load(uow, conversation_id))
            check = await self._precheck(ctx, guarded, message)
            emergencies = check.new_emergencies if check else ()
            if ctx.conversation.status == ConversationStatus.HANDOFF:
                return await self._to_case(ctx, message, check, emergencies)
            return await self._to_bot(ctx, message, guarded, checked, check, emergencies)
        except Exception as exc:
            if isinstance(exc, RasaError):
                log.warning("bot unavailable %s: %s", _ids(conversation_id, message), exc)
            else:
                log.error("processing failed %s: %s", _ids(conversation_id, message), describe(exc))
            text = self._copy.emergency(emergencies) if emergencies else self._copy.unavailable
            return await self._db.run(lambda uow: self._fail(uow, conversation_id, message, text))

    def _load(self, uow: UnitOfWork, conversation_id: uuid.UUID) -> _Context:
        conv = uow.conversations.lock(conversation_id)
        if conv is None:
            raise UnknownConversation(str(conversation_id))
        case = uow.cases.open_for_conversation(conversation_id)
        if conv.status == ConversationStatus.HANDOFF and case is None:
            # No open case to receive the message: give the conversation back to the bot.
            uow.conversations.set_status(conversation_id, ConversationStatus.BOT)
            conv = uow.conversations.get(conversation_id)
            assert conv is not None
        return _Context(conv, ClinicalState.from_dict(conv.clinical_state), case)

    async def _precheck(
        self, ctx: _Context, guarded: GuardedText, message: MessageRecord
    ) -> SafetyCheck | None:
        if guarded.is_button:
            return None  # a button carries no free text to check
        try:
            return await anyio.to_thread.run_sync(
                self._safety.check, guarded.text, ctx.state.facts, ctx.state.fired_rule_ids
            )
        except Exception as exc:
            # The bot's engine evaluates the same rules after its turn; carry on without.
            log.error(
                "red-flag precheck failed %s: %s", _ids(ctx.conversation.id, message), describe(exc)
            )
            return None

    async def _to_case(
        self,
        ctx: _Context,
        message: MessageRecord,
        check: SafetyCheck | None,
        emergencies: tuple[RedFlagRule, ...],
    ) -> list[MessageRecord]:
        conv = ctx.conversation

        def work(uow: UnitOfWork) -> list[MessageRecord]:
            out: list[MessageRecord] = []
            if check is not None:
                uow.conversations.set_clinical_state(conv.id, ctx.state.with_check(check).to_dict())
            case = ctx.case
            # Every newly fired rule counts, not only emergencies: a case opened as a routine
            # request is raised to (never lowered from) the most urgent new rule's disposition.
            raised_to = floor(check.new) if check is not None else None
            if emergencies:
                assert raised_to is not None
                uow.cases.open_or_escalate(
                    conv.id, disposition=raised_to, reason=HandoffReason.RED_FLAG
                )
                text = self._copy.emergency(emergencies)
                out.append(self._system(uow, conv, text))
            else:
                if raised_to is not None:
                    uow.cases.raise_urgency(conv.id, raised_to)
                if case is not None and case.status == "waiting" and case.waiting_notice_at is None:
                    out.append(self._system(uow, conv, self._copy.waiting_for_clinician))
                    uow.cases.mark_waiting_notice(case.id)
            uow.messages.set_status(message.id, MessageStatus.PROCESSED)
            return out

        out = await self._db.run(work)
        self._notifier.notify(QUEUE_TOPIC)
        log.info(
            "message added to case %s new_rules=%d emergency_rules=%d replies=%d",
            _ids(conv.id, message),
            len(check.new) if check is not None else 0,
            len(emergencies),
            len(out),
        )
        return out

    async def _to_bot(
        self,
        ctx: _Context,
        message: MessageRecord,
        guarded: GuardedText,
        checked: CheckedText,
        check: SafetyCheck | None,
        emergencies: tuple[RedFlagRule, ...],
    ) -> list[MessageRecord]:
        conv = ctx.conversation
        state = ctx.state.with_check(check) if check is not None else ctx.state
        if emergencies:
            await self._db.run(lambda uow: self._escalate(uow, conv, state, emergencies))
            self._notifier.notify(QUEUE_TOPIC)
        elif checked.problem is not None and not guarded.is_button:
            text = self._copy.for_problem(checked)
            return await self._db.run(lambda uow: self._answer_locally(uow, conv, message, text))
        if state.pending_restart:
            await self._rasa.restart(str(conv.id))
        text = guarded.text
        metadata: dict[str, Any] = {"channel": conv.channel}
        if emergencies:
            text = REPORT_EMERGENCY
            metadata["safety"] = {"rule_ids": [r.id for r in emergencies], "text": guarded.text}
        raw = await self._rasa.send(str(conv.id), text, metadata)
        replies, updates = _parse_reply(raw)
        out = await self._db.run(
            lambda uow: self._finish(uow, conv, message, state, replies, updates)
        )
        if any(s.type is not SignalType.RESULT for u in updates for s in u.signals):
            self._notifier.notify(QUEUE_TOPIC)
        log.info(
            "bot answered %s replies=%d updates=%d emergency_rules=%d",
            _ids(conv.id, message),
            len(out),
            len(updates),
            len(emergencies),
        )
        return out

    def _escalate(
        self,
        uow: UnitOfWork,
        conv: ConversationRecord,
        state: ClinicalState,
        emergencies: Sequence[RedFlagRule],
    ) -> None:
        """New emergency rules: open or raise the case first, then hand the conversation off."""
        disposition = floor(emergencies)
        assert disposition is not None
        uow.conversations.set_clinical_state(conv.id, state.to_dict())
        uow.cases.open_or_escalate(
            conv.id, disposition=disposition, reason=HandoffReason.RED_FLAG, summary=state.summary
        )
        uow.conversations.set_status(conv.id, ConversationStatus.HANDOFF)

    def _answer_locally(
        self, uow: UnitOfWork, conv: ConversationRecord, message: MessageRecord, text: str
    ) -> list[MessageRecord]:
        reply = self._system(uow, conv, text)
        uow.messages.set_status(message.id, MessageStatus.PROCESSED)
        return [reply]

    def _finish(
        self,
        uow: UnitOfWork,
        conv: ConversationRecord,
        message: MessageRecord,
        state: ClinicalState,
        replies: Sequence[_BotReply],
        updates: Sequence[BridgeUpdate],
    ) -> list[MessageRecord]:
        status = self._delivery.initial_status(conv.channel)
        out = [
            uow.messages.append(
                conv.id,
                author=Author.BOT,
                text=r.text,
                buttons=r.buttons,
                status=status,
                channel=conv.channel,
            )
            for r in replies
        ]
        state = ClinicalState(
            summary=state.summary, facts=state.facts, fired_rule_ids=state.fired_rule_ids
        )  # any pending restart has just been done
        for update in updates:
            state = state.with_update(update)
        uow.conversations.set_clinical_state(conv.id, state.to_dict())
        for update in updates:
            self._apply_signals(uow, conv, update)
        if updates and state.summary is not None:
            case = uow.cases.open_for_conversation(conv.id)
            if case is not None:
                uow.cases.update_summary(case.id, state.summary)
        uow.messages.set_status(message.id, MessageStatus.PROCESSED)
        return out

    @staticmethod
    def _apply_signals(uow: UnitOfWork, conv: ConversationRecord, update: BridgeUpdate) -> None:
        summary = update.summary.to_dict()
        for signal in update.signals:
            if signal.type is SignalType.HANDOFF:
                disposition = (
                    most_urgent(signal.disposition, _disposition(update.summary.disposition))
                    or DEFAULT_HANDOFF_DISPOSITION
                )
                reason = signal.reason or HandoffReason.PATIENT_REQUEST
                uow.cases.open_or_escalate(
                    conv.id, disposition=disposition, reason=reason.value, summary=summary
                )
                uow.conversations.set_status(conv.id, ConversationStatus.HANDOFF)
            elif signal.type is SignalType.RED_FLAG and signal.disposition is not None:
                raised = uow.cases.raise_urgency(conv.id, signal.disposition)
                if raised is None and signal.disposition.is_emergency:
                    uow.cases.open_or_escalate(
                        conv.id,
                        disposition=signal.disposition,
                        reason=HandoffReason.RED_FLAG.value,
                        summary=summary,
                    )
                    uow.conversations.set_status(conv.id, ConversationStatus.HANDOFF)

    def _fail(
        self, uow: UnitOfWork, conversation_id: uuid.UUID, message: MessageRecord, text: str
    ) -> list[MessageRecord]:
        conv = uow.conversations.get(conversation_id)
        assert conv is not None
        reply = self._system(uow, conv, text)
        uow.messages.set_status(message.id, MessageStatus.FAILED)
        return [reply]

    def _system(self, uow: UnitOfWork, conv: ConversationRecord, text: str) -> MessageRecord:
        return uow.messages.append(
            conv.id,
            author=Author.SYSTEM,
            text=text,
            status=self._delivery.initial_status(conv.channel),
            channel=conv.channel,
        )


def _parse_reply(raw: Sequence[Mapping[str, Any]]) -> tuple[list[_BotReply], list[BridgeUpdate]]:
    """Visible replies and bridge updates from Rasa's answer, or :class:`RasaBadReply`."""
    try:
        visible, updates = split_messages(raw)
    except (KeyError, TypeError, ValueError) as exc:
        raise RasaBadReply("malformed bridge update") from exc
    replies: list[_BotReply] = []
    for message in visible:
        text = message.get("text")
        buttons = tuple(
            Button(title=b["title"], payload=b["payload"])
            for b in message.get("buttons") or ()
            if isinstance(b, Mapping)
            and isinstance(b.get("title"), str)
            and isinstance(b.get("payload"), str)
        )
        if isinstance(text, str) and (text.strip() or buttons):
            replies.append(_BotReply(text, buttons))
        elif buttons:
            replies.append(_BotReply("", buttons))
    if not updates:
        # Every bot turn runs a custom action, which always attaches a bridge update; without
        # one the action server failed (Rasa then answers 200 with an empty list).
        raise RasaBadReply("no bridge update in Rasa's answer")
    return replies, updates


def _disposition(value: str | None) -> Disposition | None:
    try:
        return Disposition(value) if value else None
    except ValueError:
        return None


def _ids(conversation_id: uuid.UUID, message: MessageRecord) -> str:
    return ids(conversation_id, message=message.id, seq=message.seq)
