"""Telegram through the real stack (gateway, Rasa, action server) and a fake Telegram Bot API
on localhost, under faults: forged webhooks, duplicate and out-of-order deliveries, 429 / 500
/ permanent errors, a gateway crash between receiving and replying, long replies, photos,
button presses, commands, DELETE.

Every test ends with an account of what the patient should have received (every stored reply
that was not deliberately withheld, rendered as the gateway renders it) against what the fake
Telegram accepted: lost and duplicated messages must both be 0, and every acknowledged update
must be stored. The totals are written to ``var/telegram-fault-ledger.json``.
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from connectors.telegram import render_telegram
from symcheck.settings import REPO_ROOT
from symcheck.storage.models import Attachment, Case, Conversation, Message, OutboxItem
from symcheck.storage.repositories import ConversationRecord, MessageRecord
from tests.auxil.dashboard import Clinician
from tests.conftest import CLINIC_NAME, EMERGENCY_NUMBER, LiveStack
from tests.fakes.telegram import BOT_TOKEN, FakeTelegram, Reply, TelegramPatient
from tests.integration.test_sms_faults import StackDb

pytestmark = pytest.mark.stack

LEDGER_PATH = REPO_ROOT / "var" / "telegram-fault-ledger.json"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
WEBHOOK = "/webhooks/telegram/updates"


class TelegramDb(StackDb):
    """The stack's database, looked up by Telegram chat id."""

    def conversation(self, number: str) -> ConversationRecord | None:
        hashes = self.identity.candidates("telegram", number)
        with self.store.unit_of_work() as uow:
            return uow.conversations.find_by_channel_user("telegram", hashes)


@dataclass
class Ledger:
    """Messages the patient should have received vs messages the fake Telegram accepted."""

    rows: list[dict[str, Any]] = field(default_factory=list)

    def expected(self, db: TelegramDb, chat: str, *, withheld: tuple[str, ...]) -> list[str]:
        texts: list[str] = []
        for m in db.messages(chat):
            if m.direction == "out" and m.status not in withheld:
                texts.extend(t for t, _ in render_telegram(m.text, m.buttons))
        return texts

    def account(
        self,
        name: str,
        db: TelegramDb,
        patient: TelegramPatient,
        *,
        withheld: tuple[str, ...] = ("not_sent",),
        extra: tuple[str, ...] = (),
        expected: list[str] | None = None,
        not_stored: tuple[str, ...] = (),
    ) -> None:
        """Wait until the patient's conversation settles, then compare and record."""
        chat = str(patient.chat_id)
        db.wait_settled(chat)
        if expected is None:
            expected = self.expected(db, chat, withheld=withheld)
        want = expected + list(extra)
        got = patient.received()
        lost = sum((Counter(want) - Counter(got)).values())
        duplicated = sum((Counter(got) - Counter(want)).values())
        stored = [m for m in db.messages(chat) if m.author == "patient"]
        should_be_stored = [d for d in patient.delivered if d not in not_stored]
        inbound_lost = 0
        if db.conversation(chat) is not None:  # (erased conversations keep nothing)
            with db.store.unit_of_work() as uow:
                found = {
                    d
                    for d in should_be_stored
                    if uow.messages.find_by_channel_message_id("telegram", d) is not None
                }
            inbound_lost = len(set(should_be_stored) - found)
        self.rows.append(
            {
                "test": name,
                "expected_messages": len(want),
                "received_messages": len(got),
                "lost": lost,
                "duplicated": duplicated,
                "inbound_updates": len(should_be_stored),
                "inbound_lost": inbound_lost,
                "patient_messages_stored": len(stored),
                "patient_messages_unprocessed": sum(m.status == "received" for m in stored),
            }
        )
        assert (lost, duplicated, inbound_lost) == (0, 0, 0), (want, got)
        assert got == want, "messages arrived out of order"


@pytest.fixture(scope="module")
def ledger() -> Iterator[Ledger]:
    book = Ledger()
    yield book
    totals = {
        "lost": sum(r["lost"] for r in book.rows),
        "duplicated": sum(r["duplicated"] for r in book.rows),
        "inbound_lost": sum(r["inbound_lost"] for r in book.rows),
        "expected_messages": sum(r["expected_messages"] for r in book.rows),
        "received_messages": sum(r["received_messages"] for r in book.rows),
        "tests": len(book.rows),
    }
    LEDGER_PATH.parent.mkdir(parents=True, exist_ok=True)
    LEDGER_PATH.write_text(json.dumps({"totals": totals, "tests": book.rows}, indent=2) + "\n")


@pytest.fixture(scope="module")
def db(live_stack: LiveStack) -> Iterator[TelegramDb]:
    stack_db = TelegramDb(live_stack)
    yield stack_db
    stack_db.engine.dispose()


@pytest.fixture
def telegram(live_stack: LiveStack) -> FakeTelegram:
    assert live_stack.telegram is not None
    return live_stack.telegram.fake


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=60) as client:
        yield client


@pytest.fixture
def patient(http: httpx.Client, live_stack: LiveStack, telegram: FakeTelegram) -> TelegramPatient:
    return _new_patient(http, live_stack, telegram)


def _new_patient(
    http: httpx.Client, live_stack: LiveStack, telegram: FakeTelegram
) -> TelegramPatient:
    return TelegramPatient(http, live_stack.url + WEBHOOK, telegram, telegram.new_user())


@pytest.fixture
def clinician(live_stack: LiveStack) -> Iterator[Clinician]:
    with httpx.Client(base_url=live_stack.url, timeout=60) as client:
        doctor = Clinician(client)
        doctor.login(live_stack.demo_email, live_stack.demo_password)
        yield doctor


def _chat(patient: TelegramPatient) -> str:
    return str(patient.chat_id)


def _case_for(clinician: Clinician, db: TelegramDb, patient: TelegramPatient) -> str:
    conv = db.conversation(_chat(patient))
    assert conv is not None
    return str(clinician.case_for(str(conv.id))["id"])


def _patient_messages(db: TelegramDb, patient: TelegramPatient) -> list[MessageRecord]:
    return [m for m in db.messages(_chat(patient)) if m.author == "patient"]


# -- verification and de-duplication ---------------------------------------------------------


def test_forged_webhooks_are_refused_and_genuine_ones_answered(
    patient: TelegramPatient, db: TelegramDb, ledger: Ledger, live_stack: LiveStack
) -> None:
    update = patient.telegram.text_update(patient.user, "I have a sore throat quokkaforged")
    assert patient.deliver(update, secret="forged-secret-forged-secret-forged").status_code == 403
    body = json.dumps(update).encode()
    assert patient.client.post(patient.webhook_url, content=body).status_code == 403
    assert db.conversation(_chat(patient)) is None
    started = time.monotonic()
    ack = patient.text("I have a sore throat")
    assert ack.status_code == 200
    assert time.monotonic() - started < 2
    assert patient.wait_for(1)
    ledger.account("genuine_vs_forged", db, patient)
    log = (live_stack.stack.log_dir / "gateway.log").read_text()
    assert "reason=bad_secret" in log
    assert "reason=missing_secret" in log
    for secret in ("quokkaforged", _chat(patient), BOT_TOKEN.split(":")[1], "sore throat"):
        assert secret not in log


def test_duplicate_deliveries_are_processed_once(
    patient: TelegramPatient, db: TelegramDb, ledger: Ledger
) -> None:
    update = patient.telegram.text_update(patient.user, "I have a sore throat")
    assert [patient.deliver(update).status_code for _ in range(3)] == [200, 200, 200]
    with ThreadPoolExecutor(4) as pool:  # and concurrently, as Telegram's retries can overlap
        assert {r.status_code for r in pool.map(lambda _: patient.deliver(update), range(4))} == {
            200
        }
    db.wait_settled(_chat(patient))
    [stored] = _patient_messages(db, patient)
    assert stored.status == "processed"
    ledger.account("duplicate_deliveries", db, patient)


def test_out_of_order_and_retried_deliveries_lose_and_double_nothing(
    patient: TelegramPatient, db: TelegramDb, ledger: Ledger
) -> None:
    first = patient.telegram.text_update(patient.user, "I have a sore throat")
    second = patient.telegram.text_update(patient.user, "it started two days ago")
    for update in (second, first, second, first):
        assert patient.deliver(update).status_code == 200
    db.wait_settled(_chat(patient))
    stored = _patient_messages(db, patient)
    assert [m.text for m in stored] == ["it started two days ago", "I have a sore throat"]
    assert all(m.status == "processed" for m in stored)
    ledger.account("out_of_order_deliveries", db, patient)


# -- Bot API errors ---------------------------------------------------------------------------


def test_429_then_accepted_is_delivered_once_after_retry_after(
    patient: TelegramPatient, telegram: FakeTelegram, db: TelegramDb, ledger: Ledger
) -> None:
    telegram.fail_next(patient.chat_id, Reply.too_many_requests(retry_after=1))
    patient.text("I have a sore throat")
    db.wait_settled(_chat(patient))
    attempts = telegram.attempts_to(patient.chat_id)
    assert [a.status for a in attempts][:2] == [429, 200]
    assert attempts[1].at - attempts[0].at >= 0.95  # parameters.retry_after respected
    ledger.account("429_then_200", db, patient)


def test_500_then_accepted_is_delivered_once(
    patient: TelegramPatient, telegram: FakeTelegram, db: TelegramDb, ledger: Ledger
) -> None:
    telegram.fail_next(patient.chat_id, Reply.server_error(), Reply.bad_gateway())
    patient.text("I have a sore throat")
    db.wait_settled(_chat(patient))
    assert [a.status for a in telegram.attempts_to(patient.chat_id)][:3] == [500, 502, 200]
    ledger.account("500_then_200", db, patient)


def test_a_blocked_bot_is_not_retried_and_opts_the_patient_out_until_they_write(
    patient: TelegramPatient, telegram: FakeTelegram, db: TelegramDb, ledger: Ledger
) -> None:
    telegram.block(patient.chat_id)
    patient.text("I have a sore throat")
    db.wait_settled(_chat(patient))
    assert [a.status for a in telegram.attempts_to(patient.chat_id)] == [403]
    conv = db.conversation(_chat(patient))
    assert conv is not None
    assert conv.opted_out
    telegram.unblock(patient.chat_id)  # only an unblocked bot receives messages
    patient.text("are you there")
    patient.wait_for(1)
    conv = db.conversation(_chat(patient))
    assert conv is not None
    assert not conv.opted_out
    ledger.account("permanent_403_blocked", db, patient, withheld=("not_sent", "undelivered"))


# -- crashes -------------------------------------------------------------------------------


def test_a_crash_between_receiving_and_replying_replies_once_after_restart(
    patient: TelegramPatient,
    http: httpx.Client,
    live_stack: LiveStack,
    telegram: FakeTelegram,
    db: TelegramDb,
    ledger: Ledger,
) -> None:
    """The gateway acknowledges, starts processing (Rasa frozen mid-turn), and is killed."""
    patients = [patient, _new_patient(http, live_stack, telegram)]
    rasa = live_stack.stack.pids()["rasa"]
    os.killpg(rasa, signal.SIGSTOP)
    try:
        for p in patients:
            started = time.monotonic()
            assert p.text("I have a sore throat").status_code == 200
            assert time.monotonic() - started < 2  # acknowledged without the bot
        time.sleep(1.0)  # the worker has claimed them and is waiting for Rasa
        live_stack.stack.kill("gateway")
    finally:
        os.killpg(rasa, signal.SIGCONT)
    assert [[m.status for m in db.messages(_chat(p))] for p in patients] == [["received"]] * 2
    live_stack.stack.restart("gateway")
    for p in patients:
        p.wait_for(1, timeout=90)
        db.wait_settled(_chat(p))
        assert [(m.status, m.attempts) for m in _patient_messages(db, p)] == [("processed", 2)]
        ledger.account("crash_between_receiving_and_replying", db, p)


# -- what Telegram patients do ---------------------------------------------------------------


def test_commands_start_help_restart(
    patient: TelegramPatient, db: TelegramDb, ledger: Ledger
) -> None:
    patient.text("/start")
    db.wait_settled(_chat(patient))
    greeting = patient.received()
    assert greeting
    assert any(EMERGENCY_NUMBER in t for t in greeting)
    before = len(patient.received())
    patient.text("/help")
    db.wait_settled(_chat(patient))
    [help_text] = patient.received()[before:]
    assert CLINIC_NAME in help_text
    assert f"call {EMERGENCY_NUMBER}" in help_text
    patient.text("/restart")
    db.wait_settled(_chat(patient))
    assert [m.payload for m in _patient_messages(db, patient)] == [
        "/greet",
        None,
        "/restart_conversation",
    ]
    ledger.account("commands", db, patient)


def test_inline_keyboard_buttons_answer_the_bot_and_old_ones_do_nothing(
    patient: TelegramPatient, telegram: FakeTelegram, db: TelegramDb, ledger: Ledger
) -> None:
    keyboard = None
    for text in ("I have a sore throat", "it started two days ago", "34"):
        patient.text(text)
        db.wait_settled(_chat(patient))
        keyboard = next((m for m in reversed(patient.messages()) if m.buttons), None)
        if keyboard is not None and len(keyboard.buttons) >= 2:
            break
    assert keyboard is not None, patient.received()
    update = telegram.press_update(patient.user, keyboard, 0)
    assert patient.deliver(update).status_code == 200
    db.wait_settled(_chat(patient))
    pressed = _patient_messages(db, patient)[-1]
    assert pressed.payload is not None
    assert pressed.text == keyboard.buttons[0]["text"]
    query_id = update["callback_query"]["id"]
    deadline = time.monotonic() + 10
    while not telegram.answers_for(query_id):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    # The same keyboard again: answered with a notice, nothing stored.
    stale = telegram.press_update(patient.user, keyboard, 0)
    assert patient.deliver(stale).status_code == 200
    stale_id = stale["callback_query"]["id"]
    while not telegram.answers_for(stale_id):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert "no longer active" in telegram.answers_for(stale_id)[0]["text"]
    stale_stored_id = patient.delivered[-1]
    ledger.account("buttons", db, patient, not_stored=(stale_stored_id,))


def test_long_replies_arrive_in_parts_within_the_limit_in_order(
    patient: TelegramPatient, clinician: Clinician, db: TelegramDb, ledger: Ledger
) -> None:
    patient.text("I want to talk to a nurse")
    db.wait_settled(_chat(patient))
    case_id = _case_for(clinician, db, patient)
    # 3,989 characters (under the dashboard's 4,000), 5,129 UTF-16 units (over Telegram's 4,096).
    advice = " ".join(f"s{i:03d}\U0001f48a\U0001f48a" for i in range(570))
    before = len(patient.received())
    clinician.reply(case_id, advice)
    db.wait_settled(_chat(patient))
    parts = patient.received()[before:]
    clinician.resolve(case_id)
    ledger.account("long_replies", db, patient)
    assert len(parts) == 2
    assert all(len(p.encode("utf-16-le")) // 2 <= 4096 for p in parts)
    assert " ".join(parts) == advice  # whole words, in order


def test_photos_are_stored_encrypted_and_shown_in_the_case(
    patient: TelegramPatient,
    telegram: FakeTelegram,
    clinician: Clinician,
    db: TelegramDb,
    ledger: Ledger,
) -> None:
    patient.text("I want to talk to a nurse about a rash")
    db.wait_settled(_chat(patient))
    patient.deliver(telegram.photo_update(patient.user, PNG, caption="here it is"))
    db.wait_settled(_chat(patient))
    assert "a clinician will see it" in patient.received()[-1]
    raw = db.scalar(
        "SELECT data_enc FROM attachments WHERE status = 'stored' ORDER BY created_at DESC LIMIT 1"
    )
    assert raw is not None
    assert PNG[16:80] not in bytes(raw)
    case_id = _case_for(clinician, db, patient)
    transcript = clinician.client.get(f"/dashboard/api/cases/{case_id}/messages").json()
    [photo] = [a for m in transcript["messages"] for a in m.get("attachments", [])]
    image = clinician.client.get(photo["url"])
    assert image.status_code == 200
    assert image.content == PNG
    clinician.resolve(case_id)
    ledger.account("photos", db, patient)


def test_delete_then_confirm_erases_everything_and_confirms(
    patient: TelegramPatient, telegram: FakeTelegram, db: TelegramDb, ledger: Ledger
) -> None:
    patient.deliver(telegram.photo_update(patient.user, PNG, caption="I have a rash"))
    patient.text("DELETE")
    db.wait_settled(_chat(patient))
    assert "YES DELETE" in patient.received()[-1]
    conv = db.conversation(_chat(patient))
    assert conv is not None
    expected = ledger.expected(db, _chat(patient), withheld=("not_sent",))
    erasures = db.scalar("SELECT count(*) FROM erasures")
    patient.text("YES DELETE")
    telegram.wait_for(patient.chat_id, len(expected) + 1)
    assert "erased" in patient.received()[-1]
    assert db.conversation(_chat(patient)) is None
    for model in (Conversation, Message, Attachment, OutboxItem, Case):
        assert db.count(model, conv.id) == 0, model.__tablename__
    assert db.scalar("SELECT count(*) FROM rasa_trackers WHERE sender_id = :s", s=str(conv.id)) == 0
    assert db.scalar("SELECT count(*) FROM erasures") == erasures + 1
    ledger.account(
        "delete_and_confirm", db, patient, expected=expected, extra=(patient.received()[-1],)
    )


def test_the_ledger_has_no_loss_and_no_duplicate(ledger: Ledger) -> None:
    """Runs last in this module: the totals over every fault above."""
    assert ledger.rows
    assert sum(r["lost"] for r in ledger.rows) == 0
    assert sum(r["duplicated"] for r in ledger.rows) == 0
