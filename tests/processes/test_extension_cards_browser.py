"""The message extension's cards as a person sees them, rendered in real Chromium by the Web Chat
bundle the app serves (its Adaptive Cards renderer): the compose-box result list and the card it
inserts, and the card an unfurled HubSpot link becomes. The cards are the ones the bot answered
to `composeExtension/query` and `composeExtension/queryLink` invokes over HTTP; the test shows
them in the page's chat as the channel shows any bot message, clicks "Open in HubSpot" and reads
the record page that opens.

Screenshots go to tests/artifacts/ (gitignored): compose-search-list-*.png,
compose-search-card-*.png, unfurled-link-card-*.png.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from playwright.async_api import Browser, Page, async_playwright
from playwright.async_api import expect as pw_expect

from cards import ui
from hubspot_local.controls import LOCAL_PORTAL_ID
from tests.bots.test_message_extension import invoke, query, query_link
from tests.processes.test_webchat_browser import ARGS, ARTIFACTS, EXECUTABLE, TIMEOUT_MS
from tests.support.botapp import RunningApp, running_app
from tests.support.botapp import test_settings as make_settings
from webchat import WEBCHAT_KEY, assets

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(EXECUTABLE is None, reason="no Chromium at /usr/bin/chromium"),
    pytest.mark.timeout(90),
]


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    if not await asyncio.to_thread(assets.is_installed):
        pytest.skip("the Web Chat bundle is not installed (`make webchat-assets`)")
    async with async_playwright() as pw:
        chromium = await pw.chromium.launch(executable_path=EXECUTABLE, args=ARGS)
        try:
            yield chromium
        finally:
            await chromium.close()


async def _open_chat(browser: Browser, bot: RunningApp, locale: str) -> tuple[Page, str]:
    """The Web Chat page, and the id of the conversation it started."""
    context = await browser.new_context(locale=locale, viewport={"width": 900, "height": 900})
    page = await context.new_page()
    async with page.expect_response(lambda r: r.url.endswith("/api/webchat/token")) as grant:
        await page.goto(f"{bot.url}/")
    conversation_id = str((await (await grant.value).json())["conversationId"])
    lang = "ko" if locale.startswith("ko") else "en"
    await pw_expect(page.get_by_text(ui(lang, "welcome_intro")).last).to_be_visible(
        timeout=TIMEOUT_MS
    )
    return page, conversation_id


async def _show(bot: RunningApp, conversation_id: str, message: dict[str, Any]) -> None:
    """Put a bot message into the page's chat, as the channel delivers the bot's replies."""
    channel = bot.app[WEBCHAT_KEY].channel
    await channel.post_from_bot(conversation_id, {"type": "message", **message})


async def _shot(page: Page, showing: str, name: str) -> None:
    item = page.get_by_role("article").filter(has_text=showing).last
    await pw_expect(item).to_be_visible(timeout=TIMEOUT_MS)
    await item.scroll_into_view_if_needed()
    await page.wait_for_timeout(300)  # Web Chat's scroll-to-bottom animation
    ARTIFACTS.mkdir(exist_ok=True)
    await item.screenshot(path=str(ARTIFACTS / f"{name}.png"))


async def _open_in_hubspot(page: Page, showing: str, lang: str) -> str:
    """Click the card's "Open in HubSpot" and return the text of the page that opens."""
    item = page.get_by_role("article").filter(has_text=showing).last
    button = item.locator("button", has_text=ui(lang, "open_hubspot"))
    async with page.context.expect_page() as opened:
        await button.click()
    record = await opened.value
    await record.wait_for_load_state()
    return await record.inner_text("body")


async def _seed(bot: RunningApp) -> Any:
    ann = await bot.hubspot_local.controls.owners.add("ann@acme.com", "Ann", "Lee")
    for first, last, email in (("Janet", "Moss", "janet@initech.com"),):
        await bot.contacts.create({"firstname": first, "lastname": last, "email": email})
    created = await bot.contacts.create(
        {
            "firstname": "Jane",
            "lastname": "Doe",
            "email": f"jane.{uuid.uuid4().hex[:6]}@acme.com",
            "company": "Acme",
            "jobtitle": "CFO",
            "phone": "+1 415 555 0100",
        },
        owner_id=str(ann["id"]),
    )
    await bot.contacts.create(
        {"firstname": "민수", "lastname": "김", "email": "minsu@example.kr", "company": "서울상사"}
    )
    return created.contact


async def test_compose_box_results_and_the_inserted_card_in_chromium(tmp_path, browser):
    async with running_app(make_settings(tmp_path)) as bot:
        jane = await _seed(bot)
        result = await invoke(bot, query("Jan"))
        titles = [a["preview"]["content"]["title"] for a in result["attachments"]]
        assert sorted(titles) == ["Jane Doe", "Janet Moss"]
        page, conversation_id = await _open_chat(browser, bot, "en-US")

        # The list Teams shows under the compose box: the preview of each item.
        await _show(
            bot,
            conversation_id,
            {
                "text": "Find a contact: Jan",
                "attachmentLayout": "list",
                "attachments": [a["preview"] for a in result["attachments"]],
            },
        )
        await _shot(page, "Find a contact: Jan", "compose-search-list-en")

        # The card inserted into the conversation when Jane Doe is picked.
        [picked] = [
            a for a in result["attachments"] if a["preview"]["content"]["title"] == "Jane Doe"
        ]
        await _show(bot, conversation_id, {"attachments": [picked]})
        await _shot(page, jane.email, "compose-search-card-en")
        card = page.get_by_role("article").filter(has_text=jane.email).last
        for shown in ("Jane Doe", "CFO", "Acme", "+1 415-555-0100", "Ann Lee"):
            await pw_expect(card).to_contain_text(shown)
        record = await _open_in_hubspot(page, jane.email, "en")
        assert "Jane Doe" in record and jane.email in record


async def test_an_unfurled_hubspot_link_in_chromium_in_english_and_korean(tmp_path, browser):
    async with running_app(make_settings(tmp_path)) as bot:
        jane = await _seed(bot)
        url = f"https://app.hubspot.com/contacts/{LOCAL_PORTAL_ID}/record/0-1/{jane.id}"
        result = await invoke(bot, query_link(url))
        [item] = result["attachments"]
        page, conversation_id = await _open_chat(browser, bot, "en-US")
        await _show(bot, conversation_id, {"text": url, "attachments": [item]})
        await _shot(page, jane.email, "unfurled-link-card-en")
        assert "Jane Doe" in await _open_in_hubspot(page, jane.email, "en")

        minsu = await bot.contacts.find_by_email("minsu@example.kr")
        assert minsu is not None
        korean = await invoke(bot, query_link(minsu.url, locale="ko-KR"))
        korean_page, korean_conversation = await _open_chat(browser, bot, "ko-KR")
        await _show(
            bot, korean_conversation, {"text": minsu.url, "attachments": korean["attachments"]}
        )
        await _shot(korean_page, "minsu@example.kr", "unfurled-link-card-ko")
        assert "민수" in await _open_in_hubspot(korean_page, "minsu@example.kr", "ko")
