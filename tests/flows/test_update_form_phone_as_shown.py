"""The update form shows a phone number as the cards do ("010-1234-5678" to a Korean user,
"+82 10-1234-5678" in English), not as HubSpot stores it ("+821012345678"); sending the form
back with the number untouched is no change: nothing is previewed, written or recorded for it.
"""

from __future__ import annotations

from typing import Any

import pytest

from app import STORE_KEY
from tests.support.botapp import Conversation, action_data, running_app, test_settings
from tests.support.cardread import facts

STORED = "+821012345678"


def inputs(card: dict[str, Any]) -> dict[str, str]:
    """What the form's inputs hold when it opens, by field."""
    return {
        e["id"]: str(e.get("value") or "") for e in card["body"] if e.get("type") == "Input.Text"
    }


async def _form(bot: Any, chat: Conversation, ask: str) -> dict[str, Any]:
    await chat.start()
    (reply,) = await chat.say(ask)
    (card,) = reply.cards
    return card


async def _minjun(bot: Any) -> Any:
    return (
        await bot.contacts.create(
            {
                "firstname": "민준",
                "lastname": "김",
                "email": "minjun@hanbit.kr",
                "phone": STORED,
                "company": "한빛",
            }
        )
    ).contact


@pytest.mark.parametrize(
    ("locale", "ask", "shown", "review", "company"),
    [
        ("ko-KR", "minjun@hanbit.kr 수정", "010-1234-5678", "변경 내용 확인", "회사"),
        ("en-US", "update minjun@hanbit.kr", "+82 10-1234-5678", "Review changes", "Company"),
    ],
)
async def test_the_form_shows_the_number_as_cards_do_and_untouched_it_is_no_change(
    tmp_path, channel, locale, ask, shown, review, company
):
    async with running_app(test_settings(tmp_path)) as bot:
        minjun = await _minjun(bot)
        chat = Conversation(bot, channel, locale=locale)
        form = await _form(bot, chat, ask)
        values = inputs(form)
        assert values["phone"] == shown, values
        assert STORED not in values.values()

        # Only the company is changed: the confirmation names only the company.
        (reply,) = await chat.click({**action_data(form, review), **values, "company": "Globex"})
        assert list(facts(reply.cards[0])) == [company], facts(reply.cards[0])

        # Sent back exactly as shown: nothing to change, nothing written.
        (reply,) = await chat.click({**action_data(form, review), **values})
        assert not [c for c in reply.cards if list(facts(c)) == [company]]
        assert (await bot.contacts.get(minjun.id)).get("phone") == STORED
        assert (await bot.contacts.get(minjun.id)).get("company") == "한빛"


async def test_a_bad_value_beside_an_untouched_number_records_only_the_bad_value(tmp_path, channel):
    """The audit log names what the user changed: the bad email, not the number they left."""
    async with running_app(test_settings(tmp_path)) as bot:
        minjun = await _minjun(bot)
        chat = Conversation(bot, channel, locale="ko-KR")
        form = await _form(bot, chat, "minjun@hanbit.kr 수정")
        values = inputs(form)
        sent = {**action_data(form, "변경 내용 확인"), **values, "email": "minjun@hanbit"}
        (reply,) = await chat.click(sent)
        assert reply.cards and inputs(reply.cards[0])["phone"] == "010-1234-5678"
        [entry] = await bot.app[STORE_KEY].audit_log(5, contacts=[minjun.id])
        assert (entry.outcome, entry.properties) == ("refused", {"email": "minjun@hanbit"})
        assert (await bot.contacts.get(minjun.id)).get("email") == "minjun@hanbit.kr"
