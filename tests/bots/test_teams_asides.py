"""What is not a request gets a fitting answer or none, never "I didn't get that": a card
inserted from the compose box, files and images, reactions, edits, deletions, uninstalls and
the bot's removal from a team; and a reinstall greets again. Teams-shaped payloads over HTTP.
"""

from __future__ import annotations

import uuid

import pytest

import cards
from tests.support import activities as act
from tests.support.botapp import find_nonce, running_app, test_settings
from tests.support.channel import TestChannel
from tests.support.teams_chat import exchange, new_channel, shown, team_added

NOT_UNDERSTOOD = cards.text("en", "not_understood")
BOT = act.fixture("a3_teams_conversation_update_team")["recipient"]


@pytest.fixture
async def teams(tmp_path):
    async with running_app(test_settings(tmp_path)) as bot, TestChannel() as channel:
        yield bot, channel


async def _installed(bot, channel) -> str:
    cid = f"a:{uuid.uuid4().hex}"
    welcome = await exchange(
        bot, channel, act.teams_installation_update(cid, channel.service_url, locale="en-US")
    )
    assert _welcomes(welcome) == 1
    return cid


def _welcomes(replies) -> int:
    return sum(1 for r in replies for c in r.cards if find_nonce(c))


def _message(channel, cid: str, text: str | None, attachments: list) -> dict:
    a = act.teams_message(cid, channel.service_url, "x")
    a["text"] = text
    a["attachments"] = attachments
    return a


def _like(channel, cid: str, kind: str = "messageReaction") -> dict:
    a = act.teams_message(cid, channel.service_url, "x")
    for key in ("text", "attachments", "textFormat"):
        a.pop(key, None)
    a["type"] = kind
    a["replyToId"] = "1714579200500"
    return a


async def test_a_contact_card_inserted_from_the_compose_box_gets_no_reply(teams):
    bot, channel = teams
    cid = await _installed(bot, channel)
    card = {
        "type": "AdaptiveCard",
        "version": "1.5",
        "body": [{"type": "TextBlock", "text": "Jane"}],
    }
    inserted = _message(
        channel,
        cid,
        '<span class="inline-compose-card" contenteditable="false" data-card-id="0">&nbsp;</span>',
        [{"contentType": "application/vnd.microsoft.card.adaptive", "content": card}],
    )
    assert await exchange(bot, channel, inserted) == []


@pytest.mark.parametrize(
    "attachment",
    [
        {
            "contentType": "application/vnd.microsoft.teams.file.download.info",
            "name": "contacts.xlsx",
            "content": {"downloadUrl": "https://example.invalid/f", "fileType": "xlsx"},
        },
        {"contentType": "image/*", "contentUrl": "https://example.invalid/img"},
    ],
)
async def test_a_file_or_image_without_words_is_told_what_the_bot_reads(teams, attachment):
    bot, channel = teams
    cid = await _installed(bot, channel)
    for text in (None, ""):
        replies = await exchange(bot, channel, _message(channel, cid, text, [attachment]))
        assert [r.text for r in replies] == [cards.text("en", "attachment_only")]


async def test_a_pasted_image_in_teams_html_is_an_attachment_too(teams):
    bot, channel = teams
    cid = await _installed(bot, channel)
    html = {"contentType": "text/html", "content": '<p><img src="https://example.invalid/i"></p>'}
    replies = await exchange(bot, channel, _message(channel, cid, "", [html]))
    assert [r.text for r in replies] == [cards.text("en", "attachment_only")]


@pytest.mark.parametrize("kind", ["messageReaction", "messageUpdate", "messageDelete"])
async def test_reactions_edits_and_deletions_get_no_reply(teams, kind):
    bot, channel = teams
    cid = await _installed(bot, channel)
    activity = _like(channel, cid, kind)
    if kind == "messageReaction":
        activity["reactionsAdded"] = [{"type": "like"}]
    elif kind == "messageUpdate":
        activity["text"] = "find someone"
        activity["channelData"]["eventType"] = "editMessage"
    else:
        activity["channelData"]["eventType"] = "softDeleteMessage"
    assert await exchange(bot, channel, activity) == []


async def test_uninstall_says_nothing_and_a_reinstall_greets_again(teams):
    bot, channel = teams
    cid = await _installed(bot, channel)
    remove = act.teams_installation_update(cid, channel.service_url, locale="en-US")
    remove["action"] = "remove"
    assert await exchange(bot, channel, remove) == []
    again = await exchange(
        bot, channel, act.teams_installation_update(cid, channel.service_url, locale="ko-KR")
    )
    assert _welcomes(again) == 1 and again[0].text == cards.text("ko", "welcome")


async def test_removed_from_a_team_and_added_back_greets_again(teams):
    bot, channel = teams
    root = new_channel()
    assert _welcomes(await exchange(bot, channel, team_added(channel, root))) == 1
    someone_left = team_added(channel, root)
    someone_left.pop("membersAdded")
    someone_left["membersRemoved"] = [{"id": "29:someone-else"}]
    someone_left["channelData"]["eventType"] = "teamMemberRemoved"
    assert await exchange(bot, channel, someone_left) == []
    bot_removed = team_added(channel, root)
    bot_removed.pop("membersAdded")
    bot_removed["membersRemoved"] = [{"id": BOT["id"]}]
    bot_removed["channelData"]["eventType"] = "teamMemberRemoved"
    assert await exchange(bot, channel, bot_removed) == []
    back = await exchange(bot, channel, team_added(channel, root))
    assert _welcomes(back) == 1, shown(back)
    assert NOT_UNDERSTOOD not in shown(back)
