"""Cards that end when used, over HTTP as the channels do it.

Teams runs Universal Actions: the confirmation card's buttons are Action.Execute, a press comes
as an `adaptiveCard/action` invoke (shaped like ../shared/botframework/activities'
d_teams_invoke_adaptive_card_action.json, Microsoft's documented payload) and its HTTP answer is
the card's new state. The Emulator (and Web Chat) keep Action.Submit: the used card is replaced
by an update (PUT) of its activity. Either way a used, replaced or cancelled card writes nothing.
"""

from __future__ import annotations

import uuid
from typing import Any

from tests.support import activities as act
from tests.support.botapp import Conversation, RunningApp, action_data, running_app, test_settings
from tests.support.cardread import heading, texts
from tests.support.cardschema import card_problems
from tests.support.channel import Recorded, TestChannel

TEAMS_USER = act.fixture("b2_teams_message_personal")["from"]


def executes(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The card's Action.Execute buttons by title (anywhere in the card)."""
    found: dict[str, dict[str, Any]] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "Action.Execute" and "title" in node:
                found[node["title"]] = node
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card)
    return found


def acting_buttons(card: dict[str, Any]) -> list[str]:
    text = str(card)
    return [kind for kind in ("Action.Execute", "Action.Submit") if kind in text]


def invoke(chat: Conversation, card_activity: Recorded, action: dict[str, Any]) -> dict:
    """An `adaptiveCard/action` invoke pressing `action` on the card `card_activity` carries."""
    a = act.fixture("d_teams_invoke_adaptive_card_action")
    a["id"] = f"f:{uuid.uuid4()}"
    a["serviceUrl"] = chat.channel.service_url
    a["conversation"]["id"] = chat.conversation_id
    a["replyToId"] = card_activity.id
    if chat.locale:
        a["locale"] = chat.locale
    a["value"] = {
        "action": {
            "type": "Action.Execute",
            "title": action.get("title", ""),
            "verb": action["verb"],
            "data": dict(action.get("data") or {}),
        },
        "trigger": action.get("trigger", "manual"),
    }
    return a


async def execute(chat: Conversation, card_activity: Recorded, action: dict[str, Any]) -> Any:
    """POST the invoke; the card Teams would show from its answer (the answer checked)."""
    resp = await chat.bot.post(invoke(chat, card_activity, action))
    assert resp.status == 200, resp.status
    body = await resp.json()
    assert body["statusCode"] == 200, body
    assert body["type"] == "application/vnd.microsoft.card.adaptive", body
    assert card_problems(body["value"]) == []
    return body["value"]


def writes(bot: RunningApp) -> int:
    counters = bot.hubspot_local.controls.counters
    return counters["update"].committed + counters["batch_update"].committed


async def _jane(bot: RunningApp) -> Any:
    return (
        await bot.contacts.create(
            {"firstname": "Jane", "lastname": "Doe", "email": "jane@acme.com", "company": "Acme"}
        )
    ).contact


async def _teams_confirm(
    bot: RunningApp, channel: TestChannel, change: str, locale: str = "en-US"
) -> Any:
    chat = Conversation(
        bot, channel, kind="teams", locale=locale, conversation_id=f"a:{uuid.uuid4().hex}"
    )
    await chat.start()
    (reply,) = await chat.say(change)
    return chat, reply


async def test_confirm_through_execute_answers_the_final_card_and_writes_once(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        jane = await _jane(bot)
        chat, reply = await _teams_confirm(bot, channel, "update jane@acme.com company Globex")
        card = reply.cards[0]
        assert card_problems(card) == []
        buttons = executes(card)
        assert set(buttons) >= {"Confirm", "Cancel"} and "Action.Submit" not in str(card)
        assert buttons["Confirm"]["verb"] == "update_confirm"
        # Each viewer's Teams asks for the card's current state.
        assert card["refresh"]["userIds"] == [TEAMS_USER["id"]]
        assert card["refresh"]["action"]["verb"] == "refresh"
        before = writes(bot)

        final = await execute(chat, reply, buttons["Confirm"])
        assert texts(final)[-1].startswith("✓ Saved by Fixture User · ")
        assert acting_buttons(final) == [] and "refresh" not in final
        assert "Acme → Globex" in str(final)
        assert (await bot.contacts.get(jane.id)).get("company") == "Globex"
        assert writes(bot) == before + 1
        # The updated contact comes as a message, its change marked; the confirmation card is
        # not updated by a PUT as well (the invoke's answer did that).
        sent = channel.activities(chat.conversation_id)
        assert heading(sent[-1].cards[0]) == "Contact updated" and not sent[-1].updated
        assert "was Acme" in texts(sent[-1].cards[0])
        count = len(sent)

        # The same card pressed again: refused with its final state; nothing written or said.
        version = (await bot.contacts.get(jane.id)).version
        again = await execute(chat, reply, buttons["Confirm"])
        assert again == final
        assert await execute(chat, reply, buttons["Cancel"]) == final
        assert writes(bot) == before + 1
        assert (await bot.contacts.get(jane.id)).version == version
        assert len(channel.activities(chat.conversation_id)) == count


async def test_a_stale_confirmation_card_is_refused_and_writes_nothing(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        jane = await _jane(bot)
        chat, old = await _teams_confirm(bot, channel, "update jane@acme.com company Globex")
        (new,) = [
            r for r in await chat.say("update jane@acme.com company Initech") if not r.updated
        ]
        # The older card ended in the chat when the newer one came.
        replaced = channel.current(chat.conversation_id, old.id)
        assert replaced.updated
        assert texts(replaced.cards[0])[-1].startswith("Replaced by a newer card · ")
        assert acting_buttons(replaced.cards[0]) == []
        before = writes(bot)

        answer = await execute(chat, old, executes(old.cards[0])["Confirm"])
        assert texts(answer)[-1].startswith("Replaced by a newer card · ")
        assert writes(bot) == before
        assert (await bot.contacts.get(jane.id)).get("company") == "Acme"

        final = await execute(chat, new, executes(new.cards[0])["Confirm"])
        assert texts(final)[-1].startswith("✓ Saved by Fixture User")
        assert (await bot.contacts.get(jane.id)).get("company") == "Initech"
        assert writes(bot) == before + 1


async def test_everyone_who_talked_to_the_bot_in_the_chat_gets_the_refresh(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        await _jane(bot)
        cid = f"a:{uuid.uuid4().hex}"
        ann = Conversation(bot, channel, kind="teams", conversation_id=cid)
        bob = Conversation(
            bot, channel, kind="teams", conversation_id=cid, sender={"id": "29:bob", "name": "Bob"}
        )
        await ann.start()
        (found,) = await ann.say("find jane@acme.com")
        assert found.cards[0]["refresh"]["userIds"] == [TEAMS_USER["id"]]
        (confirm,) = await bob.say("update jane@acme.com company Globex")
        assert confirm.cards[0]["refresh"]["userIds"] == ["29:bob", TEAMS_USER["id"]]


async def test_a_refresh_shows_the_card_as_it_is_now(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        await _jane(bot)
        chat, reply = await _teams_confirm(bot, channel, "update jane@acme.com company Globex")
        card = reply.cards[0]
        refresh = {**card["refresh"]["action"], "trigger": "automatic"}
        live = await execute(chat, reply, refresh)
        assert live == card  # still live: the same card, buttons and all
        final = await execute(chat, reply, executes(card)["Confirm"])
        assert await execute(chat, reply, refresh) == final
        assert acting_buttons(final) == []


async def test_typed_cancel_ends_the_card_for_good(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        jane = await _jane(bot)
        chat = Conversation(bot, channel)
        await chat.start()
        (reply,) = await chat.say("update jane@acme.com company Globex")
        confirm = reply.cards[0]
        said, ended = await chat.say("cancel")
        assert said.text == "Update cancelled. Nothing was changed."
        assert ended.updated and ended.id == reply.id
        assert texts(ended.cards[0])[-1].startswith("Cancelled by User · ")
        assert acting_buttons(ended.cards[0]) == []
        before = writes(bot)
        (refused,) = await chat.click(action_data(confirm, "Confirm"))
        assert refused.text.startswith("That card was already used (Cancelled by User · ")
        assert writes(bot) == before
        assert (await bot.contacts.get(jane.id)).get("company") == "Acme"


async def test_typed_korean_cancel_ends_the_teams_card_for_good(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        jane = await _jane(bot)
        chat, reply = await _teams_confirm(bot, channel, "jane@acme.com 회사 Globex로 수정")
        confirm = executes(reply.cards[0])
        assert set(confirm) >= {"확인", "취소"}
        said, ended = await chat.say("취소")
        assert said.text.startswith("수정을 취소했어요")
        assert ended.updated and ended.id == reply.id
        assert texts(ended.cards[0])[-1].startswith("Fixture User 님이 취소했어요 · ")
        before = writes(bot)
        answer = await execute(chat, reply, confirm["확인"])
        assert texts(answer)[-1].startswith("Fixture User 님이 취소했어요 · ")
        assert writes(bot) == before
        assert (await bot.contacts.get(jane.id)).get("company") == "Acme"


async def test_a_used_create_form_does_not_create_again(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        chat = Conversation(bot, channel, kind="teams", conversation_id=f"a:{uuid.uuid4().hex}")
        (welcome,) = await chat.start()
        (reply,) = await chat.click(action_data(welcome.cards[0], "Create contact"))
        create = executes(reply.cards[0])["Create"]
        pressed = {**create, "data": {**create["data"], "firstname": "Ann", "email": "ann@x.kr"}}
        final = await execute(chat, reply, pressed)
        assert texts(final)[-1].startswith("✓ Created Ann · Fixture User · ")
        assert acting_buttons(final) == [] and not any("Input." in str(e) for e in final["body"])
        assert await execute(chat, reply, pressed) == final
        assert bot.hubspot_local.controls.counters["create"].committed == 1


async def test_more_results_through_execute_ends_the_page_and_sends_the_next(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        await bot.hubspot_local.store.bulk_insert(
            {"firstname": f"P{i}", "lastname": "Pager", "email": f"p{i}@pager.example"}
            for i in range(12)
        )
        chat = Conversation(bot, channel, kind="teams", conversation_id=f"a:{uuid.uuid4().hex}")
        await chat.start()
        (page,) = await chat.say("find Pager")
        more = executes(page.cards[0])["More results"]
        before = len(channel.activities(chat.conversation_id))
        final = await execute(chat, page, more)
        assert texts(final)[-1].startswith("Fixture User asked for more results · ")
        assert acting_buttons(final) == [] and "Pager" in str(final)  # the rows stay, to read
        (second,) = channel.activities(chat.conversation_id)[before:]
        assert "Showing 11–12 of 12" in texts(second.cards[0]) and not second.updated
        # The first page pressed again: its final state; no third page is sent.
        assert await execute(chat, page, more) == final
        assert len(channel.activities(chat.conversation_id)) == before + 1


async def test_a_card_ends_in_its_own_language(tmp_path, channel):
    """A Korean command in a chat whose client says en-US: the card is Korean, and so is the
    final state the (en-US) invoke gets."""
    async with running_app(test_settings(tmp_path)) as bot:
        await _jane(bot)
        chat, reply = await _teams_confirm(bot, channel, "jane@acme.com 회사 Globex로 수정")
        final = await execute(chat, reply, executes(reply.cards[0])["확인"])
        assert texts(final)[-1].startswith("✓ Fixture User 님이 저장했어요 · ")
