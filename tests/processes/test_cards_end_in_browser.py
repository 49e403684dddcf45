"""Cards that end when used, on the built-in Web Chat page in Chromium: after Confirm the card is
replaced by its final state (one card, not a second one) with no button left, and an old
confirmation card cannot write even when pressed. The screenshot of the final state goes to
tests/artifacts/card-final-<lang>.png.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.async_api import Browser, Locator, WebSocketRoute
from playwright.async_api import expect as pw_expect

from cards import ui
from tests.processes.test_webchat_browser import (
    ARTIFACTS,
    EXECUTABLE,
    TIMEOUT_MS,
    ChatPage,
    browser,
)
from tests.support.botapp import RunningApp, running_app
from tests.support.botapp import test_settings as make_settings

__all__ = ["browser"]  # the fixture, shared with the other browser tests

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(EXECUTABLE is None, reason="no Chromium at /usr/bin/chromium"),
]


class HeldUpdates:
    """Sits in the page's Direct Line stream: while `holding`, an activity the page has seen
    before (an update of a card) is kept from it, so the page still shows the old card live."""

    def __init__(self) -> None:
        self.holding = False
        self.seen: set[str] = set()
        self.held: list[dict[str, Any]] = []

    def route(self, ws: WebSocketRoute) -> None:
        server = ws.connect_to_server()

        def from_server(message: str | bytes) -> None:
            if isinstance(message, str) and message.strip():
                frame = json.loads(message)
                shown = []
                for activity in frame.get("activities") or []:
                    if self.holding and activity.get("id") in self.seen:
                        self.held.append(activity)
                        continue
                    self.seen.add(str(activity.get("id")))
                    shown.append(activity)
                frame["activities"] = shown
                message = json.dumps(frame)
            ws.send(message)

        server.on_message(from_server)


def cards_titled(chat: ChatPage, title: str) -> Locator:
    return chat.page.locator(".ac-adaptiveCard").filter(has_text=title)


async def _say(chat: ChatPage, message: str) -> None:
    box = chat.page.get_by_role("textbox").last
    await box.fill(message)
    await box.press("Enter")


async def shot(card: Locator, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    await card.scroll_into_view_if_needed()
    await card.page.wait_for_timeout(300)  # Web Chat's scroll animation
    await card.screenshot(path=str(ARTIFACTS / name))


def writes(bot: RunningApp) -> int:
    counters = bot.hubspot_local.controls.counters
    return counters["update"].committed + counters["batch_update"].committed


async def test_a_used_card_ends_in_place_and_an_old_one_cannot_write(tmp_path, browser: Browser):
    async with running_app(make_settings(tmp_path)) as bot:
        jane = (
            await bot.contacts.create(
                {
                    "firstname": "Jane",
                    "lastname": "Doe",
                    "email": "jane@acme.com",
                    "company": "Acme",
                }
            )
        ).contact
        context = await browser.new_context(locale="en-US", viewport={"width": 1000, "height": 900})
        page = await context.new_page()
        stream = HeldUpdates()
        await page.route_web_socket(re.compile(r".*/stream\?.*"), stream.route)
        chat = ChatPage(page, "en")
        await page.goto(f"{bot.url}/")
        await chat.see(ui("en", "welcome_intro"))

        title = ui("en", "confirm_title", name="Jane Doe")
        await _say(chat, "update jane@acme.com company Globex")
        await chat.see(title)
        confirm = cards_titled(chat, "Acme → Globex")
        await pw_expect(confirm).to_have_count(1, timeout=TIMEOUT_MS)
        await pw_expect(confirm.locator("button", has_text=ui("en", "confirm"))).to_be_enabled()
        # Only the change is shown; the contact's other fields wait behind "Show all fields".
        email = confirm.get_by_text("jane@acme.com")
        await pw_expect(email).to_be_hidden()
        await confirm.locator("button", has_text="Show all fields").click()
        await pw_expect(email).to_be_visible()
        await shot(confirm, "card-confirm-en.png")

        await confirm.locator("button", has_text=ui("en", "confirm")).click()
        updated = cards_titled(chat, ui("en", "headline_updated"))
        await pw_expect(updated.get_by_text("was Acme")).to_be_visible(timeout=TIMEOUT_MS)
        await shot(updated, "card-updated-en.png")
        # The same card, now in its final state: still one, nothing on it to press.
        await pw_expect(confirm.filter(has_text="✓ Saved by")).to_have_count(1, timeout=TIMEOUT_MS)
        await pw_expect(confirm).to_have_count(1)
        await pw_expect(confirm.locator("button")).to_have_count(0)
        # ...and where it was: above the updated contact that came after it.
        above, below = await confirm.bounding_box(), await updated.bounding_box()
        assert above is not None and below is not None and above["y"] < below["y"]
        await shot(confirm, "card-final-en.png")
        assert (await bot.contacts.get(jane.id)).get("company") == "Globex"
        assert writes(bot) == 1

        # An old confirmation card, kept live on the page (its replacement held back), is
        # pressed after a newer one came: refused, nothing written.
        stream.holding = True
        await _say(chat, "update jane@acme.com company Initech")
        await chat.see("Globex → Initech")
        await _say(chat, "update jane@acme.com company Umbrella")
        await chat.see("Globex → Umbrella")
        old = cards_titled(chat, "Globex → Initech")
        old_confirm = old.locator("button", has_text=ui("en", "confirm"))
        await pw_expect(old_confirm).to_be_enabled()
        await old_confirm.click()
        await chat.see("That card is no longer in use")
        assert [a for a in stream.held if "Globex → Initech" in json.dumps(a, ensure_ascii=False)]
        assert (await bot.contacts.get(jane.id)).get("company") == "Globex"
        assert writes(bot) == 1

        stream.holding = False
        newest = cards_titled(chat, "Globex → Umbrella")
        await newest.locator("button", has_text=ui("en", "confirm")).click()
        await pw_expect(newest.filter(has_text="✓ Saved by")).to_have_count(1, timeout=TIMEOUT_MS)
        assert (await bot.contacts.get(jane.id)).get("company") == "Umbrella"
        assert writes(bot) == 2
        assert not [e for e in chat.errors if "Content Security Policy" in e], chat.errors
        await context.close()


async def test_the_teams_final_card_in_korean_as_a_person_sees_it(tmp_path, browser: Browser):
    """Teams' answer to a Confirm (Action.Execute) in Korean, rendered by the Web Chat bundle's
    Adaptive Cards renderer: what was done, by whom, when, and nothing left to press."""
    from tests.flows.test_cards_end_when_used import _teams_confirm, execute, executes
    from tests.support.channel import TestChannel
    from webchat import WEBCHAT_KEY

    async with running_app(make_settings(tmp_path)) as bot, TestChannel() as channel:
        await bot.contacts.create(
            {"firstname": "민수", "lastname": "김", "email": "minsu@hanbit.kr", "company": "한빛"}
        )
        change = "minsu@hanbit.kr 회사 Globex로 수정"
        chat, reply = await _teams_confirm(bot, channel, change, locale="ko-KR")
        final = await execute(chat, reply, executes(reply.cards[0])["확인"])

        context = await browser.new_context(locale="ko-KR", viewport={"width": 900, "height": 900})
        page = await context.new_page()
        async with page.expect_response(lambda r: r.url.endswith("/api/webchat/token")) as grant:
            await page.goto(f"{bot.url}/")
        conversation_id = str((await (await grant.value).json())["conversationId"])
        page_chat = ChatPage(page, "ko")
        await page_chat.see(ui("ko", "welcome_intro"))
        attachment = {"contentType": "application/vnd.microsoft.card.adaptive", "content": final}
        await bot.app[WEBCHAT_KEY].channel.post_from_bot(
            conversation_id, {"type": "message", "attachments": [attachment]}
        )
        card = cards_titled(page_chat, "✓ Fixture User 님이 저장했어요 · ")
        await pw_expect(card).to_have_count(1, timeout=TIMEOUT_MS)
        await pw_expect(card.get_by_text("한빛 → Globex")).to_be_visible()
        await pw_expect(card.locator("button")).to_have_count(0)
        await shot(card, "card-final-teams-ko.png")
        await context.close()
