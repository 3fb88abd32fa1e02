"""SMS through the real stack (gateway, Rasa, action server) and a fake Twilio API on localhost,
under faults: forged webhooks, duplicate and out-of-order deliveries, 429 / 500 / permanent
errors, a gateway crash between receiving and replying, long replies, photos, STOP, DELETE.

Every test ends with an account of what the patient should have received (every stored reply
that was not deliberately withheld, rendered as the gateway renders it) against what the fake
Twilio accepted: lost and duplicated parts must both be 0. The totals are written to
``var/sms-fault-ledger.json``.
"""

from __future__ import annotations

import json
import os
import signal
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text

from connectors.twilio_sms import render_sms
from symcheck.crypto import Cipher
from symcheck.gateway.identity import ChannelIdentity
from symcheck.settings import REPO_ROOT
from symcheck.storage.db import build_engine, session_factory
from symcheck.storage.models import Attachment, Case, Conversation, Message, OutboxItem
from symcheck.storage.repositories import ConversationRecord, MessageRecord, Store
from tests.auxil.dashboard import Clinician
from tests.conftest import EMERGENCY_NUMBER, LiveStack
from tests.fakes.phone import SmsPhone
from tests.fakes.twilio import FakeTwilio, Reply

pytestmark = pytest.mark.stack

LEDGER_PATH = REPO_ROOT / "var" / "sms-fault-ledger.json"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(256)) * 4


class StackDb:
    """The stack's database, read (and decrypted) the way the gateway does."""

    def __init__(self, live_stack: LiveStack) -> None:
        keys = live_stack.env["SYMCHECK_ENCRYPTION_KEYS"]
        self.engine = build_engine(live_stack.database_url)
        self.store = Store(session_factory(self.engine), Cipher(keys))
        self.identity = ChannelIdentity([k for k in keys.split(",") if k])

    def conversation(self, number: str) -> ConversationRecord | None:
        hashes = self.identity.candidates("sms", number)
        with self.store.unit_of_work() as uow:
            return uow.conversations.find_by_channel_user("sms", hashes)

    def messages(self, number: str) -> list[MessageRecord]:
        conv = self.conversation(number)
        if conv is None:
            return []
        with self.store.unit_of_work() as uow:
            return uow.messages.list_after(conv.id)

    def settled(self, number: str) -> bool:
        """Nothing left to process or send for this patient."""
        conv = self.conversation(number)
        if conv is None:
            return True
        with self.store.unit_of_work() as uow:
            received = self.count(Message, conv.id, Message.status == "received")
            open_items = [
                i
                for i in uow.outbox.for_conversation(conv.id)
                if i.status in ("pending", "sending")
            ]
        return received == 0 and not open_items

    def wait_settled(self, number: str, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while not self.settled(number):
            if time.monotonic() > deadline:
                raise AssertionError(f"{number}: still processing or sending after {timeout}s")
            time.sleep(0.1)

    def scalar(self, sql: str, **params: Any) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()

    def count(self, model: Any, conversation_id: uuid.UUID, *where: Any) -> int:
        """Rows of ``model`` belonging to a conversation."""
        column = model.id if model is Conversation else model.conversation_id
        stmt = select(func.count()).select_from(model).where(column == conversation_id, *where)
        with self.store.unit_of_work() as uow:
            return int(uow.session.execute(stmt).scalar_one())


@dataclass
class Ledger:
    """Parts the patient should have received vs parts the fake Twilio accepted."""

    rows: list[dict[str, Any]] = field(default_factory=list)

    def expected(self, db: StackDb, number: str, *, withheld: tuple[str, ...]) -> list[str]:
        parts: list[str] = []
        for m in db.messages(number):
            if m.direction == "out" and m.status not in withheld:
                parts.extend(render_sms(m.text, m.buttons))
        return parts

    def account(
        self,
        name: str,
        db: StackDb,
        phone: SmsPhone,
        *,
        withheld: tuple[str, ...] = ("not_sent",),
        extra: tuple[str, ...] = (),
        expected: list[str] | None = None,
    ) -> None:
        """Wait until the patient's conversation settles, then compare and record."""
        db.wait_settled(phone.number)
        if expected is None:
            expected = self.expected(db, phone.number, withheld=withheld)
        want = expected + list(extra)
        got = phone.received()
        lost = sum((Counter(want) - Counter(got)).values())
        duplicated = sum((Counter(got) - Counter(want)).values())
        stored = [m for m in db.messages(phone.number) if m.author == "patient"]
        inbound_lost = 0
        if db.conversation(phone.number) is not None:  # (erased conversations keep nothing)
            with db.store.unit_of_work() as uow:
                found = {
                    sid
                    for sid in phone.sent_sids
                    if uow.messages.find_by_channel_message_id("sms", sid) is not None
                }
            inbound_lost = len(set(phone.sent_sids) - found)
        self.rows.append(
            {
                "test": name,
                "expected_parts": len(want),
                "received_parts": len(got),
                "lost": lost,
                "duplicated": duplicated,
                "inbound_webhooks": len(phone.sent_sids),
                "inbound_lost": inbound_lost,
                "patient_messages_stored": len(stored),
                "patient_messages_unprocessed": sum(m.status == "received" for m in stored),
            }
        )
        assert (lost, duplicated, inbound_lost) == (0, 0, 0), (want, got)
        assert got == want, "parts arrived out of order"


@pytest.fixture(scope="module")
def ledger() -> Iterator[Ledger]:
    book = Ledger()
    yield book
    totals = {
        "lost": sum(r["lost"] for r in book.rows),
        "duplicated": sum(r["duplicated"] for r in book.rows),
        "inbound_lost": sum(r["inbound_lost"] for r in book.rows),
        "expected_parts": sum(r["expected_parts"] for r in book.rows),
        "received_parts": sum(r["received_parts"] for r in book.rows),
        "tests": len(book.rows),
    }
    LEDGER_PATH.parent.mkdir(parents=True, exist_ok=True)
    LEDGER_PATH.write_text(json.dumps({"totals": totals, "tests": book.rows}, indent=2) + "\n")


@pytest.fixture(scope="module")
def db(live_stack: LiveStack) -> Iterator[StackDb]:
    stack_db = StackDb(live_stack)
    yield stack_db
    stack_db.engine.dispose()


@pytest.fixture
def twilio(live_stack: LiveStack) -> FakeTwilio:
    assert live_stack.twilio is not None
    return live_stack.twilio.fake


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=60) as client:
        yield client


@pytest.fixture
def phone(http: httpx.Client, live_stack: LiveStack, twilio: FakeTwilio) -> SmsPhone:
    return SmsPhone(http, live_stack.url, twilio)


def _new_phone(phone: SmsPhone) -> SmsPhone:
    return SmsPhone(phone.client, phone.gateway_url, phone.twilio)


# -- verification and de-duplication ---------------------------------------------------------


def test_forged_webhooks_are_refused_and_signed_ones_answered(
    phone: SmsPhone, db: StackDb, ledger: Ledger, live_stack: LiveStack
) -> None:
    params = phone.params("I have a sore throat quokkaforged")
    assert phone.deliver(params, signature="bm90IGEgc2lnbmF0dXJl").status_code == 403
    assert (
        phone.client.post(f"{live_stack.url}/webhooks/twilio/sms", data=params).status_code == 403
    )
    assert db.conversation(phone.number) is None
    started = time.monotonic()
    ack = phone.text("I have a sore throat")
    assert ack.status_code == 200
    assert ack.text == '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
    assert time.monotonic() - started < 2
    assert phone.wait_for(1)
    ledger.account("signed_vs_forged", db, phone)
    log = (live_stack.stack.log_dir / "gateway.log").read_text()
    assert "reason=bad_signature" in log
    assert "reason=missing_signature" in log
    assert "quokkaforged" not in log
    assert phone.number not in log


def test_duplicate_deliveries_are_processed_once(
    phone: SmsPhone, db: StackDb, ledger: Ledger
) -> None:
    params = phone.params("I have a sore throat")
    assert [phone.deliver(params).status_code for _ in range(3)] == [200, 200, 200]
    with ThreadPoolExecutor(4) as pool:  # and concurrently, as Twilio retries can overlap
        assert {r.status_code for r in pool.map(lambda _: phone.deliver(params), range(4))} == {200}
    db.wait_settled(phone.number)
    patient = [m for m in db.messages(phone.number) if m.author == "patient"]
    assert len(patient) == 1
    assert patient[0].status == "processed"
    ledger.account("duplicate_deliveries", db, phone)


def test_out_of_order_and_retried_deliveries_lose_and_double_nothing(
    phone: SmsPhone, db: StackDb, ledger: Ledger
) -> None:
    first = phone.params("I have a sore throat")
    second = phone.params("it started two days ago")
    for params in (second, first, second, first):  # the later text arrives first, then retries
        assert phone.deliver(params).status_code == 200
    db.wait_settled(phone.number)
    patient = [m for m in db.messages(phone.number) if m.author == "patient"]
    assert [m.text for m in patient] == ["it started two days ago", "I have a sore throat"]
    assert all(m.status == "processed" for m in patient)
    ledger.account("out_of_order_deliveries", db, phone)


# -- provider errors ------------------------------------------------------------------------


def test_429_then_accepted_is_delivered_once_after_retry_after(
    phone: SmsPhone, twilio: FakeTwilio, db: StackDb, ledger: Ledger
) -> None:
    twilio.fail_next(phone.number, Reply.too_many_requests(retry_after=1))
    phone.text("I have a sore throat")
    db.wait_settled(phone.number)
    attempts = twilio.attempts_to(phone.number)
    assert [a.status for a in attempts][:2] == [429, 201]
    assert attempts[1].at - attempts[0].at >= 0.95  # Retry-After respected
    ledger.account("429_then_201", db, phone)


def test_500_then_accepted_is_delivered_once(
    phone: SmsPhone, twilio: FakeTwilio, db: StackDb, ledger: Ledger
) -> None:
    twilio.fail_next(phone.number, Reply.server_error(500), Reply.server_error(502))
    phone.text("I have a sore throat")
    db.wait_settled(phone.number)
    assert [a.status for a in twilio.attempts_to(phone.number)][:3] == [500, 502, 201]
    ledger.account("500_then_201", db, phone)


def test_a_permanent_21610_is_not_retried_and_opts_the_patient_out(
    phone: SmsPhone, twilio: FakeTwilio, db: StackDb, ledger: Ledger
) -> None:
    twilio.opt_out(phone.number)
    phone.text("I have a sore throat")
    db.wait_settled(phone.number)
    assert [a.status for a in twilio.attempts_to(phone.number)] == [400]
    conv = db.conversation(phone.number)
    assert conv is not None
    assert conv.opted_out
    phone.text("are you there")
    db.wait_settled(phone.number)
    assert len(twilio.attempts_to(phone.number)) == 1
    ledger.account("permanent_21610", db, phone, withheld=("not_sent", "undelivered"))


# -- crashes -------------------------------------------------------------------------------


def test_a_crash_between_receiving_and_replying_replies_once_after_restart(
    phone: SmsPhone, live_stack: LiveStack, db: StackDb, ledger: Ledger
) -> None:
    """The gateway acknowledges, starts processing (Rasa frozen mid-turn), and is killed."""
    phones = [phone, _new_phone(phone), _new_phone(phone)]
    rasa = live_stack.stack.pids()["rasa"]
    os.killpg(rasa, signal.SIGSTOP)
    try:
        for p in phones:
            started = time.monotonic()
            assert p.text("I have a sore throat").status_code == 200
            assert time.monotonic() - started < 2  # acknowledged without the bot
        time.sleep(1.0)  # the worker has claimed them and is waiting for Rasa
        live_stack.stack.kill("gateway")
    finally:
        os.killpg(rasa, signal.SIGCONT)
    at_crash = [[m.status for m in db.messages(p.number)] for p in phones]
    assert at_crash == [["received"]] * 3
    live_stack.stack.restart("gateway")
    for p in phones:
        p.wait_for(1, timeout=90)
        db.wait_settled(p.number)
        patient = [m for m in db.messages(p.number) if m.author == "patient"]
        assert [(m.status, m.attempts) for m in patient] == [("processed", 2)]
        ledger.account("crash_between_receiving_and_replying", db, p)


def test_a_crash_while_a_reply_waits_for_its_retry_sends_it_once_after_restart(
    phone: SmsPhone, twilio: FakeTwilio, live_stack: LiveStack, db: StackDb, ledger: Ledger
) -> None:
    twilio.fail_next(phone.number, Reply.too_many_requests(retry_after=6))
    phone.text("I have a sore throat")
    deadline = time.monotonic() + 60
    while not any(i.status == "pending" and i.attempts == 1 for i in _outbox(db, phone.number)):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    live_stack.stack.kill("gateway")
    live_stack.stack.restart("gateway")
    ledger.account("crash_with_a_reply_waiting_to_retry", db, phone)
    assert [a.status for a in twilio.attempts_to(phone.number)][:2] == [429, 201]


def _outbox(db: StackDb, number: str) -> list[Any]:
    conv = db.conversation(number)
    if conv is None:
        return []
    with db.store.unit_of_work() as uow:
        return uow.outbox.for_conversation(conv.id)


# -- what SMS patients do --------------------------------------------------------------------


def _case_for(clinician: Clinician, db: StackDb, number: str) -> str:
    conv = db.conversation(number)
    assert conv is not None
    return str(clinician.case_for(str(conv.id))["id"])


@pytest.fixture
def clinician(live_stack: LiveStack) -> Iterator[Clinician]:
    with httpx.Client(base_url=live_stack.url, timeout=60) as client:
        doctor = Clinician(client)
        doctor.login(live_stack.demo_email, live_stack.demo_password)
        yield doctor


def test_long_replies_arrive_in_readable_parts_in_order(
    phone: SmsPhone, clinician: Clinician, db: StackDb, ledger: Ledger
) -> None:
    phone.text("I want to talk to a nurse")
    db.wait_settled(phone.number)
    case_id = _case_for(clinician, db, phone.number)
    sentences = [
        f"Sentence {i} of the clinician's advice, about fluids and rest." for i in range(20)
    ]
    advice = " ".join(sentences)  # 1,279 characters
    before = len(phone.received())
    clinician.reply(case_id, advice)
    db.wait_settled(phone.number)
    parts = phone.received()[before:]
    clinician.resolve(case_id)
    ledger.account("long_replies", db, phone)
    assert len(parts) > 1
    assert all(len(p) <= 320 for p in parts)
    total = len(parts)
    assert [p.rsplit(" ", 1)[1] for p in parts] == [f"({i}/{total})" for i in range(1, total + 1)]
    assert " ".join(p.rsplit(" ", 1)[0] for p in parts) == advice  # whole words, in order


def test_photos_are_stored_encrypted_and_shown_in_the_case(
    phone: SmsPhone, twilio: FakeTwilio, clinician: Clinician, db: StackDb, ledger: Ledger
) -> None:
    phone.text("I want to talk to a nurse about a rash")
    db.wait_settled(phone.number)
    url = twilio.add_media("image/png", PNG)
    phone.text("here it is", media=((url, "image/png"),))
    db.wait_settled(phone.number)
    assert "a clinician will see it" in phone.received()[-1]
    raw = db.scalar(
        "SELECT data_enc FROM attachments WHERE status = 'stored' ORDER BY created_at DESC LIMIT 1"
    )
    assert raw is not None
    assert PNG[16:80] not in bytes(raw)
    case_id = _case_for(clinician, db, phone.number)
    transcript = clinician.client.get(f"/dashboard/api/cases/{case_id}/messages").json()
    [photo] = [a for m in transcript["messages"] for a in m.get("attachments", [])]
    image = clinician.client.get(photo["url"])
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/png"
    assert image.content == PNG
    assert photo["url"] in clinician.client.get(f"/dashboard/cases/{case_id}").text
    clinician.resolve(case_id)
    ledger.account("photos", db, phone)


def test_stop_then_a_message_sends_nothing_then_start_resumes(
    phone: SmsPhone, db: StackDb, ledger: Ledger
) -> None:
    phone.text("I have a sore throat")
    db.wait_settled(phone.number)
    before = len(phone.received())
    phone.text("STOP")
    phone.text("it is getting worse")
    db.wait_settled(phone.number)
    assert len(phone.quiet_for(1.0)) == before
    phone.text("START")
    db.wait_settled(phone.number)
    welcome = phone.received()[-1]
    assert "again" in welcome
    assert EMERGENCY_NUMBER in welcome
    ledger.account("stop_message_start", db, phone)


def test_an_opted_out_emergency_goes_to_the_top_of_the_queue_without_a_text(
    phone: SmsPhone, clinician: Clinician, db: StackDb, ledger: Ledger
) -> None:
    phone.text("STOP")
    phone.text("I have crushing chest pain and I am sweating")
    db.wait_settled(phone.number)
    assert phone.received() == []
    conv = db.conversation(phone.number)
    assert conv is not None
    entry = clinician.case_for(str(conv.id))
    assert entry["urgency"] == 4
    assert clinician.queue()[0]["urgency"] == 4
    clinician.resolve(entry["id"])
    ledger.account("opted_out_emergency", db, phone)


def test_delete_then_confirm_erases_everything_and_confirms(
    phone: SmsPhone, twilio: FakeTwilio, db: StackDb, ledger: Ledger
) -> None:
    url = twilio.add_media("image/png", PNG)
    phone.text("I have a rash", media=((url, "image/png"),))
    phone.text("DELETE")
    db.wait_settled(phone.number)
    assert "YES DELETE" in phone.received()[-1]
    conv = db.conversation(phone.number)
    assert conv is not None
    expected = ledger.expected(db, phone.number, withheld=("not_sent",))
    erasures = db.scalar("SELECT count(*) FROM erasures")
    phone.text("YES DELETE")
    twilio.wait_for(phone.number, len(expected) + 1)
    assert "erased" in phone.received()[-1]
    assert db.conversation(phone.number) is None
    for model in (Conversation, Message, Attachment, OutboxItem, Case):
        assert db.count(model, conv.id) == 0, model.__tablename__
    assert db.scalar("SELECT count(*) FROM rasa_trackers WHERE sender_id = :s", s=str(conv.id)) == 0
    assert db.scalar("SELECT count(*) FROM erasures") == erasures + 1
    ledger.account(
        "delete_and_confirm", db, phone, expected=expected, extra=(phone.received()[-1],)
    )


def test_the_ledger_has_no_loss_and_no_duplicate(ledger: Ledger) -> None:
    """Runs last in this module: the totals over every fault above."""
    assert ledger.rows
    assert sum(r["lost"] for r in ledger.rows) == 0
    assert sum(r["duplicated"] for r in ledger.rows) == 0
