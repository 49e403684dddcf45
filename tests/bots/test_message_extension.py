"""The Teams message extension over HTTP, as Teams sends it: `composeExtension/query` invokes
(the compose box's search) and `composeExtension/queryLink` invokes (a pasted HubSpot link),
POSTed to /api/messages, answered in the invoke's own HTTP response. Fixtures in
tests/data/teams/ follow Microsoft's documented payloads.

HubSpot is the local one (through the official SDK), or a separate local HubSpot behind a
proxy that holds every request, for a HubSpot that is far away or hangs.
"""

from __future__ import annotations

import asyncio
import copy
import json
import uuid
from collections.abc import AsyncIterator
from functools import cache
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from hubspot.crm.contacts import SimplePublicObjectInputForCreate

from app import STORE_KEY
from bots.extensions import ANSWER_SECONDS
from cards import field_label, refusal_text, text, ui
from cards.shared import extension_text
from hubspot_local.controls import LOCAL_PORTAL_ID
from store.memory import MemoryStore
from tests.support.botapp import Conversation, RunningApp, card_nodes, running_app, test_settings
from tests.support.cardschema import card_problems
from tests.support.channel import TestChannel
from tests.support.gate import HubSpotGate
from tests.support.hubspot_server import hubspot_server

DATA = Path(__file__).resolve().parents[1] / "data" / "teams"
USER_AAD = "33333333-3333-3333-3333-333333333333"
ADAPTIVE = "application/vnd.microsoft.card.adaptive"


@cache
def _fixture(name: str) -> dict[str, Any]:
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


def query(text: str | None, *, locale: str = "en-US", aad: str = USER_AAD) -> dict[str, Any]:
    """The compose box's search invoke; `None` is its first, empty run (`initialRun`)."""
    name = "compose_extension_query" if text is not None else "compose_extension_query_initial_run"
    activity = copy.deepcopy(_fixture(name))
    if text is not None:
        activity["value"]["parameters"][0]["value"] = text
    return _stamp(activity, locale, aad)


def query_link(url: str, *, locale: str = "en-US") -> dict[str, Any]:
    activity = copy.deepcopy(_fixture("compose_extension_query_link"))
    activity["value"]["url"] = url
    return _stamp(activity, locale, USER_AAD)


def _stamp(activity: dict[str, Any], locale: str, aad: str) -> dict[str, Any]:
    activity["id"] = f"f:{uuid.uuid4()}"
    activity["locale"] = locale
    activity["entities"][0]["locale"] = locale
    activity["from"]["aadObjectId"] = aad
    return activity


async def invoke(bot: RunningApp, activity: dict[str, Any]) -> dict[str, Any]:
    """POST the invoke and return the composeExtension of its answer; the whole exchange must
    finish within the extension's own deadline (plus the trip), or the test fails."""
    async with asyncio.timeout(ANSWER_SECONDS + 1.5):
        async with bot.session.post(f"{bot.url}/api/messages", json=activity) as resp:
            assert resp.status == 200, await resp.text()
            body = await resp.json()
    return body["composeExtension"]


def previews(result: dict[str, Any]) -> list[str]:
    assert result["type"] == "result", result
    return [a["preview"]["content"]["title"] for a in result["attachments"]]


def card_of(result: dict[str, Any], name: str) -> dict[str, Any]:
    for attachment in result["attachments"]:
        if attachment["preview"]["content"]["title"] == name:
            assert attachment["contentType"] == ADAPTIVE
            return attachment["content"]
    raise AssertionError(f"no item {name!r} in {previews(result)}")


def texts(card: dict[str, Any]) -> list[str]:
    return [str(n["text"]) for n in card_nodes(card) if isinstance(n.get("text"), str)]


def open_urls(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [n for n in card_nodes(card) if n.get("type") == "Action.OpenUrl"]


async def page_text(session: aiohttp.ClientSession, url: str) -> tuple[int, str]:
    async with session.get(url) as resp:
        return resp.status, await resp.text()


@pytest.fixture
async def bot(tmp_path) -> AsyncIterator[RunningApp]:
    async with running_app(test_settings(tmp_path)) as running:
        ann = await running.hubspot_local.controls.owners.add("ann@acme.com", "Ann", "Lee")
        jane = await running.contacts.create(
            {
                "firstname": "Jane",
                "lastname": "Doe",
                "email": "jane@acme.com",
                "company": "Acme",
                "jobtitle": "CFO",
                "phone": "+1 415 555 0100",
            },
            owner_id=str(ann["id"]),
        )
        await running.contacts.create(
            {"firstname": "John", "lastname": "Smith", "email": "john@globex.com"}
        )
        await running.contacts.create(
            {
                "firstname": "민수",
                "lastname": "김",
                "email": "minsu@example.kr",
                "company": "서울상사",
            }
        )
        running.jane = jane.contact
        yield running


# -- compose-box search ------------------------------------------------------------------------


async def test_a_typed_name_offers_the_matching_contacts_and_the_card_to_insert(bot):
    result = await invoke(bot, query("Jane"))
    assert previews(result) == ["Jane Doe"]
    preview = result["attachments"][0]["preview"]
    assert preview["contentType"] == "application/vnd.microsoft.card.thumbnail"
    assert preview["content"]["subtitle"] == "CFO · Acme"
    assert "jane@acme.com" in preview["content"]["text"]

    card = card_of(result, "Jane Doe")
    assert card_problems(card) == []
    shown = texts(card)
    for expected in ("Jane Doe", "CFO", "Acme", "jane@acme.com", "+1 415-555-0100", "Ann Lee"):
        assert expected in shown, (expected, shown)
    assert field_label("en", "hubspot_owner_id") in shown
    # Only a link: a card dropped into another chat has no buttons that talk to the bot.
    assert not [n for n in card_nodes(card) if n.get("type") == "Action.Submit"]
    [link] = open_urls(card)
    assert link["title"] == ui("en", "open_hubspot")
    host = bot.hubspot_local.url.removeprefix("http://")
    assert link["url"] == f"http://{host}/contacts/{LOCAL_PORTAL_ID}/record/0-1/{bot.jane.id}"


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("jane@acme.com", ["Jane Doe"]),
        ("+1 415 555 0100", ["Jane Doe"]),
        ("Globex", ["John Smith"]),  # the words anywhere (here the email's domain)
        ("Acme", ["Jane Doe"]),
        ("smith", ["John Smith"]),
        ("Jo", ["John Smith"]),  # as one types: the start of a name
        ("서울", ["김민수"]),  # the start of a company
    ],
)
async def test_email_phone_company_and_name_all_find_contacts(bot, typed, found):
    assert previews(await invoke(bot, query(typed))) == found


async def test_scrolling_for_more_adds_nothing_twice(bot):
    more = query("Jane")
    more["value"]["queryOptions"]["skip"] = 25
    assert await invoke(bot, more) == {
        "type": "result",
        "attachmentLayout": "list",
        "attachments": [],
    }


async def test_korean_users_get_korean_cards(bot):
    result = await invoke(bot, query("김민수", locale="ko-KR"))
    assert previews(result) == ["김민수"]
    card = card_of(result, "김민수")
    assert card_problems(card) == []
    shown = texts(card)
    assert field_label("ko", "company") in shown and "서울상사" in shown
    assert [a["title"] for a in open_urls(card)] == [ui("ko", "open_hubspot")]


async def test_nothing_matching_is_said_in_the_users_language(bot):
    result = await invoke(bot, query("Zebulon", locale="ko-KR"))
    assert result == {
        "type": "message",
        "text": extension_text("ko", "no_matches", query="Zebulon"),
    }


async def test_the_empty_box_shows_the_contacts_this_user_saw_lately(bot):
    first = await invoke(bot, query(None))
    assert first == {"type": "message", "text": extension_text("en", "type_to_search")}

    await invoke(bot, query("Jane"))
    await invoke(bot, query("smith"))
    assert previews(await invoke(bot, query(None))) == ["John Smith", "Jane Doe"]
    # Another user's list is their own.
    other = await invoke(bot, query(None, aad="44444444-4444-4444-4444-444444444444"))
    assert other["type"] == "message"


async def test_contacts_the_bot_showed_in_a_chat_count_as_seen(bot):
    async with TestChannel() as channel:
        chat = Conversation(bot, channel, kind="teams")  # the fixtures' Teams user
        await chat.start()
        await chat.say("find jane@acme.com")
    assert previews(await invoke(bot, query(None))) == ["Jane Doe"]


async def test_recently_seen_contacts_are_shared_by_every_instance(tmp_path):
    store = MemoryStore()
    async with hubspot_server() as hs:
        settings = test_settings(tmp_path, hubspot_access_token=hs.token, hubspot_base_url=hs.url)
        async with running_app(settings, store=store) as a, running_app(settings, store=store) as b:
            await a.contacts.create({"firstname": "Ada", "lastname": "Byron", "email": "ada@x.com"})
            assert previews(await invoke(a, query("ada@x.com"))) == ["Ada Byron"]
            assert previews(await invoke(b, query(None))) == ["Ada Byron"]


async def test_a_user_the_access_lists_keep_out_gets_a_clear_message(tmp_path):
    settings = test_settings(tmp_path, allowed_users="someone-else@acme.com")
    async with running_app(settings) as running:
        result = await invoke(running, query("Jane"))
        assert result["type"] == "message"
        assert result["text"] == ui_refusal("en")
        korean = await invoke(running, query(None, locale="ko-KR"))
        assert korean["text"] == ui_refusal("ko")


def ui_refusal(lang: str) -> str:
    return refusal_text(lang, "not_allowed")


async def test_a_long_turn_in_the_same_chat_does_not_hold_the_search_up(bot):
    """The chat's turns run one at a time (the store's turn lock); the compose box's invoke
    needs no conversation state, so it is answered while another turn holds that lock."""
    activity = query("Jane")
    key = f"turn/{activity['channelId']}/{activity['conversation']['id']}"
    async with bot.app[STORE_KEY].turn(key):
        assert previews(await invoke(bot, activity)) == ["Jane Doe"]


# -- a slow HubSpot ----------------------------------------------------------------------------


async def test_hubspot_a_second_away_still_answers_within_the_deadline(tmp_path):
    async with hubspot_server() as hs, HubSpotGate(hs.url, delay=1.0) as far:
        hs_sdk = hs.sdk()
        body = SimplePublicObjectInputForCreate(
            properties={"firstname": "Jane", "lastname": "Far", "email": "far@acme.com"}
        )
        await asyncio.to_thread(hs_sdk.crm.contacts.basic_api.create, body)
        settings = test_settings(tmp_path, hubspot_access_token=hs.token, hubspot_base_url=far.url)
        async with running_app(settings) as running:
            result = await invoke(running, query("far@acme.com"))  # within ANSWER_SECONDS
            assert previews(result) == ["Jane Far"]


async def test_a_hanging_hubspot_gets_a_clear_message_not_a_hang(tmp_path):
    async with hubspot_server() as hs, HubSpotGate(hs.url, delay=30.0) as hanging:
        settings = test_settings(
            tmp_path, hubspot_access_token=hs.token, hubspot_base_url=hanging.url
        )
        async with running_app(settings) as running:
            result = await invoke(running, query("Jane"))  # within ANSWER_SECONDS
            assert result["type"] == "message"
            assert result["text"] in (
                extension_text("en", "slow"),
                ui_error("en"),
            )


def ui_error(lang: str) -> str:
    return text(lang, "hubspot_unavailable")


# -- link unfurling ----------------------------------------------------------------------------


async def test_a_pasted_local_record_link_unfurls_into_the_contact_card(bot):
    result = await invoke(bot, query_link(bot.jane.url))
    assert previews(result) == ["Jane Doe"]
    card = card_of(result, "Jane Doe")
    assert card_problems(card) == [] and "jane@acme.com" in texts(card)


async def test_a_real_hubspot_record_link_of_this_portal_unfurls(bot):
    url = f"https://app.hubspot.com/contacts/{LOCAL_PORTAL_ID}/record/0-1/{bot.jane.id}"
    assert previews(await invoke(bot, query_link(url))) == ["Jane Doe"]
    eu = f"https://app-eu1.hubspot.com/contacts/{LOCAL_PORTAL_ID}/record/0-1/{bot.jane.id}/"
    assert previews(await invoke(bot, query_link(eu, locale="ko-KR"))) == ["Jane Doe"]


# Other links (another portal, a missing record, a company...): tests/bots/test_teams_unfurl.py


# -- the links themselves ------------------------------------------------------------------------


async def test_every_open_in_hubspot_link_opens_the_contacts_record_page(bot):
    found = await invoke(bot, query("Jane"))
    unfurled = await invoke(bot, query_link(bot.jane.url))
    for card in (card_of(found, "Jane Doe"), card_of(unfurled, "Jane Doe")):
        [link] = open_urls(card)
        status, page = await page_text(bot.session, link["url"])
        assert status == 200 and "Jane Doe" in page
    gone = bot.jane.url.rsplit("/", 1)[0] + "/999999"
    assert (await page_text(bot.session, gone))[0] == 404
