"""The Web Chat page in a real browser (Debian's Chromium, driven by Playwright), in English and
Korean: the welcome card, a contact created through the card form, found and updated through
the cards -- and checked in the local HubSpot through the app's own ContactsService.

Screenshots go to tests/artifacts/ (gitignored) for a person to look at.
"""

from __future__ import annotations

import asyncio
import shutil
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from hubspot.crm.contacts import SimplePublicObjectInputForCreate
from playwright.async_api import Browser, Locator, Page, async_playwright
from playwright.async_api import expect as pw_expect

from app import STORE_KEY
from cards import field_label, ui
from store.memory import MemoryStore
from store.postgres import PostgresStore
from tests.support.botapp import RunningApp, running_app
from tests.support.botapp import test_settings as make_settings
from tests.support.directline_client import DirectLineClient
from tests.support.hubspot_server import hubspot_server
from tests.support.web_balancer import WebBalancer
from webchat import assets

CHROMIUM = "/usr/bin/chromium"
EXECUTABLE = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
TIMEOUT_MS = 25_000  # a page on a loaded CI machine; the test limit still ends a hang

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        EXECUTABLE is None,
        reason="no Chromium at /usr/bin/chromium (`make browser` installs "
        "Debian's package as root)",
    ),
]


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    if not await asyncio.to_thread(assets.is_installed):
        try:  # `make test` installs it first; this covers a bare `pytest`
            await asyncio.to_thread(assets.install)
        except assets.AssetError as exc:
            pytest.fail(
                f"The Web Chat bundle is missing and could not be installed: {exc}. "
                "Run `make webchat-assets`."
            )
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=EXECUTABLE, args=ARGS)
        try:
            yield browser
        finally:
            await browser.close()


class ChatPage:
    """The page as a user sees it, in one language."""

    def __init__(self, page: Page, lang: str) -> None:
        self.page = page
        self.lang = lang
        self.errors: list[str] = []
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on(
            "console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None
        )

    def button(self, key: str) -> Locator:
        """The newest card button with this caption."""
        return self.page.locator("button.ac-pushButton", has_text=ui(self.lang, key)).last

    def field(self, name: str) -> Locator:
        return self.page.get_by_label(field_label(self.lang, name), exact=True).last

    async def see(self, text: str) -> Locator:
        found = self.page.get_by_text(text, exact=False).last
        await pw_expect(found).to_be_visible(timeout=TIMEOUT_MS)
        return found

    async def shot(self, name: str, showing: str) -> None:
        """A picture of the newest transcript item (bubble or card) showing `showing`."""
        ARTIFACTS.mkdir(exist_ok=True)
        item = self.page.get_by_role("article").filter(has_text=showing).last
        await item.scroll_into_view_if_needed()
        await self.page.wait_for_timeout(300)  # Web Chat's scroll-to-bottom animation
        await item.screenshot(path=str(ARTIFACTS / f"{name}-{self.lang}.png"))

    async def shot_page(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        await self.page.screenshot(path=str(ARTIFACTS / f"{name}-{self.lang}.png"))

    async def fill(self, values: dict[str, str]) -> None:
        for name, value in values.items():
            await self.field(name).fill(value)


async def _open(browser: Browser, bot: RunningApp, locale: str, lang: str) -> ChatPage:
    context = await browser.new_context(locale=locale, viewport={"width": 1000, "height": 900})
    chat = ChatPage(await context.new_page(), lang)
    await chat.page.goto(f"{bot.url}/")
    await chat.see(ui(lang, "welcome_intro"))
    return chat


async def _create(chat: ChatPage, props: dict[str, str]) -> None:
    await chat.button("btn_create").click()
    await chat.see(ui(chat.lang, "create_intro"))
    await chat.fill(props)
    await chat.button("create_submit").click()
    await chat.see(ui(chat.lang, "headline_created"))


async def test_english_create_search_and_update_in_the_browser(tmp_path, browser):
    email = f"ada.{uuid.uuid4().hex[:8]}@example.com"
    async with running_app(make_settings(tmp_path)) as bot:
        chat = await _open(browser, bot, "en-US", "en")
        await chat.shot("welcome", ui("en", "welcome_intro"))

        await _create(
            chat,
            {
                "firstname": "Ada",
                "lastname": "Lovelace",
                "email": email,
                "company": "Analytical Engines",
            },
        )
        await chat.see(email)
        await chat.shot("created", ui("en", "headline_created"))
        stored = await bot.contacts.find_by_email(email)
        assert stored is not None
        assert (stored.get("firstname"), stored.get("lastname"), stored.get("company")) == (
            "Ada",
            "Lovelace",
            "Analytical Engines",
        )

        await chat.page.locator(
            "button.ac-pushButton", has_text=ui("en", "btn_search")
        ).first.click()
        await chat.see(ui("en", "search_intro"))
        await chat.fill({"email": email})
        await chat.button("search_submit").click()
        await chat.see(ui("en", "results_title"))
        await chat.see("Ada Lovelace")
        await chat.shot("search-result", ui("en", "results_title"))

        await chat.button("row_update").click()
        await chat.see(ui("en", "update_intro"))
        await chat.fill({"jobtitle": "Programmer"})
        await chat.button("update_submit").click()
        await chat.see(ui("en", "confirm_intro"))
        await chat.see("Programmer")
        await chat.shot("confirm", ui("en", "confirm_intro"))
        unchanged = await bot.contacts.find_by_email(email)
        assert unchanged is not None and unchanged.get("jobtitle") == ""  # nothing saved yet

        await chat.button("confirm").click()
        await chat.see(ui("en", "headline_updated"))
        updated = await bot.contacts.find_by_email(email)
        assert updated is not None and updated.get("jobtitle") == "Programmer"
        assert not [e for e in chat.errors if "Content Security Policy" in e], chat.errors


async def test_korean_browser_gets_korean_cards_and_creates_a_contact(tmp_path, browser):
    email = f"minji.{uuid.uuid4().hex[:8]}@example.kr"
    async with running_app(make_settings(tmp_path)) as bot:
        chat = await _open(browser, bot, "ko-KR", "ko")
        await chat.see(ui("ko", "btn_create"))
        assert await chat.page.title() == "HubSpot 연락처 도우미"
        await chat.shot("welcome", ui("ko", "welcome_intro"))

        await _create(
            chat, {"lastname": "김", "firstname": "민지", "email": email, "company": "서울상사"}
        )
        await chat.see(email)
        await chat.shot("created", ui("ko", "headline_created"))
        stored = await bot.contacts.find_by_email(email)
        assert stored is not None
        assert (stored.get("firstname"), stored.get("lastname"), stored.get("company")) == (
            "민지",
            "김",
            "서울상사",
        )

        await chat.page.locator(
            "button.ac-pushButton", has_text=ui("ko", "btn_search")
        ).first.click()
        await chat.see(ui("ko", "search_intro"))
        await chat.fill({"company": "서울상사"})
        await chat.button("search_submit").click()
        await chat.see(ui("ko", "results_title"))
        await chat.see(email)
        await chat.shot("search-result", ui("ko", "results_title"))


async def test_typed_message_and_the_channel_notice_in_the_browser(tmp_path, browser):
    async with running_app(make_settings(tmp_path, max_message_chars=20)) as bot:
        chat = await _open(browser, bot, "en-US", "en")
        box = chat.page.get_by_role("textbox").last
        await box.fill("this message is longer than twenty characters")
        await box.press("Enter")
        await chat.see("That message is too long")


async def test_the_page_reconnects_after_a_restart_and_confirm_applies_once(tmp_path, browser):
    settings = make_settings(tmp_path, state_storage="sqlite")
    async with running_app(settings) as first:
        port = int(first.url.rsplit(":", 1)[1])
        jane = (
            await first.contacts.create(
                {"firstname": "Jane", "lastname": "Doe", "email": "jane@acme.com"}
            )
        ).contact
        chat = await _open(browser, first, "en-US", "en")
        box = chat.page.get_by_role("textbox").last
        await box.fill("update jane@acme.com company Globex")
        await box.press("Enter")
        await chat.see(ui("en", "confirm_intro"))
    status = chat.page.locator("#connection")
    await pw_expect(status).to_have_attribute("data-state", "reconnecting", timeout=TIMEOUT_MS)
    await pw_expect(status).to_contain_text("Reconnecting", timeout=TIMEOUT_MS)
    await chat.shot_page("reconnecting")
    async with running_app(settings, port=port) as second:
        # DirectLineJS waits 3-15 s before it reconnects, then the old token must still work.
        await pw_expect(status).to_have_attribute("data-state", "online", timeout=40_000)
        await chat.button("confirm").click()
        await chat.see(ui("en", "headline_updated"))
        assert (await second.contacts.get(jane.id)).get("company") == "Globex"
        assert second.hubspot_local.counters["update"].committed == 1
        assert [e.action for e in await second.app[STORE_KEY].audit_log()] == ["update"]


async def test_a_chat_that_cannot_be_resumed_says_so_and_offers_a_new_one(tmp_path, browser):
    settings = make_settings(tmp_path, state_storage="memory")  # memory: gone with the process
    async with running_app(settings) as first:
        port = int(first.url.rsplit(":", 1)[1])
        chat = await _open(browser, first, "ko-KR", "ko")
    async with running_app(settings, port=port):
        status = chat.page.locator("#connection")
        await pw_expect(status).to_have_attribute("data-state", "ended", timeout=40_000)
        await pw_expect(status).to_contain_text("만료되어 더 이상 이어갈 수 없어요")
        await chat.shot_page("ended")
        await status.get_by_role("button", name="새 대화 시작").click()
        await chat.see(ui("ko", "welcome_intro"))
        await pw_expect(status).to_be_hidden()


class ShiftedClock:
    def __init__(self) -> None:
        self.shift = 0.0

    def __call__(self) -> float:
        return time.time() + self.shift


@pytest.mark.timeout(120)
async def test_an_evicted_chat_says_it_expired_and_a_new_one_starts(tmp_path, browser):
    """The store keeps two conversations here; the page's goes idle and two others make it
    the one dropped. The page hears of it (its socket closes, the reconnect gets 404), says
    the chat expired, and "Start a new chat" starts one."""
    clock = ShiftedClock()
    settings = make_settings(tmp_path, webchat_max_conversations=2)
    async with running_app(settings, store=MemoryStore(clock)) as bot:
        chat = await _open(browser, bot, "en-US", "en")
        clock.shift += 11 * 60  # nothing said in the page's chat for 11 minutes: idle
        dl = DirectLineClient(bot.session, bot.url)
        for _ in range(2):
            await dl.start(await dl.page_token())
        status = chat.page.locator("#connection")
        await pw_expect(status).to_have_attribute("data-state", "ended", timeout=40_000)
        await pw_expect(status).to_contain_text("This chat has expired")
        await chat.shot_page("expired")
        clock.shift += 11 * 60  # the other two are idle by now too: room for a new one
        await status.get_by_role("button", name="Start a new chat").click()
        await chat.see(ui("en", "welcome_intro"))
        await pw_expect(status).to_be_hidden()
        box = chat.page.get_by_role("textbox").last
        await box.fill("help")
        await box.press("Enter")
        await chat.see("What I can do")


async def test_the_page_moves_to_another_instance_when_its_socket_dies(tmp_path, browser, postgres):
    """Two instances on one PostgreSQL behind a balancer without sticky sessions: the page's
    calls land on both; the instance holding its WebSocket is stopped; the page says it is
    reconnecting, carries on with the other, and Confirm applies once."""
    url = await asyncio.to_thread(postgres.new_database)
    async with hubspot_server() as hs:

        def settings(name: str) -> Any:
            return make_settings(
                tmp_path / name,
                database_url=url,
                hubspot_access_token=hs.token,
                hubspot_base_url=hs.url,
            )

        jane = await asyncio.to_thread(
            hs.sdk().crm.contacts.basic_api.create,
            SimplePublicObjectInputForCreate(
                properties={"firstname": "Jane", "lastname": "Doe", "email": "jane@acme.com"}
            ),
        )
        running = {
            name: running_app(settings(name), store=PostgresStore(url)) for name in ("a", "b")
        }
        apps = {name: await cm.__aenter__() for name, cm in running.items()}
        stopped: set[str] = set()
        try:
            by_url = {bot.url: name for name, bot in apps.items()}
            async with WebBalancer(list(by_url)) as lb:
                context = await browser.new_context(locale="en-US")
                chat = ChatPage(await context.new_page(), "en")
                await chat.page.goto(f"{lb.url}/")
                await chat.see(ui("en", "welcome_intro"))
                box = chat.page.get_by_role("textbox").last
                await box.fill("update jane@acme.com company Globex")
                await box.press("Enter")
                await chat.see(ui("en", "confirm_intro"))
                assert len([b for b, n in lb.requests.items() if n]) == 2, lb.requests
                holder = by_url[lb.socket_backends[-1]]
                stopped.add(holder)
                await running[holder].__aexit__(None, None, None)
                status = chat.page.locator("#connection")
                await pw_expect(status).to_have_attribute(
                    "data-state", "reconnecting", timeout=TIMEOUT_MS
                )
                await pw_expect(status).to_have_attribute("data-state", "online", timeout=40_000)
                assert by_url[lb.socket_backends[-1]] != holder
                await chat.button("confirm").click()
                await chat.see(ui("en", "headline_updated"))
                await context.close()
            stored = await asyncio.to_thread(
                hs.sdk().crm.contacts.basic_api.get_by_id, jane.id, properties=["company"]
            )
            assert stored.properties["company"] == "Globex"
            assert hs.counters["update"].committed == 1
        finally:
            for name, cm in running.items():
                if name not in stopped:
                    await cm.__aexit__(None, None, None)
