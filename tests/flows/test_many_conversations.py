"""Many people at once: each conversation keeps its own language, nonce, pending updates and
results, and a double-clicked Confirm writes once. Everything goes through /api/messages, with the
conversations' turns interleaved on one app."""

from __future__ import annotations

import asyncio

from tests.support.botapp import Conversation, action_data, running_app, test_settings
from tests.support.cardread import heading
from tests.support.cardread import texts as card_texts

TITLES = {
    "en": ("Create contact", "Create", "Contact created"),
    "ko": ("연락처 만들기", "만들기", "연락처를 만들었어요"),
}


async def _create_in_its_own_chat(bot, channel, n: int) -> tuple[Conversation, str]:
    lang = "ko" if n % 2 else "en"
    chat = Conversation(bot, channel, locale="ko-KR" if lang == "ko" else "en-US")
    (welcome,) = await chat.start()
    start, submit, done = TITLES[lang]
    (reply,) = await chat.click(action_data(welcome.cards[0], start))
    created, ended = await chat.click(
        {
            **action_data(reply.cards[0], submit),
            "firstname": f"User{n}",
            "lastname": "Parallel",
            "email": f"user{n}@parallel.example",
        }
    )
    assert heading(created.cards[0]) == done and ended.updated
    return chat, " ".join(card_texts(created.cards[0]))


async def test_twenty_conversations_at_once_stay_apart(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        results = await asyncio.gather(
            *(_create_in_its_own_chat(bot, channel, n) for n in range(20))
        )
        chats = [chat for chat, _ in results]
        # Each conversation got its own welcome nonce and only its own replies.
        assert len({chat.nonce for chat in chats}) == 20
        for n, chat in enumerate(chats):
            sent = channel.messages(chat.conversation_id)
            texts = " ".join(t for r in sent for c in r.cards for t in card_texts(c))
            assert f"User{n} " in texts or f"User{n}" in texts
            others = [m for m in range(20) if m != n and f"User{m} " in texts]
            assert not others, f"conversation {n} saw replies meant for {others}"
        # HubSpot holds exactly one contact per conversation.
        for n in range(20):
            assert await bot.contacts.find_by_email(f"user{n}@parallel.example") is not None


async def test_a_card_from_one_conversation_does_nothing_in_another(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        jane = (
            await bot.contacts.create(
                {"firstname": "Jane", "lastname": "Doe", "email": "jane@acme.com"}
            )
        ).contact
        alice = Conversation(bot, channel)
        mallory = Conversation(bot, channel)
        await alice.start()
        await mallory.start()
        (reply,) = await alice.say("change jane@acme.com company to Globex")
        confirm = action_data(reply.cards[0], "Confirm")
        # The same Confirm (Alice's nonce and pending id) posted in Mallory's conversation.
        replies = await mallory.click(confirm)
        assert replies and "Confirm" not in [r.text for r in replies]
        assert (await bot.contacts.get(jane.id)).get("company") == ""
        # Alice's own Confirm still works.
        reply, ended = await alice.click(confirm)
        assert heading(reply.cards[0]) == "Contact updated" and ended.updated
        assert (await bot.contacts.get(jane.id)).get("company") == "Globex"


async def test_a_double_clicked_confirm_writes_once(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        jane = (
            await bot.contacts.create(
                {"firstname": "Jane", "lastname": "Doe", "email": "jane@acme.com"}
            )
        ).contact
        chat = Conversation(bot, channel)
        await chat.start()
        (reply,) = await chat.say("change jane@acme.com title to CTO")
        confirm = action_data(reply.cards[0], "Confirm")
        before = len(channel.messages(chat.conversation_id))
        await asyncio.gather(chat.click(confirm), chat.click(confirm))
        sent = channel.messages(chat.conversation_id)[before:]
        new = [r for r in sent if not r.updated]
        assert len(new) == 2 and len(sent) == 3, sent  # and the card's one update
        assert sum(bool(r.cards) and heading(r.cards[0]) == "Contact updated" for r in new) == 1
        assert any(r.text.startswith("That card was already used") for r in new), new
        assert (await bot.contacts.get(jane.id)).get("jobtitle") == "CTO"
