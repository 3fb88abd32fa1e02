"""The patient web chat in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import LiveGateway

pytestmark = pytest.mark.browser

BOT_REPLY = "#log .msg.author-bot:not(.transient)"


def send(page: Page, text: str) -> None:
    page.fill("#message", text)
    page.press("#message", "Enter")


def test_send_a_message_and_get_a_reply(page: Page, live_gateway: LiveGateway) -> None:
    page.goto(live_gateway.url)
    expect(page.locator(".chat-header")).to_contain_text(live_gateway.emergency_number)
    expect(page.locator("footer")).to_contain_text(live_gateway.emergency_number)
    expect(page.get_by_role("log")).to_be_visible()
    send(page, "I have a cough")
    expect(page.locator("#log .msg.author-patient").first).to_have_text("YouI have a cough")
    expect(page.locator(BOT_REPLY).first).to_be_visible()
    expect(page.locator("#message")).to_be_focused()
    assert page.evaluate("localStorage.getItem('symcheck.conversation_id')")


def test_quick_answer_buttons(page: Page, live_gateway: LiveGateway) -> None:
    page.goto(live_gateway.url)
    send(page, "I have a cough")
    buttons = page.get_by_role("group", name="Quick answers").get_by_role("button")
    expect(buttons.first).to_be_enabled()
    title = buttons.first.inner_text()
    bot_before = page.locator(BOT_REPLY).count()
    buttons.first.focus()
    page.keyboard.press("Enter")  # keyboard works
    expect(page.locator("#log .msg.author-patient").last).to_contain_text(title)
    expect(page.locator(BOT_REPLY)).to_have_count(bot_before + 1)


def test_reload_keeps_the_conversation(page: Page, live_gateway: LiveGateway) -> None:
    page.goto(live_gateway.url)
    send(page, "I have a sore throat")
    expect(page.locator(BOT_REPLY).first).to_be_visible()
    conversation = page.evaluate("localStorage.getItem('symcheck.conversation_id')")
    count = page.locator("#log .msg:not(.transient)").count()
    page.reload()
    expect(page.locator("#log .msg:not(.transient)")).to_have_count(count)
    expect(page.locator("#log .msg.author-patient").first).to_contain_text("I have a sore throat")
    assert page.evaluate("localStorage.getItem('symcheck.conversation_id')") == conversation
    send(page, "since yesterday")
    expect(page.locator("#log .msg.author-patient").last).to_contain_text("since yesterday")
    assert page.evaluate("localStorage.getItem('symcheck.conversation_id')") == conversation


def test_new_chat_forgets_the_conversation(page: Page, live_gateway: LiveGateway) -> None:
    page.goto(live_gateway.url)
    send(page, "I have a cough")
    expect(page.locator(BOT_REPLY).first).to_be_visible()
    page.click("#new-chat")
    expect(page.locator("#log .msg:not(.transient)")).to_have_count(0)
    assert page.evaluate("localStorage.getItem('symcheck.conversation_id')") is None


def test_script_in_a_message_is_shown_as_text(page: Page, live_gateway: LiveGateway) -> None:
    attack = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
    page.goto(live_gateway.url)
    send(page, attack)
    mine = page.locator("#log .msg.author-patient .text").first
    expect(mine).to_have_text(attack)
    expect(page.locator("#log .msg:not(.transient)").nth(1)).to_be_visible()
    page.reload()
    expect(page.locator("#log .msg.author-patient .text").first).to_have_text(attack)
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#log img, #log script").count() == 0


def test_phone_sized_viewport(browser: Browser, live_gateway: LiveGateway) -> None:
    context = browser.new_context(
        viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True
    )
    try:
        page = context.new_page()
        page.goto(live_gateway.url)
        expect(page.locator("#message")).to_be_in_viewport()
        expect(page.locator("#send")).to_be_in_viewport()
        expect(page.locator(".emergency")).to_be_in_viewport()
        send(page, "I have a cough")
        expect(page.locator(BOT_REPLY).first).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        context.close()
