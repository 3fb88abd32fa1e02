"""The clinician dashboard and the patient chat together, in two browser contexts."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import EMERGENCY_TEXT, LiveGateway

pytestmark = pytest.mark.browser


def sign_in(page: Page, gateway: LiveGateway) -> None:
    page.goto(f"{gateway.url}/dashboard")
    expect(page).to_have_url(re.compile(r"/dashboard/login$"))
    page.get_by_label("Email").fill(gateway.clinician_email)
    page.get_by_label("Password").fill(gateway.clinician_password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))


def test_wrong_password_is_refused(page: Page, live_gateway: LiveGateway) -> None:
    page.goto(f"{live_gateway.url}/dashboard/login")
    page.get_by_label("Email").fill(live_gateway.clinician_email)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Wrong email or password.")


def test_case_flow_from_queue_to_resolve(browser: Browser, live_gateway: LiveGateway) -> None:
    clinician_context = browser.new_context()
    patient_context = browser.new_context()
    clinician_context.set_default_timeout(15_000)
    patient_context.set_default_timeout(15_000)
    try:
        doctor = clinician_context.new_page()
        patient = patient_context.new_page()
        sign_in(doctor, live_gateway)
        rows = doctor.locator("#queue-body tr")
        before = rows.count()

        # a patient reports an emergency: the queue updates without a reload
        patient.goto(live_gateway.url)
        patient.fill("#message", EMERGENCY_TEXT)
        patient.press("#message", "Enter")
        expect(
            patient.locator("#log .msg:not(.transient):not(.author-patient)").first
        ).to_be_visible()
        expect(rows).to_have_count(before + 1)
        top = rows.first
        expect(top).to_contain_text("Emergency")

        # open the case: summary and transcript
        top.get_by_role("link", name="Open").click()
        expect(doctor.get_by_role("heading", name="Summary")).to_be_visible()
        for label in ("Age", "Sex", "Pregnancy", "Chief complaint", "Red flags", "Top conditions"):
            expect(doctor.locator(".summary")).to_contain_text(label)
        transcript = doctor.locator("#transcript")
        expect(transcript).to_contain_text(EMERGENCY_TEXT)

        # a patient message while the case is open appears in the case live
        patient.fill("#message", "<b>is anyone there?</b>")
        patient.press("#message", "Enter")
        expect(transcript.locator(".msg.author-patient .text").last).to_have_text(
            "<b>is anyone there?</b>"
        )

        # claim and reply: the reply reaches the patient's page live
        doctor.get_by_role("button", name="Claim").click()
        expect(doctor.locator("#case-status")).to_have_text("active")
        doctor.get_by_label("Reply to the patient").fill(
            "Hello, I am a doctor. Please call 112 now."
        )
        doctor.get_by_role("button", name="Send reply").click()
        expect(patient.locator("#log .msg.author-clinician .text")).to_have_text(
            "Hello, I am a doctor. Please call 112 now."
        )

        # resolve: the patient is told the chat is closed and can start again
        doctor.get_by_role("button", name="Resolve and close chat").click()
        expect(doctor.locator("#case-status")).to_have_text("resolved")
        expect(patient.locator("#log .msg.author-system").last).to_contain_text("closed this chat")

        # the case has left the queue
        doctor.goto(f"{live_gateway.url}/dashboard")
        expect(doctor.locator("#queue-body tr")).to_have_count(before)
    finally:
        clinician_context.close()
        patient_context.close()


def test_sign_out(page: Page, live_gateway: LiveGateway) -> None:
    sign_in(page, live_gateway)
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/dashboard/login$"))
    page.goto(f"{live_gateway.url}/dashboard")
    expect(page).to_have_url(re.compile(r"/dashboard/login$"))
