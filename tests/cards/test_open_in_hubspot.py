""" "Open in HubSpot" on the chat's own cards: the found / created contact card, the duplicate
card and every result row link to the contact's record, built from HubSpot's account-info
(portal id, uiDomain), and each link opens (locally: the local HubSpot's record page, 200 with
the contact's name). When account-info cannot be read the cards simply have no link.
"""

from __future__ import annotations

from typing import Any

from cards import ui
from hubspot_local import Faults
from hubspot_local.controls import LOCAL_PORTAL_ID
from tests.support.botapp import Conversation, card_nodes, running_app, test_settings
from tests.support.cardschema import card_problems
from tests.support.channel import Recorded
from tests.support.hubspot_server import hubspot_server


def fresh(replies: list[Recorded]) -> list[Recorded]:
    """The new messages of a turn, not the updates of earlier cards (their final states)."""
    return [r for r in replies if not r.updated]


def links(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [n for n in card_nodes(card) if n.get("type") == "Action.OpenUrl"]


async def opens(bot: Any, url: str, name: str) -> bool:
    async with bot.session.get(url) as resp:
        return resp.status == 200 and name in await resp.text()


async def test_found_created_duplicate_and_result_cards_link_to_the_record(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        chat = Conversation(bot, channel)
        await chat.start()
        [created] = [
            c for r in fresh(await chat.say("add Jane Doe jane@acme.com Acme")) for c in r.cards
        ]
        jane = await bot.contacts.find_by_email("jane@acme.com")
        assert jane is not None
        host = bot.hubspot_local.url.removeprefix("http://")
        expected = f"http://{host}/contacts/{LOCAL_PORTAL_ID}/record/0-1/{jane.id}"
        assert jane.url == expected

        await bot.contacts.create(
            {"firstname": "Jim", "lastname": "Doe", "email": "jim@acme.com", "company": "Acme"}
        )
        [found] = [c for r in fresh(await chat.say("find jane@acme.com")) for c in r.cards]
        [duplicate] = [
            c for r in fresh(await chat.say("add Jane Doe jane@acme.com")) for c in r.cards
        ]
        [results] = [c for r in fresh(await chat.say("search Acme")) for c in r.cards]
        for card in (created, found, duplicate):
            assert card_problems(card) == []
            [link] = links(card)
            assert (link["title"], link["url"]) == (ui("en", "open_hubspot"), expected)
            assert await opens(bot, link["url"], "Jane Doe")
        assert card_problems(results) == []
        rows = links(results)
        assert len(rows) == 2  # one per row: Jane and Jim
        for link in rows:
            contact_id = link["url"].rsplit("/", 1)[1]
            contact = await bot.contacts.get(contact_id)
            assert await opens(bot, link["url"], contact.display_name)


async def test_korean_cards_say_open_in_hubspot_in_korean(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        await bot.contacts.create({"firstname": "민수", "lastname": "김", "email": "minsu@ex.kr"})
        chat = Conversation(bot, channel, locale="ko-KR")
        await chat.start()
        [card] = [c for r in fresh(await chat.say("minsu@ex.kr 찾아줘")) for c in r.cards]
        [link] = links(card)
        assert link["title"] == ui("ko", "open_hubspot")
        assert await opens(bot, link["url"], "민수")


async def test_without_account_info_cards_have_no_link_and_still_work(tmp_path, channel):
    faults = Faults(rate=1.0, statuses=(500,), routes=frozenset({"account_info"}))
    async with hubspot_server(faults=faults) as hs:
        settings = test_settings(tmp_path, hubspot_access_token=hs.token, hubspot_base_url=hs.url)
        async with running_app(settings) as bot:
            await bot.contacts.create({"firstname": "Jane", "lastname": "Doe", "email": "j@a.com"})
            chat = Conversation(bot, channel)
            await chat.start()
            [card] = [c for r in fresh(await chat.say("find j@a.com")) for c in r.cards]
            assert "j@a.com" in str(card) and links(card) == []
            assert hs.counters["account_info"].total >= 1  # it was asked, and failed
