"""The embeddable widget on a clinic's website, in a real browser, against the real stack.

The sample clinic site (``tests/browser/clinic_site/``) is served on its own port - another
origin than the gateway's - and allowed through ``SYMCHECK_ALLOWED_ORIGINS`` (``live_stack``);
a second copy on yet another port is not allowed.
"""

from __future__ import annotations

import re
import struct
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Locator, Page, expect

from tests.auxil.dashboard import Clinician
from tests.auxil.static_site import StaticSite
from tests.conftest import CLINIC_NAME, CLINIC_SITE, LiveStack

pytestmark = pytest.mark.browser

GREETING = "Hello from Riverside Clinic. What is bothering you today?"
TITLE = "Riverside symptom checker"


@pytest.fixture(scope="module")
def clinic(clinic_site: StaticSite, live_stack: LiveStack) -> StaticSite:
    """The allowed clinic site, its page pointing at the running gateway."""
    clinic_site.substitutions["__GATEWAY__"] = live_stack.url
    return clinic_site


@pytest.fixture(scope="module")
def foreign_site(live_stack: LiveStack) -> Iterator[StaticSite]:
    """The same page on an origin the gateway does not allow."""
    with StaticSite(CLINIC_SITE, {"__GATEWAY__": live_stack.url}) as site:
        yield site


@pytest.fixture
def console(page: Page) -> list[str]:
    lines: list[str] = []

    def record(message: ConsoleMessage) -> None:
        lines.append(message.text)

    page.on("console", record)
    page.on("pageerror", lambda error: lines.append(f"pageerror: {error}"))
    return lines


def storage_key(live_stack: LiveStack) -> str:
    return f"symcheck.widget:{live_stack.url}:conversation"


def launcher(page: Page) -> Locator:
    return page.get_by_role("button", name=re.compile(r"^Check your symptoms"))


def panel(page: Page) -> Locator:
    return page.get_by_role("dialog", name=TITLE)


def log(page: Page) -> Locator:
    return panel(page).get_by_role("log", name="Conversation")


def bot_replies(page: Page) -> Locator:
    return log(page).locator(".msg.author-bot:not(.transient)")


def open_with_keyboard(page: Page) -> None:
    button = launcher(page)
    expect(button).to_be_visible()
    for _ in range(10):
        page.keyboard.press("Tab")
        if button.evaluate("b => b.getRootNode().activeElement === b"):
            break
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect(panel(page)).to_be_visible()
    expect(panel(page).get_by_label("Your message")).to_be_focused()


def say(page: Page, text: str) -> None:
    box = panel(page).get_by_label("Your message")
    box.fill(text)
    box.press("Enter")


def stored_token(page: Page, live_stack: LiveStack) -> str | None:
    value = page.evaluate("key => localStorage.getItem(key)", storage_key(live_stack))
    return value if isinstance(value, str) else None


def test_open_with_the_keyboard_and_chat(
    page: Page, clinic: StaticSite, live_stack: LiveStack, console: list[str]
) -> None:
    page.goto(clinic.origin)
    open_with_keyboard(page)
    dialog = panel(page)
    expect(dialog.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(dialog).to_contain_text(CLINIC_NAME)
    expect(dialog.get_by_role("note")).to_have_text("Emergency? Call 999 now.")
    expect(log(page)).to_have_attribute("aria-live", "polite")
    expect(log(page)).to_contain_text(GREETING)
    expect(dialog).to_contain_text("English")

    say(page, "I have a cough")
    expect(log(page).locator(".msg.author-patient .text").first).to_have_text("I have a cough")
    expect(bot_replies(page).first).to_be_visible()

    # a quick answer, with the keyboard
    answers = dialog.get_by_role("group", name="Quick answers").get_by_role("button")
    expect(answers.first).to_be_enabled()
    title = answers.first.inner_text()
    before = bot_replies(page).count()
    answers.first.focus()
    page.keyboard.press("Enter")
    expect(log(page).locator(".msg.author-patient").last).to_contain_text(title)
    expect(bot_replies(page)).to_have_count(before + 1)

    # only the opaque conversation id is kept in the browser
    token = stored_token(page, live_stack)
    assert token
    assert uuid.UUID(token)
    kept = page.evaluate("({local: Object.keys(localStorage), session: sessionStorage.length})")
    assert kept == {"local": [storage_key(live_stack)], "session": 0}
    assert page.context.cookies() == []

    # Escape closes and gives the focus back to the button
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(launcher(page)).to_be_focused()
    expect(launcher(page)).to_have_attribute("aria-expanded", "false")
    # the clinic's CSP (script-src and connect-src name the gateway, no 'unsafe-inline') holds
    assert not [line for line in console if "Content Security Policy" in line], console
    assert not [line for line in console if line.startswith("pageerror")], console


def test_reload_keeps_the_conversation(
    page: Page, clinic: StaticSite, live_stack: LiveStack
) -> None:
    page.goto(clinic.origin)
    launcher(page).click()
    say(page, "I have a sore throat")
    expect(bot_replies(page).first).to_be_visible()
    token = stored_token(page, live_stack)
    shown = log(page).locator(".msg:not(.transient)")
    count = shown.count()

    page.reload()
    launcher(page).click()
    expect(shown).to_have_count(count)
    expect(log(page).locator(".msg.author-patient").first).to_contain_text("I have a sore throat")
    say(page, "since yesterday")
    expect(log(page).locator(".msg.author-patient").last).to_contain_text("since yesterday")
    assert stored_token(page, live_stack) == token


def test_a_clinician_reply_arrives_live(
    page: Page, clinic: StaticSite, live_stack: LiveStack
) -> None:
    page.goto(clinic.origin)
    launcher(page).click()
    say(page, "can I talk to a real doctor please")
    expect(bot_replies(page).filter(has_text="clinician")).not_to_have_count(0)
    conversation = stored_token(page, live_stack)
    assert conversation

    with httpx.Client(base_url=live_stack.url, timeout=30) as client:
        doctor = Clinician(client)
        doctor.login(live_stack.demo_email, live_stack.demo_password)
        case_id = doctor.case_for(conversation)["id"]
        doctor.claim(case_id)

        doctor.reply(case_id, "Hello, this is Dr Demo. How can I help?")
        clinician = log(page).locator(".msg.author-clinician .text")
        expect(clinician).to_have_text(["Hello, this is Dr Demo. How can I help?"])

        # with the panel closed: the button says there is something new
        page.keyboard.press("Escape")
        expect(launcher(page)).to_have_accessible_name("Check your symptoms")
        doctor.reply(case_id, "Are you still there?")
        expect(launcher(page)).to_have_accessible_name(
            "Check your symptoms, new message", timeout=15_000
        )
        expect(page.get_by_role("status").filter(has_text="New message")).to_have_text(
            "New message from the clinician in the chat."
        )
        launcher(page).click()
        expect(clinician.last).to_have_text("Are you still there?")
        expect(launcher(page)).to_have_accessible_name("Check your symptoms")
        doctor.resolve(case_id)


def test_script_in_a_message_is_shown_as_text(
    page: Page, clinic: StaticSite, live_stack: LiveStack
) -> None:
    attack = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
    page.goto(clinic.origin)
    launcher(page).click()
    say(page, attack)
    mine = log(page).locator(".msg.author-patient .text").first
    expect(mine).to_have_text(attack)
    expect(log(page).locator(".msg:not(.transient)").nth(1)).to_be_visible()
    page.reload()
    launcher(page).click()
    expect(mine).to_have_text(attack)
    assert page.evaluate("window.__pwned") is None
    assert log(page).locator("img, script").count() == 0


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def test_phone_sized_screen(
    browser: Browser, clinic: StaticSite, live_stack: LiveStack, tmp_path: Path
) -> None:
    context = browser.new_context(
        viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto(clinic.origin)
        expect(launcher(page)).to_be_in_viewport()
        launcher(page).tap()
        dialog = panel(page)
        dialog.evaluate("p => Promise.all(p.getAnimations().map(a => a.finished))")
        box = dialog.bounding_box()
        assert box
        assert {k: round(v) for k, v in box.items()} == {
            "x": 0,
            "y": 0,
            "width": 360,
            "height": 640,
        }
        for control in (
            dialog.get_by_role("note"),
            dialog.get_by_role("button", name="Close the chat"),
            dialog.get_by_label("Your message"),
            dialog.get_by_role("button", name="Send"),
        ):
            expect(control).to_be_in_viewport(ratio=1)
        say(page, "I have a cough")
        expect(bot_replies(page).first).to_be_visible()
        expect(dialog.get_by_role("button", name="Send")).to_be_in_viewport(ratio=1)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        shot = tmp_path / "widget-phone.png"
        page.screenshot(path=str(shot))
        assert png_size(shot) == (360, 640)
        assert shot.stat().st_size > 5_000  # something was drawn
    finally:
        context.close()


def test_a_site_that_is_not_allowed_is_refused(
    page: Page, foreign_site: StaticSite, live_stack: LiveStack
) -> None:
    page.goto(foreign_site.origin)
    launcher(page).click()  # the script itself loads anywhere
    say(page, "I have a cough")
    notice = log(page).locator(".msg.author-system.transient")
    expect(notice).to_contain_text("If this is an emergency, call 999 now.")
    assert stored_token(page, live_stack) is None

    # what the browser got: refused with 403 JSON (safe advice), not only missing CORS headers
    body = {"conversation_id": None, "text": "I have a cough"}
    with httpx.Client(base_url=live_stack.url, timeout=30) as client:
        refused = client.post(
            "/api/web/messages", json=body, headers={"Origin": foreign_site.origin}
        )
        preflight = client.options(
            "/api/web/messages",
            headers={"Origin": foreign_site.origin, "Access-Control-Request-Method": "POST"},
        )
        allowed = client.options(
            "/api/web/messages",
            headers={
                "Origin": live_stack.env["SYMCHECK_ALLOWED_ORIGINS"],
                "Access-Control-Request-Method": "POST",
            },
        )
    assert refused.status_code == 403
    assert refused.json()["error"]["message"].endswith("If this is an emergency, call 999 now.")
    assert "access-control-allow-origin" not in refused.headers
    assert preflight.status_code == 403
    assert allowed.status_code == 200
