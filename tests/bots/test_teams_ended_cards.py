"""Any used card keeps its end: a refresh or a second Execute of a confirmation used long ago,
after dozens of cards came and went, still answers "✓ Saved by ..." and writes nothing, while
the conversation's state stays within its size. Teams-shaped invokes over HTTP.
"""

from __future__ import annotations

import json
import uuid

import pytest

from app import STORE_KEY
from bots.endings import MAX_STATE_BYTES
from tests.support import activities as act
from tests.support.botapp import running_app, test_settings
from tests.support.channel import TestChannel
from tests.support.teams_chat import exchange, execute, invoke


@pytest.fixture
async def teams(tmp_path):
    async with running_app(test_settings(tmp_path)) as bot, TestChannel() as channel:
        await bot.contacts.create(
            {"firstname": "Jane", "lastname": "Doe", "email": "jane@acme.com", "company": "Acme"}
        )
        yield bot, channel


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


def _confirm(card: dict) -> dict:
    return next(a for a in _executes(card) if a.get("verb") == "update_confirm")


def _writes(bot) -> int:
    counters = bot.hubspot_local.controls.counters
    return counters["update"].committed + counters["batch_update"].committed


async def _state(bot, cid: str) -> dict:
    store = bot.app[STORE_KEY]
    key = f"msteams/conversations/{cid}"
    return (await store.read([key]))[key].data["contact_bot"]  # ContactBot's state property


async def test_a_confirmation_used_long_ago_still_answers_saved_by(teams):
    bot, channel = teams
    cid = f"a:{uuid.uuid4().hex}"
    url = channel.service_url
    await exchange(bot, channel, act.teams_installation_update(cid, url, locale="en-US"))
    (reply,) = await exchange(
        bot, channel, act.teams_message(cid, url, "update jane@acme.com company Globex")
    )
    card = reply.cards[0]
    confirm = _confirm(card)
    card_id = confirm["data"]["card"]
    first = await invoke(
        bot, execute(channel, cid, confirm["data"], verb="update_confirm", reply_to=reply.id)
    )
    assert "Saved by" in json.dumps(first["value"])
    assert _writes(bot) == 1

    # Cards come and go (each confirmation replaces the one before) until the state no
    # longer carries the first one: its size is bounded, not its count of cards.
    for i in range(200):
        await exchange(
            bot, channel, act.teams_message(cid, url, f"update jane@acme.com jobtitle Lead {i}")
        )
        state = await _state(bot, cid)
        if card_id not in state["cards"]["ended"]:
            break
    else:
        raise AssertionError("the state kept every ended card")
    assert i > 12  # more than the 12 cards kept before
    assert len(json.dumps(state["cards"]["ended"])) <= MAX_STATE_BYTES + 2_000

    refreshed = await invoke(
        bot,
        execute(channel, cid, card["refresh"]["action"]["data"], verb="refresh", reply_to=reply.id),
    )
    shown = json.dumps(refreshed["value"], ensure_ascii=False)
    assert "Saved by Fixture User" in shown and "Globex" in shown
    assert not _executes(refreshed["value"])  # no button acts on it any more

    again = await invoke(
        bot, execute(channel, cid, confirm["data"], verb="update_confirm", reply_to=reply.id)
    )
    assert "Saved by Fixture User" in json.dumps(again["value"])
    assert _writes(bot) == 1


async def test_a_status_alone_rebuilds_a_card_kept_by_an_older_version(teams):
    """An ended card an older version kept without its final card (only the status line)
    is answered with a card that says that status."""
    bot, channel = teams
    cid = f"a:{uuid.uuid4().hex}"
    url = channel.service_url
    await exchange(bot, channel, act.teams_installation_update(cid, url, locale="en-US"))
    state = await _state(bot, cid)
    state = state | {"cards": state.get("cards") or {}}
    state["cards"].setdefault("ended", {})["old-card"] = {
        "kind": "confirm",
        "outcome": "saved",
        "status": "✓ Saved by Kim Minsu · 9:00 AM",
    }
    store = bot.app[STORE_KEY]
    await store.write({f"msteams/conversations/{cid}": (None, {"contact_bot": state})})
    data = {"action": "refresh", "nonce": state["nonce"], "card": "old-card"}
    answer = await invoke(bot, execute(channel, cid, data, verb="refresh"))
    assert "✓ Saved by Kim Minsu · 9:00 AM" in json.dumps(answer["value"], ensure_ascii=False)
