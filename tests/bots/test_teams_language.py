"""The conversation's language in Teams, over HTTP with Teams-shaped payloads.

The Teams client sends its own locale (here en-US, or ko-KR) on every activity, whatever the
user writes. The language the user writes in wins for the conversation, and a card's buttons
carry the card's language into what follows them, whatever locale the press arrives with.
"""

from __future__ import annotations

import re
import uuid

import pytest

from tests.support import activities as act
from tests.support.botapp import running_app, submit_actions, test_settings
from tests.support.cardread import heading
from tests.support.channel import TestChannel
from tests.support.teams_chat import exchange, execute, invoke, shown, submit

HANGUL = re.compile("[\uac00-\ud7a3]")


@pytest.fixture
async def teams(tmp_path):
    async with running_app(test_settings(tmp_path)) as bot, TestChannel() as channel:
        await bot.contacts.create(
            {"firstname": "Jane", "lastname": "Doe", "email": "jane@acme.com", "company": "Acme"}
        )
        await bot.contacts.create({"firstname": "민수", "lastname": "김", "email": "minsu@ex.kr"})
        yield bot, channel


def _button(replies, action: str) -> dict:
    for r in replies:
        for c in r.cards:
            for a in submit_actions(c):
                if a["data"].get("action") == action:
                    return dict(a["data"])
    raise AssertionError(f"no {action} button in {shown(replies)!r}")


def _korean(replies) -> bool:
    return bool(replies) and all(
        HANGUL.search(r.text or "") or any(HANGUL.search(heading(c)) for c in r.cards)
        for r in replies
    )


def _english(replies) -> bool:
    return (
        bool(replies)
        and not any(HANGUL.search(r.text or "") for r in replies)
        and not any(HANGUL.search(heading(c)) for r in replies for c in r.cards)
    )


async def _personal(bot, channel, locale: str):
    cid = f"a:{uuid.uuid4().hex}"
    welcome = await exchange(
        bot, channel, act.teams_installation_update(cid, channel.service_url, locale=locale)
    )
    return cid, welcome


def _say(channel, cid: str, text: str, locale: str) -> dict:
    return act.teams_message(cid, channel.service_url, text, locale)


async def test_the_welcome_follows_the_client_locale(teams):
    bot, channel = teams
    _, english = await _personal(bot, channel, "en-US")
    _, korean = await _personal(bot, channel, "ko-KR")
    assert _english(english) and _korean(korean)


async def test_korean_typed_on_an_english_client_is_answered_in_korean_until_english(teams):
    bot, channel = teams
    cid, _ = await _personal(bot, channel, "en-US")
    assert _korean(await exchange(bot, channel, _say(channel, cid, "도움말", "en-US")))
    # A line in no language (an email) keeps the conversation's.
    assert _korean(await exchange(bot, channel, _say(channel, cid, "minsu@ex.kr", "en-US")))
    assert _english(await exchange(bot, channel, _say(channel, cid, "help", "en-US")))


async def test_an_english_line_from_a_korean_client_is_answered_in_english(teams):
    bot, channel = teams
    cid, welcome = await _personal(bot, channel, "ko-KR")
    assert _korean(welcome)
    replies = await exchange(bot, channel, _say(channel, cid, "find jane@acme.com", "ko-KR"))
    assert _english(replies) and "jane@acme.com" in shown(replies)


async def test_a_korean_cards_button_pressed_with_en_us_answers_in_korean(teams):
    bot, channel = teams
    cid, _ = await _personal(bot, channel, "en-US")
    help_card = await exchange(bot, channel, _say(channel, cid, "도움말", "en-US"))
    form = await exchange(bot, channel, submit(channel, cid, _button(help_card, "start_search")))
    assert _korean(form), shown(form)
    search = {**_button(form, "search_submit"), "email": "minsu@ex.kr"}
    found = await exchange(bot, channel, submit(channel, cid, search))
    assert _korean(found) and "minsu@ex.kr" in shown(found)


async def test_an_english_cards_button_pressed_with_ko_kr_answers_in_english(teams):
    bot, channel = teams
    cid, welcome = await _personal(bot, channel, "en-US")
    form = await exchange(
        bot, channel, submit(channel, cid, _button(welcome, "start_search"), locale="ko-KR")
    )
    assert _english(form), shown(form)


async def test_a_korean_confirmation_confirmed_with_en_us_stays_korean(teams):
    bot, channel = teams
    cid, _ = await _personal(bot, channel, "en-US")
    (reply,) = await exchange(
        bot, channel, _say(channel, cid, "jane@acme.com 회사 Globex로 바꿔줘", "en-US")
    )
    assert _korean([reply]), shown([reply])
    confirm = _execute(reply.cards[0], "update_confirm")
    answer = await invoke(
        bot, execute(channel, cid, confirm["data"], verb="update_confirm", reply_to=reply.id)
    )
    final = answer["value"]
    assert "저장했어요" in str(final), final
    after = channel.activities(cid)[-1]  # what follows the Confirm says it in Korean too
    assert after.id != reply.id and _korean([after]), shown([after])
    refreshed = await invoke(
        bot, execute(channel, cid, _refresh(reply.cards[0]), verb="refresh", reply_to=reply.id)
    )
    assert "저장했어요" in str(refreshed["value"])


def _execute(card: dict, verb: str) -> dict:
    for a in _actions(card):
        if a.get("verb") == verb:
            return a
    raise AssertionError(f"no {verb} in {card}")


def _refresh(card: dict) -> dict:
    return dict(card["refresh"]["action"]["data"])


def _actions(node) -> list[dict]:
    found: list[dict] = []
    if isinstance(node, dict):
        if node.get("type") == "Action.Execute":
            found.append(node)
        for value in node.values():
            found += _actions(value)
    elif isinstance(node, list):
        for value in node:
            found += _actions(value)
    return found
