"""A misspelt name finds the people meant: "find Jenifer Tailor", "search Tayler", "김민중
찾아줘" answer "Did you mean ...?" with the close names as choices; choosing one shows that
contact as a search finding only them would. Nothing is ever done to a guess: a typed update
of a misspelt name writes nothing, and HubSpot holds exactly what it held. Real app over
HTTP, local HubSpot, no mocks."""

from __future__ import annotations

import pytest

from tests.support.botapp import (
    Conversation,
    action_data,
    running_app,
    submit_actions,
    test_settings,
)
from tests.support.cardread import heading, texts

pytestmark = pytest.mark.timeout(60)


def _offered(card) -> list[str]:
    """The contact ids a "Did you mean" card offers, in its order."""
    return [
        a["data"]["contact_id"]
        for a in submit_actions(card)
        if a["data"].get("action") == "show_contact"
    ]


def _row_data(card, contact_id: str) -> dict:
    (data,) = [
        a["data"]
        for a in submit_actions(card)
        if a["data"].get("action") == "show_contact" and a["data"]["contact_id"] == contact_id
    ]
    return dict(data)


async def _people(bot) -> dict[str, str]:
    """Ids by full name of the contacts every test starts with."""
    people = [
        {"firstname": "Jennifer", "lastname": "Taylor", "email": "jennifer.taylor@soylent.com",
         "company": "Soylent"},
        {"firstname": "Jane", "lastname": "Doe", "email": "jane@acme.com", "company": "Acme"},
        {"firstname": "Bob", "lastname": "Lee", "email": "bob.lee@contoso.com"},
        {"firstname": "민준", "lastname": "김", "email": "minjun.kim@example.co.kr",
         "company": "카카오"},
        {"firstname": "민수", "lastname": "김", "email": "minsu.kim@example.co.kr"},
        {"firstname": "서연", "lastname": "박", "email": "seoyeon.park@example.co.kr"},
    ]  # fmt: skip
    ids = {}
    for p in people:
        contact = (await bot.contacts.create(p)).contact
        ids[contact.full_name] = contact.id
    return ids


async def _held(bot) -> dict[str, dict[str, str]]:
    """What HubSpot holds: every contact's name fields and company, by email."""
    out = {}
    for email in (
        "jennifer.taylor@soylent.com",
        "jane@acme.com",
        "bob.lee@contoso.com",
        "minjun.kim@example.co.kr",
        "minsu.kim@example.co.kr",
        "seoyeon.park@example.co.kr",
    ):
        c = await bot.contacts.find_by_email(email)
        assert c is not None
        out[email] = {k: c.get(k) for k in ("firstname", "lastname", "company", "jobtitle")}
    return out


async def test_a_misspelt_full_name_offers_the_one_meant_and_choosing_shows_it(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        ids = await _people(bot)
        before = await _held(bot)
        chat = Conversation(bot, channel)
        await chat.start()
        searches = bot.hubspot_local.controls.counters["search"].total

        (reply,) = await chat.say("find Jenifer Tailor")
        assert reply.text == "No contacts found for Jenifer Tailor. Did you mean Jennifer Taylor?"
        card = reply.cards[0]
        assert heading(card) == "Did you mean…?"
        assert _offered(card) == [ids["Jennifer Taylor"]]
        # The row: the email on its own line, then the company (cards wrap at phone width).
        assert {"jennifer.taylor@soylent.com", "Soylent"} <= set(texts(card))
        # A handful of searches for the whole turn: the name, the words anywhere, the typos.
        assert bot.hubspot_local.controls.counters["search"].total - searches <= 4

        (shown,) = await chat.click(action_data(card, "Show"))
        result = shown.cards[0]
        assert "Showing 1 of 1" in texts(result)
        assert "Jennifer Taylor" in texts(result)
        assert [a["data"]["contact_id"] for a in submit_actions(result) if a["title"] == "Update"]
        assert await _held(bot) == before  # looking is not writing


async def test_a_single_misspelt_word_offers_every_close_name(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        ids = await _people(bot)
        chat = Conversation(bot, channel)
        await chat.start()

        (reply,) = await chat.say("search Tayler")
        assert reply.text.startswith("No contacts found for Tayler. Did you mean")
        assert _offered(reply.cards[0]) == [ids["Jennifer Taylor"]]

        (reply,) = await chat.say("lookup Jnae")  # a swap of two letters
        assert _offered(reply.cards[0]) == [ids["Jane Doe"]]

        (reply,) = await chat.say("Jenifer Tailor 찾아줘")  # a Latin name in a Korean request
        assert reply.text == (
            "찾는 연락처가 없어요: Jenifer Tailor. 혹시 Jennifer Taylor 님을 찾으세요?"
        )
        assert heading(reply.cards[0]) == "이 중에 찾으시는 분이 있나요?"


async def test_a_misspelt_name_at_a_company_looks_only_there(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        ids = await _people(bot)
        chat = Conversation(bot, channel)
        await chat.start()

        (reply,) = await chat.say("find Tayler at Soylent")
        assert reply.text == "No contacts found for Soylent, Tayler. Did you mean Jennifer Taylor?"
        assert _offered(reply.cards[0]) == [ids["Jennifer Taylor"]]

        (reply,) = await chat.say("find Tayler at Acme")  # no Taylor works at Acme
        assert reply.text == "No contacts found for Acme, Tayler."
        assert not _offered(reply.cards[0])

        (reply,) = await chat.say("카카오 다니는 김민중 찾아줘")
        assert _offered(reply.cards[0]) == [ids["김민준"]]  # 김민수 is not at 카카오


async def test_a_korean_name_one_letter_off_offers_the_closest_first(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        ids = await _people(bot)
        before = await _held(bot)
        chat = Conversation(bot, channel, locale="ko-KR")
        await chat.start()

        (reply,) = await chat.say("김민중 찾아줘")  # 중 for 준: one letter (ㅇ for ㄴ)
        assert reply.text == "찾는 연락처가 없어요: 김민중. 비슷한 이름을 찾았어요."
        card = reply.cards[0]
        assert heading(card) == "이 중에 찾으시는 분이 있나요?"
        assert _offered(card) == [ids["김민준"], ids["김민수"]]  # 김민수 is two letters off
        assert ids["박서연"] not in _offered(card)

        (shown,) = await chat.click(_row_data(card, ids["김민준"]))
        result = shown.cards[0]
        assert "전체 1개 중 1번째" in texts(result)
        assert "김민준" in texts(result) and "김민수" not in texts(result)

        (reply,) = await chat.say("긴민준 검색해줘")  # the family name mistyped
        assert _offered(reply.cards[0]) == [ids["김민준"]]

        (reply,) = await chat.say("연락처 검색 박서윤")
        assert reply.text == "찾는 연락처가 없어요: 박서윤. 혹시 박서연 님을 찾으세요?"
        assert _offered(reply.cards[0]) == [ids["박서연"]]
        assert await _held(bot) == before


async def test_nothing_close_is_no_results_not_a_guess(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        await _people(bot)
        chat = Conversation(bot, channel)
        await chat.start()

        (reply,) = await chat.say("find Zed Quixote")
        assert reply.text == "No contacts found for Zed Quixote."
        assert heading(reply.cards[0]) == "Try other words, or create the contact?"
        assert not _offered(reply.cards[0])

        (reply,) = await chat.say("홍길동 찾아줘")
        assert reply.text == "찾는 연락처가 없어요: 홍길동"
        assert not _offered(reply.cards[0])

        # An email or a company is not guessed at: only names are.
        (reply,) = await chat.say("search jenifer.taylor@soylent.com")
        assert reply.text == "No contacts found for jenifer.taylor@soylent.com."
        assert not _offered(reply.cards[0])


async def test_a_typed_change_to_a_misspelt_name_writes_nothing(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        await _people(bot)
        before = await _held(bot)
        counters = bot.hubspot_local.controls.counters
        chat = Conversation(bot, channel)
        await chat.start()

        for line in (
            "update Tayler company Acme",
            "change Jenifer Tailor title to VP Sales",
            "김민중 회사 네이버로 바꿔줘",
            "박서윤 직함을 팀장으로 수정해줘",
        ):
            replies = await chat.say(line)
            assert all(
                a["data"].get("action") != "update_confirm"
                for r in replies
                for card in r.cards
                for a in submit_actions(card)
            ), line
        assert await _held(bot) == before
        assert counters["update"].committed + counters["batch_update"].committed == 0


async def test_a_chosen_near_match_is_updated_only_through_confirm(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        ids = await _people(bot)
        chat = Conversation(bot, channel)
        await chat.start()

        (reply,) = await chat.say("find Jenifer Tailor")
        (shown,) = await chat.click(action_data(reply.cards[0], "Show"))
        (form,) = await chat.click(action_data(shown.cards[0], "Update"))
        assert heading(form.cards[0]) == "Update Jennifer Taylor"
        (confirm,) = await chat.click(
            {**action_data(form.cards[0], "Review changes"), "jobtitle": "VP Sales"}
        )
        held = await bot.contacts.get(ids["Jennifer Taylor"])
        assert held.get("jobtitle") == ""  # nothing yet: the user has not confirmed
        await chat.click(action_data(confirm.cards[0], "Confirm"))
        held = await bot.contacts.get(ids["Jennifer Taylor"])
        assert held.get("jobtitle") == "VP Sales"
