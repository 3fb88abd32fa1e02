"""``/widget.js`` in headless Chromium without the stack: the script comes from the gateway app,
the clinic page (strict CSP, hostile styles) is a string, and the patient API is answered by
Playwright routes - canned replies, or failing in each way a patient can meet."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page, Route, async_playwright, expect

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
GATEWAY = "http://gateway.test"
CLINIC = "http://clinic.test"
ADVICE = "If this is an emergency, call 112 now."
STORAGE_KEY = f"symcheck.widget:{GATEWAY}:conversation"
CONVERSATION = "5b0f1c9e-3a57-4c55-9d5e-0b1f3c2a7d11"
CSP = (
    f"default-src 'self'; script-src 'self' {GATEWAY}; connect-src 'self' {GATEWAY}; "
    "style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'"
)
HOSTILE_CSS = """
* { font-size: 40px !important; color: lime !important; box-sizing: content-box !important; }
button { background: hotpink !important; display: block !important; }
div { border: 5px solid red !important; }
"""
DEFAULT_ATTRS = (
    'data-title="Riverside symptom checker" data-greeting="Hi from Riverside!" '
    'data-primary-color="#0b5394" data-language-label="English"'
)
BOT = {
    "seq": 2,
    "author": "bot",
    "text": "How old are you?",
    "buttons": [{"title": "Under 18", "payload": "/inform_age"}],
}

Api = Callable[[Route], Any]


def page_html(attrs: str = DEFAULT_ATTRS, *, copies: int = 1) -> str:
    tag = f'<script src="{GATEWAY}/widget.js" {attrs} defer></script>'
    return f"""<!doctype html><html lang="en"><head>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<link rel="stylesheet" href="/hostile.css">{tag * copies}</head>
<body><h1>Riverside Clinic</h1><a href="/about">About us</a></body></html>"""


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
        )
        yield browser
        await browser.close()


def cors(status: int, body: Any) -> dict[str, Any]:
    return {
        "status": status,
        "body": body if isinstance(body, str) else json.dumps(body),
        "headers": {"content-type": "application/json", "access-control-allow-origin": CLINIC},
    }


def canned_api(route: Route) -> Any:
    """A patient API that starts conversation ``CONVERSATION`` and asks one question."""
    request = route.request
    if request.method == "OPTIONS":
        return route.fulfill(
            status=204,
            headers={
                "access-control-allow-origin": CLINIC,
                "access-control-allow-methods": "GET, POST",
                "access-control-allow-headers": "content-type",
            },
        )
    if request.method == "POST":
        return route.fulfill(
            **cors(200, {"conversation_id": CONVERSATION, "message_seq": 1, "messages": [BOT]})
        )
    if "after=0" in request.url:
        return route.fulfill(**cors(200, {"conversation_id": CONVERSATION, "messages": []}))
    return route.abort("connectionrefused")  # the long poll: nothing new


async def open_clinic_page(
    browser: Browser,
    client: httpx.AsyncClient,
    api: Api = canned_api,
    html: str | None = None,
    init_script: str | None = None,
    **context_args: Any,
) -> tuple[Page, list[str]]:
    """The clinic page with the real widget (from the app); returns it and its console."""
    context = await browser.new_context(**context_args)
    if init_script:
        await context.add_init_script(init_script)
    page = await context.new_page()
    page.set_default_timeout(10_000)
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
    body = html or page_html()

    async def gateway(route: Route) -> None:
        path = route.request.url.removeprefix(GATEWAY)
        if path.startswith("/api/"):
            result = api(route)
            if hasattr(result, "__await__"):
                await result
            return
        response = await client.get(path)
        await route.fulfill(
            status=response.status_code, body=response.content, headers=dict(response.headers)
        )

    async def clinic(route: Route) -> None:
        if route.request.url.endswith("/hostile.css"):
            await route.fulfill(body=HOSTILE_CSS, headers={"content-type": "text/css"})
        else:
            await route.fulfill(body=body, headers={"content-type": "text/html"})

    await page.route(f"{GATEWAY}/**", gateway)
    await page.route(f"{CLINIC}/**", clinic)
    await page.goto(f"{CLINIC}/")
    await page.locator("symcheck-chat-widget").wait_for(state="attached")
    return page, console


def launcher(page: Page) -> Any:
    return page.get_by_role("button", name="Check your symptoms")


async def open_widget(page: Page) -> None:
    await launcher(page).click()
    await expect(page.get_by_role("dialog")).to_be_visible()


async def say(page: Page, text: str) -> None:
    await page.get_by_label("Your message").fill(text)
    await page.get_by_label("Your message").press("Enter")


async def test_keyboard_aria_and_focus(browser: Browser, client: httpx.AsyncClient) -> None:
    page, console = await open_clinic_page(browser, client)
    button = launcher(page)
    await expect(button).to_have_attribute("aria-expanded", "false")
    for _ in range(5):  # the launcher is reachable with Tab, after the page's own links
        await page.keyboard.press("Tab")
        if await button.evaluate("b => b.getRootNode().activeElement === b"):
            break
    await expect(button).to_be_focused()
    await page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Riverside symptom checker")
    await expect(dialog).to_be_visible()
    await expect(button).to_have_attribute("aria-expanded", "true")
    await expect(page.get_by_label("Your message")).to_be_focused()
    log = dialog.get_by_role("log", name="Conversation")
    await expect(log).to_have_attribute("aria-live", "polite")
    await expect(log).to_contain_text("Hi from Riverside!")
    await expect(dialog.get_by_role("note")).to_have_text("Emergency? Call 112 now.")
    await expect(dialog.get_by_role("link", name="112")).to_have_attribute("href", "tel:112")
    await expect(dialog).to_contain_text("Test Clinic")
    await expect(dialog).to_contain_text("English")
    for name in ("Send", "Close the chat", "Start a new chat"):
        await expect(dialog.get_by_role("button", name=name)).to_be_visible()
    await expect(dialog.get_by_role("group", name="Quick answers")).to_be_attached()
    await expect(dialog.get_by_role("status").first).to_be_attached()

    await say(page, "I have a cough")
    answers = dialog.get_by_role("group", name="Quick answers").get_by_role("button")
    await expect(answers).to_have_text(["Under 18"])
    await expect(log).to_contain_text("How old are you?")

    await page.keyboard.press("Escape")
    await expect(dialog).to_be_hidden()
    await expect(button).to_be_focused()
    await expect(button).to_have_attribute("aria-expanded", "false")
    await page.keyboard.press("Enter")
    await expect(dialog).to_be_visible()
    await dialog.get_by_role("button", name="Close the chat").click()
    await expect(dialog).to_be_hidden()
    await expect(button).to_be_focused()
    assert not [line for line in console if "Content Security Policy" in line], console


async def test_only_the_token_is_kept_and_nothing_leaks_into_the_page(
    browser: Browser, client: httpx.AsyncClient
) -> None:
    page, console = await open_clinic_page(browser, client)
    await open_widget(page)
    await say(page, "I have a cough")
    await expect(page.get_by_role("log")).to_contain_text("How old are you?")
    stored = await page.evaluate(
        "({local: {...localStorage}, session: {...sessionStorage}, cookie: document.cookie})"
    )
    assert stored == {"local": {STORAGE_KEY: CONVERSATION}, "session": {}, "cookie": ""}
    leaked = await page.evaluate("['SymcheckChatCore', 'SYMCHECK_WIDGET'].filter(n => n in window)")
    assert leaked == []
    assert not [line for line in console if "pageerror" in line], console


async def test_session_storage_option(browser: Browser, client: httpx.AsyncClient) -> None:
    html = page_html('data-storage="session"')
    page, _ = await open_clinic_page(browser, client, html=html)
    await open_widget(page)
    await say(page, "I have a cough")
    await expect(page.get_by_role("log")).to_contain_text("How old are you?")
    stored = await page.evaluate("({local: {...localStorage}, session: {...sessionStorage}})")
    assert stored == {"local": {}, "session": {STORAGE_KEY: CONVERSATION}}


async def test_an_unknown_conversation_starts_fresh_silently(
    browser: Browser, client: httpx.AsyncClient
) -> None:
    def gone(route: Route) -> Any:
        return route.fulfill(**cors(404, {"error": {"code": "unknown_conversation"}}))

    remembered = f"localStorage.setItem({json.dumps(STORAGE_KEY)}, {json.dumps(CONVERSATION)})"
    page, _ = await open_clinic_page(browser, client, gone, init_script=remembered)
    await page.wait_for_function(f"localStorage.getItem({json.dumps(STORAGE_KEY)}) === null")
    await open_widget(page)
    log = page.get_by_role("log")
    await expect(log.locator(".msg")).to_have_count(1)
    await expect(log).to_contain_text("Hi from Riverside!")
    assert await page.evaluate("localStorage.length") == 0


async def test_style_isolation_colours_and_reduced_motion(
    browser: Browser, client: httpx.AsyncClient
) -> None:
    page, console = await open_clinic_page(browser, client, reduced_motion="reduce")
    button = launcher(page)
    style = await button.evaluate(
        "b => { const s = getComputedStyle(b);"
        " return [s.backgroundColor, s.position, s.fontSize, s.color]; }"
    )
    assert style == ["rgb(11, 83, 148)", "fixed", "16px", "rgb(255, 255, 255)"]
    await open_widget(page)
    panel = page.get_by_role("dialog")
    assert await panel.evaluate("p => getComputedStyle(p).animationName") == "none"
    box = await panel.bounding_box()
    assert box
    assert box["width"] == 380
    assert not [line for line in console if "Content Security Policy" in line], console


async def test_a_bad_colour_is_ignored_and_two_tags_mount_once(
    browser: Browser, client: httpx.AsyncClient
) -> None:
    html = page_html('data-primary-color="url(https://tracker.example/x.png)"', copies=2)
    page, _ = await open_clinic_page(browser, client, html=html)
    await expect(page.locator("symcheck-chat-widget")).to_have_count(1)
    colour = await launcher(page).evaluate("b => getComputedStyle(b).backgroundColor")
    assert colour == "rgb(11, 79, 113)"  # the default


async def test_full_screen_on_a_phone_and_tab_stays_in_the_panel(
    browser: Browser, client: httpx.AsyncClient
) -> None:
    page, _ = await open_clinic_page(
        browser, client, viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True
    )
    await open_widget(page)
    panel = page.get_by_role("dialog")
    await panel.evaluate("p => Promise.all(p.getAnimations().map(a => a.finished))")
    box = await panel.bounding_box()
    assert box
    assert {k: round(v) for k, v in box.items()} == {
        "x": 0,
        "y": 0,
        "width": 360,
        "height": 640,
    }
    await expect(panel).to_have_attribute("aria-modal", "true")
    await expect(launcher(page)).to_be_hidden()
    for _ in range(12):
        await page.keyboard.press("Tab")
        inside = await panel.evaluate("p => p.contains(p.getRootNode().activeElement)")
        assert inside
    await page.keyboard.press("Escape")
    await expect(launcher(page)).to_be_focused()


def json_error(status: int, message: str | None) -> Api:
    body = {"error": {"code": "x", "message": message}} if message is not None else {}
    return lambda route: (
        route.fulfill(
            status=204,
            headers={
                "access-control-allow-origin": CLINIC,
                "access-control-allow-headers": "content-type",
            },
        )
        if route.request.method == "OPTIONS"
        else route.fulfill(**cors(status, body))
    )


@pytest.mark.parametrize(
    "api",
    [
        pytest.param(lambda route: route.abort("connectionrefused"), id="network-error"),
        pytest.param(
            lambda route: route.fulfill(status=403, body='{"error": {}}'), id="refused-no-cors"
        ),
        pytest.param(json_error(500, None), id="500-no-message"),
        pytest.param(json_error(503, "Service down for maintenance"), id="503-message"),
        pytest.param(json_error(429, ""), id="429-empty-message"),
    ],
)
async def test_every_error_in_the_widget_names_the_emergency_number(
    browser: Browser, client: httpx.AsyncClient, api: Api
) -> None:
    page, _ = await open_clinic_page(browser, client, api)
    await open_widget(page)
    await say(page, "I have a cough")
    notice = page.locator(".msg.author-system.transient").last
    await notice.wait_for()
    text = await notice.inner_text()
    assert ADVICE in text
    assert text.count("112") == 1
    assert await page.evaluate("localStorage.length") == 0
