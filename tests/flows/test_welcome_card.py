"""The welcome card: sent once per conversation when the bot joins, in the user's language,
with the three buttons that start the guided flows."""

from __future__ import annotations

from tests.support import activities as act
from tests.support.botapp import Conversation, running_app, submit_actions, test_settings
from tests.support.cardread import heading

BUTTONS = ["Search contacts", "Create contact", "Update contact"]


def _titles(card):
    return [a["title"] for a in submit_actions(card)]


def _welcomes(channel, cid):
    return [
        r
        for r in channel.messages(cid)
        if any(
            _titles(c) == BUTTONS or _titles(c) == ["연락처 검색", "연락처 만들기", "연락처 수정"]
            for c in r.cards
        )
    ]


async def test_emulator_start_shows_the_welcome_card_with_three_buttons(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        chat = Conversation(bot, channel)
        replies = await chat.start()
        assert len(replies) == 1
        (card,) = replies[0].cards
        assert _titles(card) == BUTTONS
        assert "search, create and update" in replies[0].text
        assert heading(card) == "HubSpot Contact Assistant"
        assert chat.nonce and len(chat.nonce) >= 12
        # Each button starts its flow.
        actions = [a["data"]["action"] for a in submit_actions(card)]
        assert actions == ["start_search", "start_create", "start_update"]


async def test_welcome_is_sent_once_not_per_member_and_not_again_on_re_add(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        chat = Conversation(bot, channel)
        await chat.start()  # membersAdded = [bot, user]: one welcome, not two
        assert len(_welcomes(channel, chat.conversation_id)) == 1
        # Another person joins, then the bot is removed and added back to the same conversation.
        joined = act.emulator_conversation_update(chat.conversation_id, channel.service_url)
        joined["membersAdded"] = [{"id": "someone-else", "name": "Other"}]
        assert (await bot.post(joined)).status in (200, 201, 202)
        await chat.start()
        assert len(_welcomes(channel, chat.conversation_id)) == 1
        # A different conversation gets its own welcome, with its own nonce.
        other = Conversation(bot, channel)
        await other.start()
        assert len(_welcomes(channel, other.conversation_id)) == 1
        assert other.nonce != chat.nonce


async def test_teams_welcome_waits_for_nothing_and_adopts_the_installation_locale(
    tmp_path, channel
):
    """Teams' bot-added conversationUpdate has no locale: welcome in the default language;
    the installationUpdate's Korean locale then applies to later replies, without a 2nd welcome."""
    async with running_app(test_settings(tmp_path)) as bot:
        chat = Conversation(bot, channel, kind="teams", locale=None)
        replies = await chat.start()
        assert _titles(replies[0].cards[0]) == BUTTONS
        install = act.teams_installation_update(
            chat.conversation_id, channel.service_url, locale="ko-KR"
        )
        assert (await bot.post(install)).status in (200, 201, 202)
        assert len(channel.messages(chat.conversation_id)) == 1  # no second welcome
        # A later activity that says nothing about the locale (nor its language: "?" is help
        # in any language; a typed English word would be answered in English) is answered
        # in Korean.
        message = act.teams_message(chat.conversation_id, channel.service_url, "?", None)
        message.pop("entities")
        assert (await bot.post(message)).status in (200, 201, 202)
        help_reply = channel.messages(chat.conversation_id)[-1]
        assert heading(help_reply.cards[0]) == "사용 방법"


async def test_teams_installation_update_first_welcomes_in_its_language(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        chat = Conversation(bot, channel, kind="teams", locale=None)
        install = act.teams_installation_update(
            chat.conversation_id, channel.service_url, locale="ko-KR"
        )
        assert (await bot.post(install)).status in (200, 201, 202)
        (welcome,) = channel.messages(chat.conversation_id)
        assert _titles(welcome.cards[0]) == ["연락처 검색", "연락처 만들기", "연락처 수정"]
        assert await chat.start() == []  # the conversationUpdate after it: no second welcome


async def test_default_language_setting_is_used_when_the_channel_says_nothing(tmp_path, channel):
    async with running_app(test_settings(tmp_path, default_language="ko")) as bot:
        chat = Conversation(bot, channel, kind="teams", locale=None)
        replies = await chat.start()
        assert "안녕하세요" in replies[0].text
