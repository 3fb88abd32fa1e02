"""The patient message pipeline (``docs/architecture.md``, "A patient message, end to end").

Two steps, the same for every channel:

1. :meth:`MessagePipeline.accept`: validate, find or create the conversation, drop provider
   retries (same provider message id), store the message (``received``, encrypted) and
   **commit**. A webhook answers its provider right after this.
2. :meth:`MessagePipeline.process` (one message at a time per conversation): fetch
   attachments -> channel keywords (STOP / START / HELP) -> forget me (DELETE, YES DELETE)
   -> red-flag precheck -> route (case or Rasa) -> store the replies (queued in the outbox for
   push channels) and apply the bridge update -> mark the message ``processed``, all in one
   transaction that only commits if the message was still ``received`` (so a message is
   answered once even if two workers raced for it).

The web chat does both in its request (:meth:`receive`); push channels acknowledge after
step 1 and the inbound worker (:mod:`symcheck.gateway.services.inbound`) does step 2. Any
failure after the message is stored ends in a stored system reply with safe advice and the
message marked ``failed``: nothing is lost and the patient always gets an answer.

Logs carry ids and counts only, never text.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

import anyio.to_thread
from sqlalchemy.exc import IntegrityError

from connectors.base import (
    Channel,
    ChannelRegistry,
    ControlKeyword,
    InboundMessage,
)
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
from symcheck.gateway.identity import ChannelIdentity
from symcheck.gateway.locks import ConversationLocks
from symcheck.gateway.logsafe import describe, ids
from symcheck.gateway.options import GatewayOptions
from symcheck.gateway.rasa import RasaBadReply, RasaClient, RasaError
from symcheck.gateway.services.attachments import AttachmentFetcher
from symcheck.gateway.services.clinical_state import ClinicalState
from symcheck.gateway.services.erasure import AlreadyHandled, ErasureService
from symcheck.gateway.services.leases import renewing
from symcheck.gateway.services.replies import Delivery, Reply
from symcheck.gateway.text.erasure import is_erase_confirmation, is_erase_request
from symcheck.gateway.text.intents import GuardedText, guard_intent
from symcheck.gateway.text.validation import CheckedText, InputProblem, check_text
from symcheck.storage.models import (
    AttachmentStatus,
    Author,
    ConversationStatus,
    MessageStatus,
    utcnow,
)
from symcheck.storage.repositories import (
    CaseRecord,
    ConversationRecord,
    MediaRef,
    MessageRecord,
    UnitOfWork,
)

log = logging.getLogger("symcheck.gateway.pipeline")

REPORT_EMERGENCY = "/report_emergency"
# Urgency of a handoff whose disposition is not known yet: same-day, erring on the safe side.
DEFAULT_HANDOFF_DISPOSITION = Disposition.CONSULTATION_24


class UnknownConversation(LookupError):
    """The client named a conversation that does not exist (or not on its channel)."""


class StaleChoice(LookupError):
    """A button press that refers to no option the bot offers now (an older message's
    button, or the bot's while a clinician has the conversation): nothing is stored."""


@dataclass(frozen=True)
class InboundResult:
    """The web chat's answer. After an erasure ``conversation_id`` is ``None``."""

    conversation_id: uuid.UUID | None
    message_seq: int | None  # the stored patient message; None when nothing was stored
    replies: tuple[Reply, ...]
    erased: bool = False


@dataclass(frozen=True)
class Accepted:
    """A stored (or recognised duplicate) inbound message."""

    conversation: ConversationRecord
    message: MessageRecord | None  # None: nothing stored (an empty web message)
    duplicate: bool = False
    replies: tuple[MessageRecord, ...] = ()  # stored with it (the "message was cut" notice)


@dataclass(frozen=True)
class Processed:
    replies: tuple[MessageRecord, ...] = ()
    erased: bool = False


@dataclass(frozen=True)
class _Job:
    """One inbound message being processed, and what was read from it."""

    conversation_id: uuid.UUID
    message: MessageRecord
    guarded: GuardedText
    checked: CheckedText
    photos: tuple[AttachmentStatus, ...] = ()


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
        channels: ChannelRegistry,
        identity: ChannelIdentity,
        options: GatewayOptions | None = None,
    ) -> None:
        self._db = db
        self._rasa = rasa
        self._safety = safety
        self._locks = locks
        self._notifier = notifier
        self._delivery = delivery
        self._copy = copy
        self._max_chars = max_message_chars
        self._channels = channels
        self._identity = identity
        self._options = options or GatewayOptions()
        self._attachments = AttachmentFetcher(db, channels)
        self._erasure_service = ErasureService(
            db=db, channels=channels, notifier=notifier, copy=copy, options=self._options
        )

    # -- the web chat: both steps in the request ------------------------------------------

    async def receive(self, inbound: InboundMessage) -> InboundResult:
        """Store, check, route and answer one message, in the caller's request.

        Raises:
            UnknownConversation: the named conversation does not exist.
            Exception: only when the message could not even be stored (storage is down).
        """
        accepted = await self.accept(inbound, hold=True)
        conv = accepted.conversation
        if accepted.message is None:
            return InboundResult(conv.id, None, (Reply(self._copy.empty, Author.SYSTEM.value),))
        if accepted.duplicate:
            return InboundResult(conv.id, accepted.message.seq, ())
        lease = timedelta(seconds=self._options.inbound_lease_seconds)
        async with renewing(self._db, accepted.message.id, lease):
            processed = await self.process(accepted.message.id)
        if processed.erased:
            return InboundResult(
                None, None, (Reply(self._copy.erased, Author.SYSTEM.value),), erased=True
            )
        records = (*accepted.replies, *processed.replies)
        return InboundResult(
            conv.id, accepted.message.seq, tuple(Reply.from_record(r) for r in records)
        )

    # -- step 1: validate and store ------------------------------------------------------

    async def accept(self, inbound: InboundMessage, *, hold: bool = False) -> Accepted:
        """Store the message and commit (``hold``: the caller processes it itself, so it is
        stored with a lease and no worker takes it meanwhile).

        A provider's retry of a stored message (same provider message id) comes back as a
        duplicate, even when two deliveries race.

        Raises:
            UnknownConversation: the named conversation does not exist.
        """
        checked = check_text(inbound.text, self._max_chars)
        try:
            accepted = await self._db.run(lambda uow: self._store(uow, inbound, checked, hold))
        except IntegrityError:
            # A concurrent delivery of the same message, or a concurrent first message of
            # the same channel user, committed first: this time we find it.
            accepted = await self._db.run(lambda uow: self._store(uow, inbound, checked, hold))
        conv = accepted.conversation
        if accepted.message is not None and not accepted.duplicate:
            self._notifier.notify(conversation_topic(conv.id))
            log.info(
                "message received %s attachments=%d",
                _ids(accepted.message),
                len(inbound.attachments),
            )
        elif accepted.duplicate:
            log.info("duplicate delivery dropped %s", _ids(accepted.message))
        if accepted.replies:
            self._delivery.wake()
        return accepted

    def _store(
        self, uow: UnitOfWork, inbound: InboundMessage, checked: CheckedText, hold: bool
    ) -> Accepted:
        conv = self._conversation(uow, inbound)
        if inbound.provider_message_id:
            seen = uow.messages.find_by_channel_message_id(
                inbound.channel, inbound.provider_message_id
            )
            if seen is not None:
                return Accepted(conv, seen, duplicate=True)
        push = self._channels.is_push(inbound.channel)
        channel = self._channel(inbound.channel) if push else None
        if channel is not None and channel.inbound_opts_in and conv.opted_out:
            # The patient could write to us, so they can be messaged again (Telegram).
            uow.conversations.set_opted_out(conv.id, False)
            conv = replace(conv, opted_out_at=None)
        if inbound.unsupported is not None:
            return self._store_unsupported(uow, conv, inbound, checked)
        if not push and checked.problem is InputProblem.EMPTY:
            return Accepted(conv, None)
        latest_bot = uow.messages.latest_by(conv.id, Author.BOT)
        offered = latest_bot.buttons if latest_bot else ()
        command = channel.command(checked.text) if channel is not None else None
        if inbound.choice is not None:
            pressed = self._pressed(uow, conv, inbound.choice)
            if pressed is None:
                raise StaleChoice
            guarded = guard_intent(pressed.payload, offered)
        elif command is not None:
            # The channel's own fixed mapping (never patient-supplied): sent as is.
            guarded = GuardedText(command.payload, command)
        else:
            picked = self._picked_option(uow, conv, checked) if push else None
            guarded = guard_intent(picked.payload if picked else checked.text, offered)
        if not push and not guarded.text:  # only slashes
            return Accepted(conv, None)
        lease = timedelta(seconds=self._options.inbound_lease_seconds)
        message = uow.messages.append(
            conv.id,
            author=Author.PATIENT,
            text=guarded.button.title if guarded.button else checked.text,
            payload=guarded.button.payload if guarded.button else None,
            status=MessageStatus.RECEIVED,
            channel=inbound.channel,
            channel_message_id=inbound.provider_message_id,
            media=tuple(MediaRef(a.url, a.content_type) for a in inbound.attachments),
            lease_until=utcnow() + lease if hold else None,
        )
        replies: tuple[MessageRecord, ...] = ()
        if checked.truncated:
            notice = self._copy.truncated(self._max_chars)
            replies = (self._delivery.store(uow, conv, author=Author.SYSTEM, text=notice),)
        return Accepted(conv, message, replies=replies)

    def _store_unsupported(
        self,
        uow: UnitOfWork,
        conv: ConversationRecord,
        inbound: InboundMessage,
        checked: CheckedText,
    ) -> Accepted:
        """Something the bot cannot read (an edit, a voice note): kept for the clinician and
        answered at once with a notice and the safe advice; the bot is not asked."""
        message = uow.messages.append(
            conv.id,
            author=Author.PATIENT,
            text=checked.text,
            status=MessageStatus.PROCESSED,
            channel=inbound.channel,
            channel_message_id=inbound.provider_message_id,
        )
        notice = self._copy.unsupported(inbound.unsupported or "")
        reply = self._delivery.store(uow, conv, author=Author.SYSTEM, text=notice)
        return Accepted(conv, message, replies=(reply,))

    def _pressed(self, uow: UnitOfWork, conv: ConversationRecord, reference: str) -> Button | None:
        """The option a button press picks: only one of the bot's latest message, while the
        bot has the conversation and no clinician wrote since (system notices do not count)."""
        if conv.status == ConversationStatus.HANDOFF.value or conv.channel not in self._channels:
            return None
        bot = uow.messages.latest_by(conv.id, Author.BOT)
        if bot is None or not bot.buttons:
            return None
        clinician = uow.messages.latest_by(conv.id, Author.CLINICIAN)
        if clinician is not None and clinician.seq > bot.seq:
            return None
        return self._channels.get(conv.channel).pick(reference, bot.text, bot.buttons)

    def _picked_option(
        self, uow: UnitOfWork, conv: ConversationRecord, checked: CheckedText
    ) -> Button | None:
        """A digit answering the numbered options of the bot's latest message (SMS)."""
        if conv.status == ConversationStatus.HANDOFF.value:
            return None  # the latest question may be a clinician's, not the bot's
        latest = uow.messages.latest_outbound(conv.id)
        if latest is None or latest.author != Author.BOT.value or not latest.buttons:
            return None
        return self._channels.get(conv.channel).choose(checked.text, latest.buttons)

    def _conversation(self, uow: UnitOfWork, inbound: InboundMessage) -> ConversationRecord:
        if inbound.sender is not None and self._channels.is_push(inbound.channel):
            hashes = self._identity.candidates(inbound.channel, inbound.sender)
            conv = uow.conversations.find_by_channel_user(inbound.channel, hashes)
            if conv is None:
                return uow.conversations.create(
                    inbound.channel, channel_user_hash=hashes[0], channel_user=inbound.sender
                )
            if len(hashes) > 1:  # keys were rotated: re-key the lookup hash
                uow.conversations.set_channel_user_hash(conv.id, hashes[0])
            return conv
        if inbound.conversation_id is None:
            return uow.conversations.create(inbound.channel)
        conv = uow.conversations.get(inbound.conversation_id)
        if conv is None or conv.channel != inbound.channel:
            raise UnknownConversation(str(inbound.conversation_id))
        return conv

    async def set_reachable(self, channel: str, sender: str, *, reachable: bool) -> bool:
        """A push channel reports whether its user can be messaged (Telegram: the patient
        blocked or unblocked the bot). Changes an existing conversation only (blocking also
        cancels what was queued for it); returns whether one changed."""
        hashes = self._identity.candidates(channel, sender)

        def work(uow: UnitOfWork) -> uuid.UUID | None:
            conv = uow.conversations.find_by_channel_user(channel, hashes)
            if conv is None or conv.opted_out is not reachable:
                return None
            uow.conversations.set_opted_out(conv.id, not reachable)
            if not reachable:
                uow.outbox.cancel_open(conv.id)
            return conv.id

        changed = await self._db.run(work)
        if changed is not None:
            self._notifier.notify(conversation_topic(changed))
            log.info("channel reachability %s reachable=%s", ids(changed), reachable)
        return changed is not None

    # -- step 2: process -----------------------------------------------------------------

    async def process(self, message_id: uuid.UUID) -> Processed:
        """Process a stored ``received`` message once (a no-op for any other state)."""
        first = await self._db.run(lambda uow: uow.messages.get(message_id))
        if first is None or first.status != MessageStatus.RECEIVED.value:
            return Processed()
        conversation_id = first.conversation_id
        async with self._locks.hold(conversation_id):
            message = await self._db.run(lambda uow: uow.messages.get(message_id))
            if message is None or message.status != MessageStatus.RECEIVED.value:
                return Processed()
            job = self._job(message)
            result = await self._process(job)
        self._notifier.notify(conversation_topic(conversation_id))
        self._delivery.wake()
        return result

    async def give_up(self, message_id: uuid.UUID) -> Processed:
        """A message that failed processing too often: safe advice, marked ``failed``."""
        message = await self._db.run(lambda uow: uow.messages.get(message_id))
        if message is None or message.status != MessageStatus.RECEIVED.value:
            return Processed()
        async with self._locks.hold(message.conversation_id):
            job = self._job(message)
            try:
                out = await self._db.run(lambda uow: self._fail(uow, job, self._copy.unavailable))
            except AlreadyHandled:
                return Processed()
        log.error("message given up after %d attempts %s", message.attempts, _ids(job))
        self._notifier.notify(conversation_topic(message.conversation_id))
        self._delivery.wake()
        return Processed(tuple(out))

    def _job(self, message: MessageRecord) -> _Job:
        """Rebuild what the stored message says (it was cleaned and capped when stored)."""
        if message.payload:
            button = Button(title=message.text, payload=message.payload)
            return _Job(
                message.conversation_id,
                message,
                GuardedText(message.payload, button),
                CheckedText(message.text),
            )
        checked = check_text(message.text, self._max_chars)
        return _Job(message.conversation_id, message, guard_intent(checked.text, ()), checked)

    async def _process(self, job: _Job) -> Processed:
        emergencies: tuple[RedFlagRule, ...] = ()
        try:
            ctx = await self._db.run(lambda uow: self._load(uow, job.conversation_id))
            conv = ctx.conversation
            if job.message.media:
                job = replace(job, photos=await self._attachments.fetch(job.message))
            channel = self._channel(conv.channel)
            if channel is not None and not job.guarded.is_button:
                keyword = channel.control_keyword(job.message.text, opted_out=conv.opted_out)
                if keyword is not None:
                    return await self._db.run(lambda uow: self._keyword(uow, job, keyword))
            erasure = await self._erasure(ctx, job)
            if erasure is not None:
                return erasure
            check = await self._precheck(ctx, job)
            emergencies = check.new_emergencies if check else ()
            if conv.status == ConversationStatus.HANDOFF:
                out = await self._to_case(ctx, job, check, emergencies)
            elif conv.opted_out:
                out = await self._while_opted_out(ctx, job, check, emergencies)
            elif not job.guarded.text and not emergencies:
                text = None if job.photos else self._copy.empty
                out = await self._db.run(lambda uow: self._answer_locally(uow, job, text))
            else:
                out = await self._to_bot(ctx, job, check, emergencies)
            return Processed(tuple(out))
        except AlreadyHandled:
            log.info("message already handled elsewhere %s", _ids(job))
            return Processed()
        except Exception as exc:
            if isinstance(exc, RasaError):
                log.warning("bot unavailable %s: %s", _ids(job), exc)
            else:
                log.error("processing failed %s: %s", _ids(job), describe(exc))
            text = self._copy.emergency(emergencies) if emergencies else self._copy.unavailable
            try:
                out = await self._db.run(lambda uow: self._fail(uow, job, text))
            except AlreadyHandled:
                return Processed()
            return Processed(tuple(out))

    def _channel(self, name: str) -> Channel | None:
        return self._channels.get(name) if name in self._channels else None

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

    # -- channel keywords and forget me --------------------------------------------------

    def _keyword(self, uow: UnitOfWork, job: _Job, keyword: ControlKeyword) -> Processed:
        conv_id = job.conversation_id
        out: list[MessageRecord] = []
        if keyword is ControlKeyword.OPT_OUT:
            # The provider confirms STOP itself (carrier rules): we send nothing, ever.
            uow.conversations.set_opted_out(conv_id, True)
            uow.outbox.cancel_open(conv_id)
        elif keyword is ControlKeyword.OPT_IN:
            uow.conversations.set_opted_out(conv_id, False)
            out.append(self._system(uow, conv_id, self._copy.opted_in))
        else:
            out.append(self._system(uow, conv_id, self._copy.help(job.message.channel)))
        out.extend(self._complete(uow, job, MessageStatus.PROCESSED))
        log.info("channel keyword %s %s", keyword.value, _ids(job))
        return Processed(tuple(out))

    async def _erasure(self, ctx: _Context, job: _Job) -> Processed | None:
        """ "DELETE" asks to confirm; "YES DELETE" soon after erases; anything else goes on."""
        conv = ctx.conversation
        text = "" if job.guarded.is_button else job.message.text
        requested = conv.erase_requested_at
        window = self._options.erase_confirm_window
        if requested is not None and is_erase_confirmation(text) and utcnow() - requested < window:
            return await self._erase(conv, job)
        if is_erase_request(text):

            def ask(uow: UnitOfWork) -> Processed:
                uow.conversations.set_erase_requested(conv.id, utcnow())
                out = [self._system(uow, conv.id, self._copy.erase_prompt)]
                out.extend(self._complete(uow, job, MessageStatus.PROCESSED))
                return Processed(tuple(out))

            log.info("erasure requested %s", _ids(job))
            return await self._db.run(ask)
        if requested is not None:
            await self._db.run(lambda uow: uow.conversations.set_erase_requested(conv.id, None))
        return None

    async def _erase(self, conv: ConversationRecord, job: _Job) -> Processed:
        await self._erasure_service.erase(conv.id, job.message.id)
        return Processed(erased=True)

    # -- red flags and routing -----------------------------------------------------------

    async def _precheck(self, ctx: _Context, job: _Job) -> SafetyCheck | None:
        if job.guarded.is_button or not job.guarded.text:
            return None  # a button carries no free text to check
        try:
            return await anyio.to_thread.run_sync(
                self._safety.check, job.guarded.text, ctx.state.facts, ctx.state.fired_rule_ids
            )
        except Exception as exc:
            # The bot's engine evaluates the same rules after its turn; carry on without.
            log.error("red-flag precheck failed %s: %s", _ids(job), describe(exc))
            return None

    async def _to_case(
        self,
        ctx: _Context,
        job: _Job,
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
                out.append(self._system(uow, conv.id, self._copy.emergency(emergencies)))
            else:
                if raised_to is not None:
                    uow.cases.raise_urgency(conv.id, raised_to)
                if case is not None and case.status == "waiting" and case.waiting_notice_at is None:
                    out.append(self._system(uow, conv.id, self._copy.waiting_for_clinician))
                    uow.cases.mark_waiting_notice(case.id)
            out.extend(self._complete(uow, job, MessageStatus.PROCESSED))
            return out

        out = await self._db.run(work)
        self._notifier.notify(QUEUE_TOPIC)
        log.info(
            "message added to case %s new_rules=%d emergency_rules=%d replies=%d",
            _ids(job),
            len(check.new) if check is not None else 0,
            len(emergencies),
            len(out),
        )
        return out

    async def _while_opted_out(
        self,
        ctx: _Context,
        job: _Job,
        check: SafetyCheck | None,
        emergencies: tuple[RedFlagRule, ...],
    ) -> list[MessageRecord]:
        """The patient said STOP: nothing is sent and the bot is not asked, but an emergency
        still puts the conversation at the top of the clinician queue."""
        conv = ctx.conversation
        state = ctx.state.with_check(check) if check is not None else ctx.state

        def work(uow: UnitOfWork) -> list[MessageRecord]:
            out: list[MessageRecord] = []
            if emergencies:
                self._escalate(uow, conv, state, emergencies)
                # Stored for the clinician (not sent: the patient opted out).
                out.append(self._system(uow, conv.id, self._copy.emergency(emergencies)))
            elif check is not None:
                uow.conversations.set_clinical_state(conv.id, state.to_dict())
            out.extend(self._complete(uow, job, MessageStatus.PROCESSED))
            return out

        out = await self._db.run(work)
        if emergencies:
            self._notifier.notify(QUEUE_TOPIC)
        log.info("message while opted out %s emergency_rules=%d", _ids(job), len(emergencies))
        return out

    async def _to_bot(
        self,
        ctx: _Context,
        job: _Job,
        check: SafetyCheck | None,
        emergencies: tuple[RedFlagRule, ...],
    ) -> list[MessageRecord]:
        conv = ctx.conversation
        guarded, checked = job.guarded, job.checked
        state = ctx.state.with_check(check) if check is not None else ctx.state
        if emergencies:
            await self._db.run(lambda uow: self._escalate(uow, conv, state, emergencies))
            self._notifier.notify(QUEUE_TOPIC)
        elif checked.problem is not None and not guarded.is_button:
            text = self._copy.for_problem(checked)
            return await self._db.run(lambda uow: self._answer_locally(uow, job, text))
        if state.pending_restart:
            await self._rasa.restart(str(conv.id))
        text = guarded.text
        metadata: dict[str, Any] = {"channel": conv.channel}
        if emergencies:
            text = REPORT_EMERGENCY
            metadata["safety"] = {"rule_ids": [r.id for r in emergencies], "text": guarded.text}
        raw = await self._rasa.send(str(conv.id), text, metadata)
        replies, updates = _parse_reply(raw)
        out = await self._db.run(lambda uow: self._finish(uow, conv, job, state, replies, updates))
        if any(s.type is not SignalType.RESULT for u in updates for s in u.signals):
            self._notifier.notify(QUEUE_TOPIC)
        log.info(
            "bot answered %s replies=%d updates=%d emergency_rules=%d",
            _ids(job),
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

    def _answer_locally(self, uow: UnitOfWork, job: _Job, text: str | None) -> list[MessageRecord]:
        out = [self._system(uow, job.conversation_id, text)] if text else []
        out.extend(self._complete(uow, job, MessageStatus.PROCESSED))
        return out

    def _finish(
        self,
        uow: UnitOfWork,
        conv: ConversationRecord,
        job: _Job,
        state: ClinicalState,
        replies: Sequence[_BotReply],
        updates: Sequence[BridgeUpdate],
    ) -> list[MessageRecord]:
        out = [
            self._delivery.store(uow, conv.id, author=Author.BOT, text=r.text, buttons=r.buttons)
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
        out.extend(self._complete(uow, job, MessageStatus.PROCESSED))
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

    def _fail(self, uow: UnitOfWork, job: _Job, text: str) -> list[MessageRecord]:
        reply = self._system(uow, job.conversation_id, text)
        return [reply, *self._complete(uow, job, MessageStatus.FAILED)]

    def _complete(self, uow: UnitOfWork, job: _Job, status: MessageStatus) -> list[MessageRecord]:
        """Mark the message handled (or roll everything back if someone else did) and add
        the photo notice when it came with photos."""
        if not uow.messages.complete(job.message.id, status):
            raise AlreadyHandled
        if not job.photos:
            return []
        if all(s is not AttachmentStatus.STORED for s in job.photos):
            text = self._copy.photo_not_kept
        elif uow.cases.open_for_conversation(job.conversation_id) is not None:
            text = self._copy.photo_in_case
        else:
            text = self._copy.photo_no_case
        return [self._system(uow, job.conversation_id, text)]

    def _system(self, uow: UnitOfWork, conversation_id: uuid.UUID, text: str) -> MessageRecord:
        return self._delivery.store(uow, conversation_id, author=Author.SYSTEM, text=text)


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


def _ids(item: _Job | MessageRecord | None, **more: object) -> str:
    if item is None:
        return ids(None, **more)
    message = item.message if isinstance(item, _Job) else item
    return ids(message.conversation_id, message=message.id, seq=message.seq, **more)
