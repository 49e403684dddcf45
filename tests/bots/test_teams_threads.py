"""Cards in a Teams channel and its threads, over HTTP with the payloads Teams sends.

The welcome is posted on the channel (`<channel id>`); a press on its buttons arrives from the
post's thread (`<channel id>;messageid=<root>`), and so does everything said in that thread.
A channel and its threads are one conversation: the press finds the card's nonce and live
cards, and the answer goes to the thread it came from.
"""

from __future__ import annotations

import pytest

import cards
from tests.support.botapp import find_nonce, running_app, submit_actions, test_settings
from tests.support.channel import TestChannel
from tests.support.teams_chat import (
    exchange,
    execute,
    in_channel,
    invoke,
    new_channel,
    shown,
    stamped,
    submit,
    team_added,
    thread_of,
)


@pytest.fixture
async def teams(tmp_path):
    async with running_app(test_settings(tmp_path)) as bot, TestChannel() as channel:
        await bot.contacts.create(
            {"firstname": "Jane", "lastname": "Doe", "email": "jane@acme.com", "company": "Acme"}
        )
        yield bot, channel


def _button(replies, action: str) -> dict:
    for r in replies:
        for c in r.cards:
            for a in submit_actions(c):
                if a["data"].get("action") == action:
                    return dict(a["data"])
    raise AssertionError(f"no {action} button in {shown(replies)!r}")


async def test_the_welcome_posted_on_the_channel_works_from_its_thread(teams):
    bot, channel = teams
    root = new_channel()
    welcome = await exchange(bot, channel, team_added(channel, root))
    assert [r.conversation_id for r in welcome] == [root]
    thread = thread_of(root, welcome[0].id)

    form = await exchange(bot, channel, submit(channel, thread, _button(welcome, "start_search")))
    assert cards.text("en", "stale_card") not in shown(form)
    assert form and {r.conversation_id for r in form} == {thread}  # answered in the thread
    search = _button(form, "search_submit")
    search["email"] = "jane@acme.com"
    found = await exchange(bot, channel, submit(channel, thread, search))
    assert "jane@acme.com" in shown(found)
    assert {r.conversation_id for r in found} == {thread}


async def test_a_card_posted_in_a_thread_works_from_the_channel_root(teams):
    bot, channel = teams
    root = new_channel()
    thread = thread_of(root)
    welcome = await exchange(bot, channel, team_added(channel, thread))
    assert find_nonce(welcome[0].cards[0])
    form = await exchange(bot, channel, submit(channel, root, _button(welcome, "start_create")))
    assert cards.text("en", "stale_card") not in shown(form)
    assert _button(form, "create_submit")


async def test_two_threads_of_one_channel_share_its_cards(teams):
    bot, channel = teams
    root = new_channel()
    welcome = await exchange(bot, channel, team_added(channel, root))
    start = _button(welcome, "start_search")
    for thread in (thread_of(root), thread_of(root)):
        form = await exchange(bot, channel, submit(channel, thread, start))
        assert _button(form, "search_submit"), shown(form)


async def test_a_confirmation_in_a_thread_is_confirmed_by_execute_once(teams):
    bot, channel = teams
    root = new_channel()
    await exchange(bot, channel, team_added(channel, root))
    thread = thread_of(root)
    said = stamped("b_teams_message_channel_mention", channel.service_url, thread)
    said["text"] = "<at>Fixture Bot</at> update jane@acme.com company Globex"
    (reply,) = await exchange(bot, channel, in_channel(said, thread))
    confirm = next(
        a for c in reply.cards for a in _executes(c) if a.get("verb") == "update_confirm"
    )
    first = await invoke(
        bot, execute(channel, root, confirm["data"], verb="update_confirm", reply_to=reply.id)
    )
    assert "Saved by" in str(first["value"])
    again = await invoke(
        bot, execute(channel, thread, confirm["data"], verb="update_confirm", reply_to=reply.id)
    )
    assert "Saved by" in str(again["value"])
    jane = await bot.contacts.find_by_email("jane@acme.com")
    assert jane is not None and jane.properties.get("company") == "Globex"
    counters = bot.hubspot_local.controls.counters
    assert counters["update"].committed + counters["batch_update"].committed == 1


def _executes(node) -> list[dict]:
    found: list[dict] = []
    if isinstance(node, dict):
        if node.get("type") == "Action.Execute":
            found.append(node)
        for value in node.values():
            found += _executes(value)
    elif isinstance(node, list):
        for value in node:
            found += _executes(value)
    return found
