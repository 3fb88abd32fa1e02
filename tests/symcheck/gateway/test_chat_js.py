"""``static/chat.js`` in headless Chromium: every error the patient sees carries the emergency
advice. The page and its script come from the gateway app; the message API is replaced by
Playwright routes that fail in each way a patient can meet (no stack needed)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from playwright.async_api import Browser, Page, Route, async_playwright

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ORIGIN = "http://chat.test"
ADVICE = "If this is an emergency, call 112 now."


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
        )
        yield browser
        await browser.close()


async def open_chat(
    browser: Browser, client: httpx.AsyncClient, api: Callable[[Route], object]
) -> Page:
    """The real chat page and script (from the app); ``api`` answers the JSON API."""
    page = await browser.new_page()
    page.set_default_timeout(10_000)

    async def handle(route: Route) -> None:
        path = route.request.url.removeprefix(ORIGIN)
        if path.startswith("/api/"):
            result = api(route)
            if hasattr(result, "__await__"):
                await result
            return
        response = await client.get(path)
        await route.fulfill(
            status=response.status_code,
            body=response.content,
            headers={"content-type": response.headers["content-type"]},
        )

    await page.route(f"{ORIGIN}/**", handle)
    await page.goto(f"{ORIGIN}/")
    return page


async def say(page: Page, text: str) -> str:
    """Send ``text`` and return the notice the page shows."""
    await page.fill("#message", text)
    await page.press("#message", "Enter")
    notice = page.locator(".msg.author-system.transient").last
    await notice.wait_for()
    return await notice.inner_text()


def json_error(status: int, message: str | None) -> Callable[[Route], object]:
    body = {"error": {"code": "x", "message": message}} if message is not None else {}
    return lambda route: route.fulfill(
        status=status, body=json.dumps(body), headers={"content-type": "application/json"}
    )


@pytest.mark.parametrize(
    "api",
    [
        pytest.param(lambda route: route.abort("connectionrefused"), id="network-error"),
        pytest.param(
            lambda route: route.fulfill(status=502, body="<html>Bad Gateway</html>"), id="502-html"
        ),
        pytest.param(json_error(500, None), id="500-no-message"),
        pytest.param(json_error(503, "Service down for maintenance"), id="503-proxy-message"),
        pytest.param(
            lambda route: route.fulfill(status=413, body="Request Entity Too Large"),
            id="413-from-a-proxy",
        ),
        pytest.param(json_error(413, "the request body is too large"), id="413-json"),
        pytest.param(json_error(422, "the request is not valid"), id="422"),
        pytest.param(json_error(429, ""), id="429-empty-message"),
        pytest.param(lambda route: route.fulfill(status=200, body="not json"), id="200-not-json"),
    ],
)
async def test_every_error_shown_to_the_patient_names_the_emergency_number(
    browser: Browser, client: httpx.AsyncClient, api: Callable[[Route], object]
) -> None:
    page = await open_chat(browser, client, api)
    notice = await say(page, "I have a cough")
    assert ADVICE in notice
    assert notice.count("112") == 1


async def test_the_gateway_own_413_is_shown_with_the_advice_once(
    browser: Browser, client: httpx.AsyncClient
) -> None:
    """The real 413 of the gateway, passed through to the page."""

    async def passthrough(route: Route) -> None:
        response = await client.post(
            "/api/web/messages",
            content=route.request.post_data_buffer or b"",
            headers={"content-type": "application/json"},
        )
        await route.fulfill(
            status=response.status_code,
            body=response.content,
            headers={"content-type": "application/json"},
        )

    page = await open_chat(browser, client, passthrough)
    await page.evaluate(
        "document.getElementById('message').removeAttribute('maxlength')"
    )  # a paste bigger than any chat message
    notice = await say(page, "x" * 300_000)
    assert "too long" in notice
    assert notice.count(ADVICE) == 1
