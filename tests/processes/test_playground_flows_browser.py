"""The bot's flows in Microsoft's Agents Playground (a local Teams-like client, installed by
`make playground`), driven in Chromium as a person would use Teams, against the real app and
the local HubSpot: each welcome button, a search, a create and an update through their forms
(the update's Confirm ends the card in place; a second Confirm writes nothing), a channel
thread, a group chat with an @mention, a Confirm in a group chat (the card's message is edited
for everyone), the compose box's search (the message extension) and a reinstall that greets
again.

The Playground's user is Alex Wilber and its locale is en-US (tests/playground/
.m365agentsplayground.yml); the Korean paths stay covered by the HTTP tests (tests/bots/).
Screenshots go to tests/artifacts/ (gitignored): playground-<flow>-en.png.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Locator, Page, async_playwright
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
WELCOME = "I search, create and update your HubSpot contacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.timeout(90),  # the Playground, the app and Chromium start in each test
    pytest.mark.skipif(CHROMIUM_EXECUTABLE is None, reason="no Chromium (`make browser`)"),
    pytest.mark.skipif(
        not playground_installed(), reason="no node or no Agents Playground (`make playground`)"
    ),
]


@pytest.fixture
async def app(tmp_path) -> AsyncIterator[RunningApp]:
    async with running_app(make_settings(tmp_path)) as running:
        running.jane = await running.contacts.create(
            {"firstname": "Jane", "lastname": "Doe", "email": "jane@acme.com", "company": "Acme"}
        )
        yield running


@pytest.fixture
async def page(app, tmp_path) -> AsyncIterator[Page]:
    """The Playground's page (personal chat open, its welcome shown), talking to `app`."""
    async with (
        running_playground(f"{app.url}/api/messages", log=tmp_path / "playground.log") as url,
        async_playwright() as pw,
    ):
        browser = await pw.chromium.launch(executable_path=CHROMIUM_EXECUTABLE, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport={"width": 1280, "height": 900})
            await page.goto(url, timeout=TIMEOUT_MS)
            await see(page, WELCOME)
            yield page
        finally:
            await browser.close()


async def see(where: Page | Locator, text: str) -> None:
    await pw_expect(where.get_by_text(text, exact=False).last).to_be_visible(timeout=TIMEOUT_MS)


async def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"playground-{name}-en.png"))


def field(page: Page, label: str) -> Locator:
    """The newest card input with this label (Adaptive Cards label their inputs)."""
    return page.get_by_label(label, exact=True).last


async def press(page: Page, button: str) -> None:
    await page.get_by_role("button", name=button, exact=True).last.click()


def compose_box(where: Page | Locator) -> Locator:
    """The message box at the bottom of a chat (or of a channel post's thread): the one
    editable text area, not a card's inputs (which are textboxes too)."""
    return where.locator('[contenteditable="true"][role="textbox"]').last


async def mention_and_say(page: Page, box: Locator, text: str) -> None:
    """Type `@Contact Assistant <text>` the way Teams' compose box does it: `@`, then pick the
    bot from the suggestions (the Playground sends it as an <at> mention), then send."""
    await box.click()
    await page.keyboard.type("@Cont")
    await page.get_by_role("menuitem", name="Contact Assistant").click()
    await page.keyboard.type(f" {text}")
    await page.keyboard.press("Enter")


def writes(app: RunningApp) -> int:
    counters = app.hubspot_local.controls.counters
    return int(counters["update"].committed + counters["batch_update"].committed)


async def test_the_welcome_and_each_of_its_buttons(page):
    await see(page, "HubSpot Contact Assistant")
    await shot(page, "welcome")
    await press(page, "Search contacts")
    await see(page, "Search contacts — tell me what to look for.")
    await pw_expect(field(page, "Email")).to_be_visible(timeout=TIMEOUT_MS)
    await press(page, "Create contact")
    await see(page, "Create contact — fill in the form")
    await pw_expect(field(page, "First name")).to_be_visible(timeout=TIMEOUT_MS)
    await press(page, "Update contact")
    await see(page, "Update contact — which contact?")
    await pw_expect(field(page, "Email or name *")).to_be_visible(timeout=TIMEOUT_MS)
    assert await page.get_by_text("earlier conversation").count() == 0
    assert await page.get_by_text("I didn't get that").count() == 0
    await shot(page, "buttons")


async def test_a_search_through_the_form(page):
    await press(page, "Search contacts")
    await field(page, "Company").fill("Acme")
    await press(page, "Search")
    await see(page, "Search results")
    await see(page, "jane@acme.com")
    await see(page, "Showing 1 of 1")
    await shot(page, "search-results")


async def test_a_create_through_the_form_is_in_hubspot(page, app):
    await press(page, "Create contact")
    await field(page, "First name").fill("Ann")
    await field(page, "Last name").fill("Lee")
    await field(page, "Email").fill("ann.lee@globex.com")
    await field(page, "Company").fill("Globex")
    await press(page, "Create")
    await see(page, "Contact created")
    await see(page, "ann.lee@globex.com")
    await shot(page, "created")
    ann = await app.contacts.find_by_email("ann.lee@globex.com")
    assert ann is not None
    assert (ann.get("firstname"), ann.get("lastname"), ann.get("company")) == (
        "Ann",
        "Lee",
        "Globex",
    )


async def test_an_update_confirmed_twice_ends_in_place_and_saves_once(page, app):
    await press(page, "Update contact")
    await field(page, "Email or name *").fill("jane@acme.com")
    await press(page, "Find")
    await pw_expect(page.get_by_role("button", name="Review changes").last).to_be_visible(
        timeout=TIMEOUT_MS
    )
    await field(page, "Company").fill("Globex")
    await press(page, "Review changes")
    await see(page, "Confirm changes to Jane Doe")
    await see(page, "Acme → Globex")  # old -> new, before anything is written
    await shot(page, "confirm")
    assert writes(app) == 0
    # Two presses in a row: both reach the app (two adaptiveCard/action invokes) before the
    # card's final state replaces the buttons.
    await page.get_by_role("button", name="Confirm", exact=True).last.dblclick()
    await see(page, "Saved by Alex Wilber")
    confirm_card = page.locator(".ac-adaptiveCard").filter(has_text="Confirm changes to Jane Doe")
    await pw_expect(confirm_card.get_by_role("button")).to_have_count(0, timeout=TIMEOUT_MS)
    await see(page, "Contact updated")
    await shot(page, "confirmed")
    jane = await app.contacts.find_by_email("jane@acme.com")
    assert jane is not None and jane.get("company") == "Globex"
    assert writes(app) == 1
    assert await page.get_by_text("Contact updated", exact=True).count() == 1


async def test_a_channel_thread_gets_its_answer_in_the_thread(page):
    await page.get_by_text("General", exact=True).first.click()
    await see(page, "Start a new post")
    # Each channel post is a group with its own reply box: the welcome's thread.
    welcome_post = page.get_by_role("group").filter(has_text=WELCOME)
    await pw_expect(welcome_post).to_have_count(1, timeout=TIMEOUT_MS)
    await mention_and_say(page, compose_box(welcome_post), "find jane@acme.com")
    await see(welcome_post, "Search results")
    await see(welcome_post, "jane@acme.com")
    await shot(page, "channel-thread")
    # Not a new post on the channel: every post but the welcome's has no results.
    results_posts = page.get_by_role("group").filter(has_text="Search results")
    await pw_expect(results_posts).to_have_count(1)


async def open_group_chat(page: Page) -> None:
    """Switch to the group chat and wait for its own welcome: the Playground installs the bot
    there on the first visit (a second conversationUpdate in its log), and its welcome card
    looks like the personal chat's."""
    await page.get_by_text("Group Chat", exact=True).first.click()
    installed = page.get_by_text("conversationUpdate 202", exact=True)
    await pw_expect(installed).to_have_count(2, timeout=TIMEOUT_MS)
    sent = page.get_by_text("User Application -> Microsoft 365 Agents Playground message 202")
    await pw_expect(sent).to_have_count(2, timeout=TIMEOUT_MS)  # the group chat's welcome
    await see(page, WELCOME)


async def test_a_group_chat_with_an_at_mention(page):
    await open_group_chat(page)
    await mention_and_say(page, compose_box(page), "find jane@acme.com")
    await see(page, "Search results")
    await see(page, "jane@acme.com")
    assert await page.get_by_text("I didn't get that").count() == 0
    await shot(page, "group-mention")
    # The answer went to the group chat, not to the personal chat.
    await page.get_by_text("Personal Chat", exact=True).first.click()
    await see(page, WELCOME)
    assert await page.get_by_text("Search results").count() == 0


async def test_a_confirmation_in_a_group_chat_ends_for_everyone(page, app):
    """In a group chat the used card's message is edited too (issue 26, 6): the Playground
    logs that update (PUT, 200) after the invoke; in Teams the other members see it."""
    await open_group_chat(page)
    await mention_and_say(page, compose_box(page), "update jane@acme.com company Globex")
    await see(page, "Acme → Globex")
    edits = page.get_by_text("message 200", exact=True)
    assert await edits.count() == 0
    await press(page, "Confirm")
    await see(page, "Saved by Alex Wilber")
    await pw_expect(edits).to_have_count(1, timeout=TIMEOUT_MS)
    await shot(page, "group-confirmed")
    assert writes(app) == 1


async def test_a_compose_box_search_inserts_the_contact(page):
    """The message extension's search command, from the compose box's "+" menu: the typed
    text reaches the bot as composeExtension/query and its preview items are listed."""
    await page.get_by_role("button", name="Trigger Message Extension App").click()
    await page.get_by_text("Search Command", exact=True).click()
    search = page.get_by_placeholder("Enter a search term")
    await search.fill("jane")
    await search.press("Enter")
    results = page.get_by_text("Search-Based Message Extension").locator("xpath=../..")
    await see(results, "jane@acme.com")
    await shot(page, "compose-search")
    await results.get_by_text("Jane Doe").first.click()
    # The chosen contact's card goes into the compose box, then into the chat when sent.
    await page.get_by_role("button", name="Send Message").click()
    await pw_expect(page.get_by_text("Send a card").first).to_be_visible(timeout=TIMEOUT_MS)
    await see(page, "jane@acme.com")
    # The bot answers an inserted card with nothing (issue 26, 3); a typed command after it
    # is answered in turn, so by then any answer to the card would be on the page.
    await compose_box(page).click()
    await page.keyboard.type("find jane@acme.com")
    await page.keyboard.press("Enter")
    await see(page, "Search results")
    await shot(page, "compose-inserted")
    assert await page.get_by_text("I didn't get that").count() == 0


async def test_a_reinstall_greets_again(page):
    """Uninstall and install again from the Playground's "Mock an Activity" menu
    (installationUpdate remove / add): a new welcome (issue 26, 6)."""
    welcomes = page.get_by_text(WELCOME)
    await pw_expect(welcomes).to_have_count(1, timeout=TIMEOUT_MS)
    await page.get_by_role("button", name="Mock an Activity").click()
    await page.get_by_text("Uninstall application", exact=True).click()
    await press(page, "Send activity")  # the activity is shown to edit first
    await pw_expect(page.get_by_text("installationUpdate 202")).to_have_count(2, timeout=TIMEOUT_MS)
    await page.get_by_role("button", name="Mock an Activity").click()
    await page.get_by_text("Install application", exact=True).click()
    await press(page, "Send activity")
    await pw_expect(welcomes).to_have_count(2, timeout=TIMEOUT_MS)
    await shot(page, "reinstalled")
