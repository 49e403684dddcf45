"""How the bot behaves in Teams, driven over HTTP with Teams-shaped activities (the fixtures in
/work/shared/botframework/activities): it answers in channels and group chats only when
mentioned, reads the text without the `<at>` tag, takes card clicks sent as messageBack, and
welcomes once per conversation however many install events Teams sends.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

import cards
from tests.support import activities as act
from tests.support.botapp import find_nonce, running_app, submit_actions, test_settings
from tests.support.channel import Recorded, TestChannel
from tests.support.directline_client import card_text

BOT_ID = "28:22222222-2222-2222-2222-222222222222"


def stamp(activity: dict[str, Any], channel: TestChannel, conversation_id: str) -> dict:
    activity["id"] = str(uuid.uuid4())
    activity["serviceUrl"] = channel.service_url
    activity["conversation"]["id"] = conversation_id
    return activity


def channel_id() -> str:
    """A channel thread id as Teams writes it (`<channel>;messageid=<root>`)."""
    return f"19:{uuid.uuid4().hex}@thread.tacv2;messageid={uuid.uuid4().int % 10**13}"


def mention_message(channel: TestChannel, cid: str, after_mention: str) -> dict:
    a = stamp(act.fixture("b_teams_message_channel_mention"), channel, cid)
    a["text"] = f"<at>Fixture Bot</at> {after_mention}"
    a["attachments"][0]["content"] = f"<p><span>Fixture Bot</span>&nbsp;{after_mention}</p>"
    return a


def unmentioned_message(channel: TestChannel, cid: str, text: str) -> dict:
    a = mention_message(channel, cid, text)
    a["text"] = text
    a["entities"] = [e for e in a["entities"] if e["type"] != "mention"]
    return a


def group_chat(activity: dict) -> dict:
    activity["conversation"]["conversationType"] = "groupChat"
    activity["channelData"].pop("team", None)
    activity["channelData"].pop("channel", None)
    activity["channelData"].pop("teamsChannelId", None)
    activity["channelData"].pop("teamsTeamId", None)
    return activity


async def exchange(bot: Any, channel: TestChannel, activity: dict) -> list[Recorded]:
    cid = activity["conversation"]["id"]
    before = len(channel.activities(cid, include_typing=True))
    resp = await bot.post(activity)
    assert resp.status in (200, 201, 202), resp.status
    return channel.activities(cid, include_typing=True)[before:]


def shown(replies: list[Recorded]) -> str:
    return "\n".join([r.text for r in replies] + [card_text(c) for r in replies for c in r.cards])


@pytest.fixture
async def teams_bot(tmp_path):
    async with running_app(test_settings(tmp_path)) as bot, TestChannel() as channel:
        await bot.contacts.create(
            {"firstname": "Jane", "lastname": "Doe", "email": "jane@acme.com", "company": "Acme"}
        )
        yield bot, channel


# -- mentions ----------------------------------------------------------------------------------


async def test_a_mention_in_a_channel_is_answered_without_the_at_tag(teams_bot):
    bot, channel = teams_bot
    replies = await exchange(
        bot, channel, mention_message(channel, channel_id(), "find jane@acme.com")
    )
    messages = [r for r in replies if r.type == "message"]
    assert messages and "jane@acme.com" in shown(messages)


async def test_a_mention_with_only_help_gets_help_not_a_search_for_the_bots_name(teams_bot):
    bot, channel = teams_bot
    replies = await exchange(bot, channel, mention_message(channel, channel_id(), "help"))
    text = shown(replies)
    assert replies and "Fixture Bot" not in text
    assert cards.text("en", "not_understood") not in text


async def test_a_korean_command_after_a_mention_is_understood(teams_bot):
    bot, channel = teams_bot
    await bot.contacts.create({"firstname": "민수", "lastname": "김", "email": "minsu@example.kr"})
    replies = await exchange(bot, channel, mention_message(channel, channel_id(), "김민수 찾아줘"))
    assert "minsu@example.kr" in shown(replies)


async def test_an_unmentioned_channel_message_gets_no_reply(teams_bot):
    bot, channel = teams_bot
    cid = channel_id()
    assert (
        await exchange(bot, channel, unmentioned_message(channel, cid, "find jane@acme.com")) == []
    )


async def test_mentioning_someone_else_is_not_talking_to_the_bot(teams_bot):
    bot, channel = teams_bot
    cid = channel_id()
    a = mention_message(channel, cid, "find jane@acme.com")
    a["text"] = "<at>Kim Minsu</at> find jane@acme.com"
    a["entities"][0] = {
        "type": "mention",
        "text": "<at>Kim Minsu</at>",
        "mentioned": {"id": "29:someone-else", "name": "Kim Minsu"},
    }
    assert await exchange(bot, channel, a) == []


async def test_group_chats_also_need_a_mention(teams_bot):
    bot, channel = teams_bot
    cid = f"19:{uuid.uuid4().hex}@thread.v2"
    silent = group_chat(unmentioned_message(channel, cid, "find jane@acme.com"))
    assert await exchange(bot, channel, silent) == []
    answered = group_chat(mention_message(channel, cid, "find jane@acme.com"))
    assert "jane@acme.com" in shown(await exchange(bot, channel, answered))


async def test_a_personal_chat_needs_no_mention(teams_bot):
    bot, channel = teams_bot
    a = act.teams_message(f"a:{uuid.uuid4().hex}", channel.service_url, "find jane@acme.com")
    assert "jane@acme.com" in shown(await exchange(bot, channel, a))


# -- card clicks -------------------------------------------------------------------------------


async def _welcome_in_team(bot: Any, channel: TestChannel, cid: str) -> str:
    """Bot added to a team: the welcome goes to the channel; returns the card's nonce."""
    added = stamp(act.fixture("a3_teams_conversation_update_team"), channel, cid)
    replies = await exchange(bot, channel, added)
    nonces = [find_nonce(c) for r in replies for c in r.cards]
    assert nonces and nonces[0], "no welcome card with buttons in the team channel"
    return nonces[0]


def message_back(channel: TestChannel, cid: str, value: Any, text: str) -> dict:
    """A card button with `msteams.messageBack` data, as Teams delivers it: `text` is the
    button's msteams.text, `value` its msteams.value, and no mention even in a channel."""
    a = stamp(act.fixture("c2_teams_message_action_submit_messageback"), channel, cid)
    a["text"] = text
    a["value"] = value
    return a


@pytest.mark.parametrize("as_json_string", [False, True])
async def test_a_message_back_click_in_a_channel_is_handled_without_a_mention(
    teams_bot, as_json_string
):
    bot, channel = teams_bot
    cid = channel_id()
    nonce = await _welcome_in_team(bot, channel, cid)
    value = {"action": "search_submit", "nonce": nonce, "email": "jane@acme.com"}
    activity = message_back(
        channel, cid, json.dumps(value) if as_json_string else value, text="Search contacts"
    )
    replies = await exchange(bot, channel, activity)
    assert "jane@acme.com" in shown(replies)


async def test_a_message_back_with_a_forged_nonce_is_refused(teams_bot):
    bot, channel = teams_bot
    cid = channel_id()
    await _welcome_in_team(bot, channel, cid)
    activity = message_back(
        channel,
        cid,
        {"action": "search_submit", "nonce": "forged", "email": "jane@acme.com"},
        text="Search contacts",
    )
    replies = await exchange(bot, channel, activity)
    assert cards.text("en", "stale_card") in shown(replies)
    assert "jane@acme.com" not in shown(replies)


async def test_an_action_submit_click_in_a_personal_chat(teams_bot):
    bot, channel = teams_bot
    cid = f"a:{uuid.uuid4().hex}"
    welcome = await exchange(
        bot, channel, act.teams_installation_update(cid, channel.service_url, locale="en-US")
    )
    card = welcome[0].cards[0]
    start = next(
        a["data"] for a in submit_actions(card) if a["data"].get("action") == "start_search"
    )
    form = await exchange(bot, channel, act.teams_submit(cid, channel.service_url, start))
    search = next(
        dict(a["data"])
        for r in form
        for c in r.cards
        for a in submit_actions(c)
        if a["data"].get("action") == "search_submit"
    )
    search["email"] = "jane@acme.com"
    replies = await exchange(bot, channel, act.teams_submit(cid, channel.service_url, search))
    assert "jane@acme.com" in shown(replies)


# -- welcome -----------------------------------------------------------------------------------


def welcomes(replies: list[Recorded]) -> int:
    return sum(1 for r in replies for c in r.cards if find_nonce(c))


async def test_a_personal_install_welcomes_once_in_the_users_language(teams_bot):
    bot, channel = teams_bot
    cid = f"a:{uuid.uuid4().hex}"
    first = await exchange(
        bot, channel, act.teams_installation_update(cid, channel.service_url, locale="ko-KR")
    )
    assert welcomes(first) == 1
    assert first[0].text == cards.text("ko", "welcome")
    # Teams also sends the bot-added conversationUpdate, and may repeat the install event.
    again = await exchange(bot, channel, act.teams_conversation_update(cid, channel.service_url))
    again += await exchange(
        bot, channel, act.teams_installation_update(cid, channel.service_url, locale="ko-KR")
    )
    assert welcomes(again) == 0


async def test_conversation_update_first_then_install_still_welcomes_once(teams_bot):
    bot, channel = teams_bot
    cid = f"a:{uuid.uuid4().hex}"
    replies = await exchange(bot, channel, act.teams_conversation_update(cid, channel.service_url))
    replies += await exchange(
        bot, channel, act.teams_installation_update(cid, channel.service_url, locale="en-US")
    )
    assert welcomes(replies) == 1


async def test_a_team_install_welcomes_once_in_the_channel(teams_bot):
    bot, channel = teams_bot
    cid = channel_id()
    await _welcome_in_team(bot, channel, cid)
    install = stamp(act.fixture("a2_teams_installation_update_personal"), channel, cid)
    install["conversation"].update({"conversationType": "channel", "isGroup": True})
    install["channelData"]["team"] = {"id": cid.split(";")[0]}
    again = await exchange(bot, channel, install)
    again += await exchange(
        bot, channel, stamp(act.fixture("a3_teams_conversation_update_team"), channel, cid)
    )
    assert welcomes(again) == 0


async def test_a_group_chat_install_welcomes_once(teams_bot):
    bot, channel = teams_bot
    cid = f"19:{uuid.uuid4().hex}@thread.v2"
    added = stamp(act.fixture("a3_teams_conversation_update_team"), channel, cid)
    added["conversation"]["conversationType"] = "groupChat"
    for key in ("team", "settings", "eventType"):
        added["channelData"].pop(key, None)
    install = stamp(act.fixture("a2_teams_installation_update_personal"), channel, cid)
    install["conversation"].update({"conversationType": "groupChat", "isGroup": True})
    replies = await exchange(bot, channel, added) + await exchange(bot, channel, install)
    assert welcomes(replies) == 1


async def test_a_user_joining_a_team_later_is_not_welcomed_again(teams_bot):
    bot, channel = teams_bot
    cid = channel_id()
    await _welcome_in_team(bot, channel, cid)
    joined = stamp(act.fixture("a3_teams_conversation_update_team"), channel, cid)
    joined["membersAdded"] = [{"id": "29:new-colleague", "aadObjectId": str(uuid.uuid4())}]
    assert welcomes(await exchange(bot, channel, joined)) == 0
