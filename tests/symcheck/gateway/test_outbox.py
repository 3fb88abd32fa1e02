"""The outbox worker's retry schedule (pure) and its order guarantees."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from symcheck.gateway.services.outbox import backoff_delay
from tests.fakes.twilio import FakeTwilio, Reply
from tests.symcheck.gateway.sms_helpers import SmsPatient, new_number


def test_backoff_doubles_up_to_the_cap_with_jitter() -> None:
    low = [backoff_delay(n, base=1, cap=60, rand=lambda: 0.0) for n in range(1, 9)]
    high = [backoff_delay(n, base=1, cap=60, rand=lambda: 1.0) for n in range(1, 9)]
    assert low == [0.5, 1, 2, 4, 8, 16, 30, 30]
    assert high == [1, 2, 4, 8, 16, 32, 60, 60]


def test_backoff_respects_retry_after() -> None:
    assert backoff_delay(1, base=1, cap=60, retry_after=20, rand=lambda: 0.5) == 20
    assert backoff_delay(8, base=1, cap=60, retry_after=5, rand=lambda: 0.0) == 30
    # A Retry-After longer than our cap still wins: the provider said so.
    assert backoff_delay(1, base=1, cap=60, retry_after=120, rand=lambda: 0.0) == 120


@pytest.fixture
def app(sms_app: FastAPI) -> FastAPI:
    return sms_app


async def test_a_retrying_reply_holds_back_the_next_one(
    client: object, signer: object, fake_twilio: FakeTwilio
) -> None:
    patient = SmsPatient(client, signer, fake_twilio, new_number())  # type: ignore[arg-type]
    fake_twilio.fail_next(patient.number, Reply.server_error(), Reply.server_error())
    await patient.text("I have a cough")
    await patient.text("and a fever")
    received = await patient.wait_for(2)
    assert received[0].startswith("Do you have a fever?")
    statuses = [a.status for a in fake_twilio.attempts_to(patient.number)]
    assert statuses == [500, 500, 201, 201]
