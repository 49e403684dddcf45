"""Microsoft 365 Agents Playground (a local Teams-like client, npm's
@microsoft/m365agentsplayground, installed by `make playground` into tests/playground/) driven
in Chromium against the real app: the welcome it renders as Teams would, and a button on it.

The Playground runs as `node cli.js -e <app>/api/messages -c msteams` with its mock Teams from
tests/playground/.m365agentsplayground.yml, telemetry off, no browser of its own, and a preload
(tests/playground/loopback.cjs) that binds its servers to 127.0.0.1 (it has no host option).
Its locale is en-US: the Korean paths stay covered by the HTTP tests (tests/bots/).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright
from playwright.async_api import expect as pw_expect

from tests.support.botapp import RunningApp, running_app
from tests.support.botapp import test_settings as make_settings

PLAYGROUND = Path(__file__).resolve().parents[1] / "playground"
CLI = PLAYGROUND / "node_modules" / "@microsoft" / "m365agentsplayground" / "cli.js"
CHROMIUM = "/usr/bin/chromium"
EXECUTABLE = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
NODE = shutil.which("node")
ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
TIMEOUT_MS = 25_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(EXECUTABLE is None, reason="no Chromium (`make browser` installs it)"),
    pytest.mark.skipif(
        NODE is None or not CLI.exists(),
        reason="no node or no Agents Playground (`make playground` installs it)",
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


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
    port = _free_port()
    env = {
        **os.environ,
        "TEAMSAPPTESTER_BROWSER": "none",
        "M365_AGENTS_PLAYGROUND_LOGFILE": str(tmp_path / "playground.log"),
    }
    proc = await asyncio.create_subprocess_exec(
        str(NODE),
        "-r",
        "./loopback.cjs",
        str(CLI),
        "-e",
        f"{app.url}/api/messages",
        "-c",
        "msteams",
        "--port",
        str(port),
        "--disable-telemetry",
        cwd=PLAYGROUND,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        assert proc.stdout is not None
        async with asyncio.timeout(30):
            while True:
                line = (await proc.stdout.readline()).decode(errors="replace")
                assert line, "the Playground ended before it listened"
                if line.startswith("Listening on"):
                    port = int(line.split()[-1])
                    break
        yield f"http://127.0.0.1:{port}/"
    finally:
        if proc.returncode is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                async with asyncio.timeout(10):
                    await proc.wait()
            except TimeoutError:
                os.killpg(proc.pid, signal.SIGKILL)
                await proc.wait()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=EXECUTABLE, args=ARGS)
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
