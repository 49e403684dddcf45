"""Microsoft 365 Agents Playground (a local Teams-like client, npm's
@microsoft/m365agentsplayground, installed by `make playground` into tests/playground/) driven
in Chromium against the real app: the welcome it renders as Teams would, and a button on it.

The Playground runs as `node cli.js -e <app>/api/messages -c msteams` with its mock Teams from
tests/playground/.m365agentsplayground.yml, telemetry off, no browser of its own, and a preload
(tests/playground/loopback.cjs) that binds its servers to 127.0.0.1 (it has no host option).
Its locale is en-US: the Korean paths stay covered by the HTTP tests (tests/bots/).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright
from playwright.async_api import expect as pw_expect

from tests.support.botapp import RunningApp, running_app
from tests.support.botapp import test_settings as make_settings
from tests.support.playground import (
    CHROMIUM_ARGS,
    CHROMIUM_EXECUTABLE,
    playground_installed,
    running_playground,
)

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
TIMEOUT_MS = 25_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM_EXECUTABLE is None, reason="no Chromium (`make browser` installs it)"
    ),
    pytest.mark.skipif(
        not playground_installed(),
        reason="no node or no Agents Playground (`make playground` installs it)",
    ),
]


@pytest.fixture
async def app(tmp_path) -> AsyncIterator[RunningApp]:
    async with running_app(make_settings(tmp_path)) as running:
        await running.contacts.create(
            {"firstname": "Jane", "lastname": "Doe", "email": "jane@acme.com", "company": "Acme"}
        )
        yield running


@pytest.fixture
async def playground(app, tmp_path) -> AsyncIterator[str]:
    """The Playground's page, talking to `app`; stopped (its own process group) after."""
    async with running_playground(
        f"{app.url}/api/messages", log=tmp_path / "playground.log"
    ) as url:
        yield url


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM_EXECUTABLE, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


async def _see(page: Page, text: str) -> None:
    await pw_expect(page.get_by_text(text, exact=False).last).to_be_visible(timeout=TIMEOUT_MS)


async def test_the_welcome_and_its_search_button_in_the_playground(playground, browser):
    page = await browser.new_page(viewport={"width": 1280, "height": 900})
    await page.goto(playground, timeout=TIMEOUT_MS)
    await _see(page, "HubSpot Contact Assistant")  # the welcome card, rendered as Teams would
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "playground-welcome-en.png"))
    await page.get_by_role("button", name="Search contacts").last.click()
    await _see(page, "tell me what to look for")  # the search form, not a refusal
    assert await page.get_by_text("earlier conversation").count() == 0
    await page.screenshot(path=str(ARTIFACTS / "playground-search-form-en.png"))


async def test_the_welcome_in_a_channel_works_from_its_thread(playground, browser):
    """In a channel the welcome is posted on the channel; a press on its buttons arrives from
    the post's thread (`<channel>;messageid=<root>`) and must find the card (issue 26, 1)."""
    page = await browser.new_page(viewport={"width": 1280, "height": 900})
    await page.goto(playground, timeout=TIMEOUT_MS)
    await _see(page, "HubSpot Contact Assistant")
    await page.get_by_text("General", exact=True).first.click()
    # The Playground's log panel: the channel's install events, then its own welcome.
    sent = page.get_by_text("User Application -> Microsoft 365 Agents Playground message")
    await pw_expect(sent).to_have_count(2, timeout=TIMEOUT_MS)
    await _see(page, "HubSpot Contact Assistant")
    await page.get_by_role("button", name="Search contacts").last.click()
    await _see(page, "tell me what to look for")
    assert await page.get_by_text("earlier conversation").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "playground-channel-search-form-en.png"))
