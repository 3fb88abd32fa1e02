from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.auxil.dashboard import Clinician
from tests.auxil.web_patient import WebPatient
from tests.conftest import LiveStack


@pytest.fixture
def http(live_stack: LiveStack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_stack.url, timeout=60) as client:
        yield client


@pytest.fixture
def patient(http: httpx.Client) -> WebPatient:
    return WebPatient(http)


@pytest.fixture
def clinician(live_stack: LiveStack) -> Iterator[Clinician]:
    with httpx.Client(base_url=live_stack.url, timeout=60) as client:
        doctor = Clinician(client)
        doctor.login(live_stack.demo_email, live_stack.demo_password)
        yield doctor
