"""Browser tests: headless Chromium (Debian's, driven by Playwright from PyPI) against the real
stack (Rasa + action server + gateway) started once per session by ``live_stack``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from tests.conftest import LiveStack

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
EMERGENCY_TEXT = "I have crushing chest pain and I am sweating"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests run against the real stack, so they are stack tests too."""
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.stack)


@dataclass(frozen=True)
class LiveGateway:
    url: str
    clinician_email: str
    clinician_password: str
    emergency_number: str


@pytest.fixture(scope="session")
def live_gateway(live_stack: LiveStack) -> LiveGateway:
    return LiveGateway(
        live_stack.url,
        live_stack.demo_email,
        live_stack.demo_password,
        live_stack.env["SYMCHECK_EMERGENCY_NUMBER"],
    )


@pytest.fixture(scope="session")
def live_gateway_url(live_gateway: LiveGateway) -> str:
    return live_gateway.url


# Module scope: the sync API runs an event loop in this thread while it is open, which
# would clash with the asyncio tests that run after the browser tests.
@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context()
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()
