"""Teams-shaped activities for a chat in a team's channel, its threads, a personal chat, and
the invokes Teams sends (`adaptiveCard/action`), built from the real payloads in
../shared/botframework/activities; and the exchange that posts one and reads what the bot sent.

A channel post's id is `<channel id>`; everything said in a thread, and every press on a card
posted in the channel, arrives with `<channel id>;messageid=<root message id>`.
"""

from __future__ import annotations

import uuid
from typing import Any

from tests.support import activities as act
from tests.support.botapp import RunningApp
from tests.support.channel import Recorded, TestChannel
from tests.support.directline_client import card_text

TEAM_ID = "19:FAKEteam0general0channel00000000001@thread.tacv2"


def new_channel() -> str:
    return f"19:{uuid.uuid4().hex}@thread.tacv2"


def thread_of(channel_id: str, root: str | None = None) -> str:
    return f"{channel_id};messageid={root or uuid.uuid4().int % 10**13}"


def in_channel(activity: dict[str, Any], cid: str) -> dict[str, Any]:
    """Make `activity` one of the channel's (cid: the channel or one of its threads)."""
    root = cid.split(";messageid=", 1)[0]
    activity["conversation"].update({"id": cid, "conversationType": "channel", "isGroup": True})
    data = activity.setdefault("channelData", {})
    data["team"] = {"id": TEAM_ID}
    data["channel"] = {"id": root}
    data["teamsChannelId"] = root
    data["teamsTeamId"] = TEAM_ID
    return activity


def stamped(name: str, service_url: str, cid: str, locale: str | None = "en-US") -> dict:
    a = act.fixture(name)
    a["id"] = f"f:{uuid.uuid4()}"
    a["serviceUrl"] = service_url
    a["conversation"]["id"] = cid
    if locale is None:
        a.pop("locale", None)
    else:
        a["locale"] = locale
        for entity in a.get("entities") or []:
            if entity.get("type") == "clientInfo":
                entity["locale"] = locale
    return a


def team_added(channel: TestChannel, cid: str) -> dict[str, Any]:
    """The bot added to a team: Teams posts the conversationUpdate on the channel itself."""
    a = stamped("a3_teams_conversation_update_team", channel.service_url, cid, None)
    return in_channel(a, cid)


def submit(channel: TestChannel, cid: str, value: Any, locale: str = "en-US") -> dict[str, Any]:
    """An Action.Submit press (a message with `value`, no text)."""
    a = stamped("c_teams_message_action_submit", channel.service_url, cid, locale)
    a["value"] = value
    return in_channel(a, cid) if "@thread" in cid else a


def execute(
    channel: TestChannel,
    cid: str,
    data: dict[str, Any],
    *,
    verb: str,
    reply_to: str = "",
    locale: str = "en-US",
) -> dict[str, Any]:
    """An `adaptiveCard/action` invoke: an Action.Execute press (or a refresh)."""
    a = stamped("d_teams_invoke_adaptive_card_action", channel.service_url, cid, locale)
    a["replyToId"] = reply_to or a.get("replyToId")
    a["value"] = {
        "action": {"type": "Action.Execute", "title": verb, "verb": verb, "data": dict(data)},
        "trigger": "manual" if verb != "refresh" else "automatic",
    }
    return in_channel(a, cid) if "@thread" in cid else a


async def exchange(bot: RunningApp, channel: TestChannel, activity: dict) -> list[Recorded]:
    """POST the activity; what the bot sent to any of the channel's conversations meanwhile
    (the channel and its threads), typing left out."""
    before = {key: len(items) for key, items in channel.sent.items()}
    resp = await bot.post(activity)
    assert resp.status in (200, 201, 202), resp.status
    sent: list[Recorded] = []
    for key in list(channel.sent):
        sent += [r for r in channel.activities(key)[before.get(key, 0) :] if r.type != "typing"]
    return sent


async def invoke(bot: RunningApp, activity: dict) -> dict[str, Any]:
    """POST an invoke and return the body of its HTTP answer."""
    async with bot.session.post(f"{bot.url}/api/messages", json=activity) as resp:
        assert resp.status == 200, await resp.text()
        body: dict[str, Any] = await resp.json()
        return body


def shown(replies: list[Recorded]) -> str:
    return "\n".join([r.text for r in replies] + [card_text(c) for r in replies for c in r.cards])
