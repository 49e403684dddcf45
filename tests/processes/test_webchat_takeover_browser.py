"""Issue 23, finding 2, in a real browser (Debian's Chromium, driven by Playwright): the page's
Confirm is pressed, the instance running its turn is killed (kill -9) while the turn waits on
HubSpot, and the page, served through a round-robin balancer by two app processes on one
PostgreSQL, shows the outcome once, from the other instance.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator

import pytest
from playwright.async_api import Browser, Locator
from playwright.async_api import expect as pw_expect

from cards import ui
from tests.processes.test_webchat_browser import ChatPage, browser, pytestmark
from tests.processes.test_webchat_takeover import GENERIC_ERROR, IN_DOUBT, NOT_SAVED, add_jane
from tests.support.gate import HubSpotGate
from tests.support.processes import AppProcess, AppProcesses, shared_hubspot
from tests.support.waiting import until
from tests.support.web_balancer import WebBalancer

# The browser fixture and marks (skipped without Chromium), shared with the other browser tests.
__all__ = ["browser", "pytestmark"]

_POST = re.compile(r"POST /v3/directline/conversations/[^/ ]+/activities 200")


@pytest.fixture
def reaper() -> Iterator[list[AppProcesses]]:
    started: list[AppProcesses] = []
    yield started
    for apps in started:
        apps.kill_all()
        apps.report()


def posts_in(app: AppProcess) -> int:
    """How many Direct Line activity POSTs this instance has answered (its access log)."""
    try:
        return len(_POST.findall(app.log.read_text(encoding="utf-8", errors="replace")))
    except FileNotFoundError:
        return 0


def transcript(chat: ChatPage) -> Locator:
    """The transcript's items, one per activity shown (Web Chat nests an article for screen
    readers inside each, so articles count every message twice)."""
    return chat.page.locator(".webchat__basic-transcript__activity")


@pytest.mark.timeout(180)
async def test_the_page_shows_a_killed_instances_turn_once_finished_by_the_other(
    tmp_path, browser: Browser, postgres, reaper
):
    url = await asyncio.to_thread(postgres.new_database)
    async with shared_hubspot() as hs, HubSpotGate(hs.url) as gate:
        jane = await add_jane(hs)
        async with AppProcesses(tmp_path, database_url=url, hubspot=hs) as apps:
            reaper.append(apps)
            a = apps.add("a", TURN_ANSWER_SECONDS="0", HUBSPOT_BASE_URL=gate.url)
            b = apps.add("b", TURN_ANSWER_SECONDS="0", HUBSPOT_BASE_URL=gate.url)
            await asyncio.gather(a.start(), b.start())
            async with WebBalancer([a.url, b.url]) as lb:
                context = await browser.new_context(locale="en-US")
                chat = ChatPage(await context.new_page(), "en")
                await chat.page.goto(f"{lb.url}/")
                await chat.see(ui("en", "welcome_intro"))
                box = chat.page.get_by_role("textbox").last
                await box.fill("update jane@acme.com company Globex")
                await box.press("Enter")
                await chat.see(ui("en", "confirm_intro"))

                before = {app.name: posts_in(app) for app in (a, b)}
                gate.shut()
                await chat.button("confirm").click()
                await until(lambda: gate.held >= 1, within=20, what="the turn reaching HubSpot")
                await until(
                    lambda: any(posts_in(app) > before[app.name] for app in (a, b)),
                    within=10,
                    what="the Confirm's POST answered",
                )
                (holder,) = [app for app in (a, b) if posts_in(app) > before[app.name]]
                other = b if holder is a else a
                await holder.kill()  # kill -9, the turn in the middle of its HubSpot call
                gate.open()

                # Web Chat renders the bot's ' as ’: match what the page shows.
                said = re.compile(f"{ui('en', 'headline_updated')}|{NOT_SAVED}|{IN_DOUBT[8:]}")
                outcome = transcript(chat).filter(has_text=said)
                await pw_expect(outcome.first).to_be_visible(timeout=60_000)
                await asyncio.sleep(4)  # past another lease: a second run would show by now
                await pw_expect(outcome).to_have_count(1, timeout=5_000)
                await pw_expect(transcript(chat).filter(has_text=GENERIC_ERROR)).to_have_count(0)
                assert "took over" in other.tail(400)
                told_not_saved = await transcript(chat).filter(has_text=NOT_SAVED).count() > 0
                await context.close()
            updates = hs.updates_of(jane)
            assert len(updates) <= 1
            if told_not_saved:
                assert updates == []  # "nothing was saved" is the truth
