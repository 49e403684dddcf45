"""A used card ends for everyone in a Teams group chat or channel, not only for the person who
pressed it (issue 26, 6). Teams shows the answer to an `adaptiveCard/action` invoke to the
presser alone (user-specific views); the others keep the card as sent, and its `refresh`
reaches only the `userIds` listed (at most 60) while they look at it. So in a shared
conversation the bot also edits the card's message ("up-to-date cards"): the chat holds the
final state for every member. A personal chat has one viewer: the invoke's answer is enough.
Teams-shaped activities over HTTP.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from bots.cardlife import MAX_VIEWERS
from tests.support import activities as act
from tests.support.botapp import running_app, test_settings
from tests.support.channel import TestChannel
from tests.support.teams_chat import (
    exchange,
    execute,
    in_channel,
    invoke,
    new_channel,
    thread_of,
)


@pytest.fixture
async def teams(tmp_path):
    async with running_app(test_settings(tmp_path)) as bot, TestChannel() as channel:
        await bot.contacts.create(
            {"firstname": "Jane", "lastname": "Doe", "email": "jane@acme.com", "company": "Acme"}
        )
        yield bot, channel


def _group_chat(activity: dict[str, Any]) -> dict[str, Any]:
    """`activity` as Teams sends it in a group chat: no team, no channel."""
    activity["conversation"].update({"conversationType": "groupChat", "isGroup": True})
    data = activity.setdefault("channelData", {})
    for key in ("team", "channel", "teamsChannelId", "teamsTeamId", "settings", "eventType"):
        data.pop(key, None)
    return activity


def _executes(node: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if node.get("type") == "Action.Execute":
            found.append(node)
        for value in node.values():
            found += _executes(value)
    elif isinstance(node, list):
        for value in node:
            found += _executes(value)
    return found


def _confirm(card: dict[str, Any]) -> dict[str, Any]:
    return next(a for a in _executes(card) if a.get("verb") == "update_confirm")


def _writes(bot: Any) -> int:
    counters = bot.hubspot_local.controls.counters
    return int(counters["update"].committed + counters["batch_update"].committed)


def _said(card: dict[str, Any]) -> str:
    return json.dumps(card, ensure_ascii=False)


async def test_a_confirmation_used_in_a_group_chat_ends_for_every_member(teams):
    bot, channel = teams
    cid = f"19:{uuid.uuid4().hex}@thread.v2"
    url = channel.service_url
    asked = _group_chat(act.teams_channel_message(cid, url, "update jane@acme.com company Globex"))
    (reply,) = [r for r in await exchange(bot, channel, asked) if r.cards]
    card = reply.cards[0]
    assert _executes(card) and card["refresh"]["userIds"]  # live, and refreshed for the asker

    press = _group_chat(
        execute(channel, cid, _confirm(card)["data"], verb="update_confirm", reply_to=reply.id)
    )
    answer = await invoke(bot, press)
    assert "Saved by" in _said(answer["value"])  # the presser's view
    # Everyone else's: the card's message itself now holds its final state.
    shown = channel.current(cid, reply.id)
    assert shown.updated
    assert "Saved by" in _said(shown.cards[0]) and "Globex" in _said(shown.cards[0])
    assert not _executes(shown.cards[0]) and "refresh" not in shown.cards[0]
    assert _writes(bot) == 1

    # Another member presses Confirm on a view they had not refreshed: nothing more is
    # written and the message is not edited again.
    edits = len([r for r in channel.activities(cid) if r.updated])
    other = _group_chat(
        execute(channel, cid, _confirm(card)["data"], verb="update_confirm", reply_to=reply.id)
    )
    other["from"] = {**other["from"], "id": "29:megan", "name": "Megan Bowen"}
    again = await invoke(bot, other)
    assert "Saved by" in _said(again["value"])
    assert _writes(bot) == 1
    assert len([r for r in channel.activities(cid) if r.updated]) == edits


async def test_a_confirmation_used_in_a_channel_thread_ends_in_that_thread(teams):
    bot, channel = teams
    thread = thread_of(new_channel())
    url = channel.service_url
    asked = in_channel(
        act.teams_channel_message(thread, url, "update jane@acme.com company Globex"), thread
    )
    (reply,) = [r for r in await exchange(bot, channel, asked) if r.cards]
    assert reply.conversation_id == thread
    press = execute(
        channel, thread, _confirm(reply.cards[0])["data"], verb="update_confirm", reply_to=reply.id
    )
    answer = await invoke(bot, press)
    assert "Saved by" in _said(answer["value"])
    shown = channel.current(thread, reply.id)
    assert shown.updated and "Saved by" in _said(shown.cards[0])
    assert not _executes(shown.cards[0])
    assert _writes(bot) == 1


async def test_a_personal_chat_gets_the_end_as_the_invoke_answer_only(teams):
    """One viewer: the invoke's answer is the chat's view; no message edit on top."""
    bot, channel = teams
    cid = f"a:{uuid.uuid4().hex}"
    url = channel.service_url
    await exchange(bot, channel, act.teams_installation_update(cid, url, locale="en-US"))
    (reply,) = await exchange(
        bot, channel, act.teams_message(cid, url, "update jane@acme.com company Globex")
    )
    press = execute(
        channel, cid, _confirm(reply.cards[0])["data"], verb="update_confirm", reply_to=reply.id
    )
    answer = await invoke(bot, press)
    assert "Saved by" in _said(answer["value"])
    assert not channel.current(cid, reply.id).updated
    assert _writes(bot) == 1


async def test_the_refresh_lists_at_most_the_60_users_teams_takes(teams):
    """In a conversation of more than 60 people Teams refreshes a card by itself only for the
    `userIds` listed, at most 60: the newest of those who got or pressed cards, the asker
    first."""
    bot, channel = teams
    cid = f"19:{uuid.uuid4().hex}@thread.v2"
    url = channel.service_url
    for i in range(MAX_VIEWERS + 5):
        said = _group_chat(act.teams_channel_message(cid, url, "find jane@acme.com"))
        said["from"] = {**said["from"], "id": f"29:member-{i}"}
        await exchange(bot, channel, said)
    asked = _group_chat(act.teams_channel_message(cid, url, "update jane@acme.com company Globex"))
    (reply,) = [r for r in await exchange(bot, channel, asked) if r.cards]
    users = reply.cards[0]["refresh"]["userIds"]
    assert len(users) == MAX_VIEWERS == 60
    assert users[0] == asked["from"]["id"]
    assert "29:member-0" not in users and f"29:member-{MAX_VIEWERS + 4}" in users
