from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import text, update
from sqlalchemy.exc import IntegrityError

from symcheck.clinical.dispositions import Disposition
from symcheck.storage.models import Case, utcnow
from symcheck.storage.repositories import ConflictError, NotFoundError, Store

SUMMARY = {"chief_complaint": "chest pain zebra", "age_years": 54}


def _conversation(store: Store) -> uuid.UUID:
    with store.unit_of_work() as uow:
        return uow.conversations.create().id


def _clinician(store: Store, email: str = "a@clinic.test") -> uuid.UUID:
    with store.unit_of_work() as uow:
        return uow.clinicians.create(email, "Dr A", "correct horse battery").id


def test_open_creates_one_case_then_escalates_it(store: Store) -> None:
    conv = _conversation(store)
    with store.unit_of_work() as uow:
        case, created = uow.cases.open_or_escalate(
            conv, disposition=Disposition.CONSULTATION, reason="patient_request", summary=SUMMARY
        )
        again, created_again = uow.cases.open_or_escalate(
            conv, disposition=Disposition.EMERGENCY_AMBULANCE, reason="red_flag"
        )
    assert created
    assert not created_again
    assert again.id == case.id
    assert again.urgency == 4
    assert again.disposition == "emergency_ambulance"
    assert again.reason == "patient_request"  # the original reason and place in the queue stay
    assert again.waiting_since == case.waiting_since
    assert again.summary == SUMMARY


def test_urgency_is_never_lowered(store: Store) -> None:
    conv = _conversation(store)
    with store.unit_of_work() as uow:
        uow.cases.open_or_escalate(conv, disposition=Disposition.EMERGENCY, reason="red_flag")
        lowered, _ = uow.cases.open_or_escalate(
            conv, disposition=Disposition.SELF_CARE, reason="patient_request"
        )
        raised = uow.cases.raise_urgency(conv, Disposition.CONSULTATION)
    assert lowered.urgency == 3
    assert lowered.disposition == "emergency"
    assert raised is not None
    assert raised.urgency == 3


def test_raise_without_open_case(store: Store) -> None:
    conv = _conversation(store)
    with store.unit_of_work() as uow:
        assert uow.cases.raise_urgency(conv, Disposition.EMERGENCY) is None


def test_summary_is_ciphertext_at_rest(store: Store) -> None:
    conv = _conversation(store)
    with store.unit_of_work() as uow:
        uow.cases.open_or_escalate(
            conv, disposition=Disposition.EMERGENCY, reason="red_flag", summary=SUMMARY
        )
    with store.unit_of_work() as uow:
        raw = uow.session.execute(text("SELECT summary_enc FROM cases")).scalar_one()
    assert raw.startswith("gAAAA")
    assert "zebra" not in raw


def test_queue_orders_by_urgency_then_waiting_time(store: Store) -> None:
    convs = [_conversation(store) for _ in range(4)]
    plan = [
        Disposition.CONSULTATION,
        Disposition.EMERGENCY,
        Disposition.EMERGENCY,
        Disposition.EMERGENCY_AMBULANCE,
    ]
    base = utcnow()
    with store.unit_of_work() as uow:
        ids = []
        for i, (conv, disp) in enumerate(zip(convs, plan, strict=True)):
            case, _ = uow.cases.open_or_escalate(conv, disposition=disp, reason="red_flag")
            # make case 2 wait longer than case 1
            waited = {1: 5, 2: 10}.get(i, 0)
            uow.session.execute(
                update(Case)
                .where(Case.id == case.id)
                .values(waiting_since=base - timedelta(minutes=waited))
            )
            ids.append(case.id)
    with store.unit_of_work() as uow:
        queue = [c.id for c in uow.cases.queue()]
    assert queue == [ids[3], ids[2], ids[1], ids[0]]


def test_claim_and_resolve(store: Store) -> None:
    conv = _conversation(store)
    alice, bob = _clinician(store, "alice@c.test"), _clinician(store, "bob@c.test")
    with store.unit_of_work() as uow:
        case, _ = uow.cases.open_or_escalate(conv, disposition=Disposition.EMERGENCY, reason="r")
    with store.unit_of_work() as uow:
        claimed = uow.cases.claim(case.id, alice)
        assert uow.cases.claim(case.id, alice).status == "active"  # idempotent
        with pytest.raises(ConflictError):
            uow.cases.claim(case.id, bob)
    assert claimed.status == "active"
    assert claimed.claimed_by == alice
    with store.unit_of_work() as uow:
        resolved = uow.cases.resolve(case.id, alice)
        assert uow.cases.open_for_conversation(conv) is None
        assert uow.cases.queue() == []
        with pytest.raises(ConflictError):
            uow.cases.resolve(case.id, alice)
        with pytest.raises(ConflictError):
            uow.cases.claim(case.id, alice)
    assert resolved.status == "resolved"
    assert resolved.resolved_at is not None
    # after resolving, a new case can be opened for the same conversation
    with store.unit_of_work() as uow:
        new, created = uow.cases.open_or_escalate(
            conv, disposition=Disposition.CONSULTATION, reason="r"
        )
    assert created
    assert new.id != case.id


def test_unknown_case(store: Store) -> None:
    with store.unit_of_work() as uow:
        assert uow.cases.get(uuid.uuid4()) is None
        with pytest.raises(NotFoundError):
            uow.cases.claim(uuid.uuid4(), uuid.uuid4())


def test_waiting_notice_is_recorded(store: Store) -> None:
    conv = _conversation(store)
    with store.unit_of_work() as uow:
        case, _ = uow.cases.open_or_escalate(conv, disposition=Disposition.CONSULTATION, reason="r")
        uow.cases.mark_waiting_notice(case.id)
        assert uow.cases.get(case.id).waiting_notice_at is not None  # type: ignore[union-attr]


def test_database_refuses_a_second_open_case(store: Store) -> None:
    conv = _conversation(store)
    now = utcnow()

    def second_open_case() -> None:
        with store.unit_of_work() as uow:
            for _ in range(2):
                uow.session.add(
                    Case(
                        id=uuid.uuid4(),
                        conversation_id=conv,
                        status="waiting",
                        urgency=1,
                        disposition="consultation",
                        reason="r",
                        created_at=now,
                        waiting_since=now,
                        updated_at=now,
                    )
                )
                uow.session.flush()

    with pytest.raises(IntegrityError):
        second_open_case()
