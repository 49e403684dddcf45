"""Allow-lists and read-only users: who may use the bot, and who may only search.

The policy is checked on the real Teams/Emulator/Direct Line activity shapes, then through the
whole app over HTTP: a refused person sees a polite line and HubSpot is untouched.
"""

from __future__ import annotations

import pytest

from bots.access import AccessPolicy, identity_of
from cards import refusal_text, text
from config import Settings
from tests.support import activities as act
from tests.support.botapp import Conversation, running_app, submit_actions, test_settings
from tests.support.channel import TestChannel
from tests.support.directline_client import card_text

TENANT = "11111111-1111-1111-1111-111111111111"  # the fixtures' tenant and user
USER = "33333333-3333-3333-3333-333333333333"
OTHER = "44444444-4444-4444-4444-444444444444"
SERVICE = "http://127.0.0.1:9/"


def teams(text: str = "hi") -> dict:
    return act.teams_message("a:conv", SERVICE, text)


def emulator(text: str = "hi") -> dict:
    return act.emulator_message("emu|livechat", SERVICE, text)


def webchat_spoofing_teams_identity() -> dict:
    """What the local Direct Line channel forwards when a browser puts Teams-looking fields in
    the body: it replaces `from` and `conversation`, but passes `channelData` through."""
    a = act.emulator_message("dl-conv", SERVICE, "hi")
    a["channelId"] = "directline"
    a["channelData"] = {"tenant": {"id": TENANT}}
    a["from"] = {"id": "dl_user", "role": "user", "aadObjectId": USER}  # not kept, but try
    return a


# -- the policy on its own ---------------------------------------------------------------------


def test_no_lists_means_everyone_may_do_everything():
    policy = AccessPolicy.from_settings(Settings())
    for activity in (teams(), emulator(), webchat_spoofing_teams_identity()):
        decision = policy.check(activity)
        assert decision.allowed and not decision.read_only


def test_a_teams_identity_is_read_from_the_activity():
    who = identity_of(teams())
    assert who.tenant == TENANT and who.user_ids == {USER}
    assert identity_of(emulator()).user_ids == frozenset()


@pytest.mark.parametrize(
    "settings,allowed",
    [
        (Settings(allowed_tenants=(TENANT,)), True),
        (Settings(allowed_tenants=(TENANT.upper(),)), True),
        (Settings(allowed_tenants=(OTHER,)), False),
        (Settings(allowed_users=(USER,)), True),
        (Settings(allowed_users=(OTHER,)), False),
        (Settings(allowed_tenants=(TENANT,), allowed_users=(OTHER,)), False),
        (Settings(allowed_tenants=(OTHER,), allowed_users=(USER,)), False),  # tenant comes first
        (Settings(allowed_users=(OTHER,), readonly_users=(USER,)), True),  # read-only is allowed
    ],
)
def test_teams_users_against_the_lists(settings, allowed):
    decision = AccessPolicy.from_settings(settings).check(teams())
    assert decision.allowed is allowed
    assert decision.reason == ("" if allowed else "not_allowed")


def test_the_tenant_is_also_found_on_the_conversation():
    activity = teams()
    del activity["channelData"]["tenant"]
    assert AccessPolicy(allowed_tenants=[TENANT]).check(activity).allowed
    activity["conversation"].pop("tenantId")
    assert not AccessPolicy(allowed_tenants=[TENANT]).check(activity).allowed


def test_a_upn_matches_case_insensitively_when_the_channel_sends_one():
    activity = teams()
    activity["from"]["userPrincipalName"] = "Jane.Doe@Contoso.com"
    policy = AccessPolicy(allowed_users=["jane.doe@contoso.COM"])
    assert policy.check(activity).allowed
    del activity["from"]["userPrincipalName"]
    assert not policy.check(activity).allowed  # Teams usually sends only aadObjectId


def test_users_without_a_teams_identity_only_pass_while_no_user_list_is_set():
    assert AccessPolicy(readonly_users=[OTHER]).check(emulator()).allowed
    assert not AccessPolicy(allowed_users=[USER]).check(emulator()).allowed
    assert not AccessPolicy(allowed_tenants=[TENANT]).check(emulator()).allowed


def test_identity_typed_into_a_web_chat_activity_is_not_believed():
    spoof = webchat_spoofing_teams_identity()
    assert not AccessPolicy(allowed_tenants=[TENANT]).check(spoof).allowed
    assert not AccessPolicy(allowed_users=[USER]).check(spoof).allowed
    # and a read-only user cannot shed the restriction by claiming to be someone else there
    assert identity_of(spoof).user_ids == frozenset()


def test_read_only_users_are_allowed_but_read_only():
    decision = AccessPolicy(readonly_users=[USER.upper()]).check(teams())
    assert decision.allowed and decision.read_only
    assert not AccessPolicy(readonly_users=[OTHER]).check(teams()).read_only


# -- through the app ---------------------------------------------------------------------------


async def snapshot(bot) -> dict[str, dict[str, str]]:
    records, _ = await bot.hubspot_local.store.page(0, 1000)
    return {str(r.id): dict(r.props) for r in records}


def assert_refused(replies, lang: str = "en") -> None:
    """One polite line and nothing else: no card, no contact data."""
    assert len(replies) == 1 and not replies[0].cards, [r.activity for r in replies]
    assert replies[0].text == refusal_text(lang, "not_allowed")


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_refusal_has_words_in_both_languages(lang):
    words = refusal_text(lang, "not_allowed")
    assert words and "not_allowed" not in words
    assert words != refusal_text("en" if lang == "ko" else "ko", "not_allowed")


@pytest.mark.parametrize(
    "overrides",
    [
        {"allowed_tenants": (OTHER,)},
        {"allowed_users": (OTHER,)},
    ],
)
async def test_a_refused_teams_user_gets_a_polite_no_and_hubspot_is_untouched(tmp_path, overrides):
    settings = test_settings(tmp_path, **overrides)
    async with running_app(settings) as bot, TestChannel() as channel:
        jane = (
            await bot.contacts.create(
                {"firstname": "Jane", "lastname": "Doe", "email": "jane@acme.com"}
            )
        ).contact
        before = await snapshot(bot)
        chat = Conversation(bot, channel, kind="teams")
        assert await chat.start() == []  # no welcome card for someone who may not use it
        for typed in (
            "add Bob Lee bob@acme.com",
            "find jane@acme.com",
            "update jane@acme.com phone +1 415 555 0100",
        ):
            assert_refused(await chat.say(typed))
        assert_refused(
            await chat.click(
                {
                    "action": "update_submit",
                    "contact_id": jane.id,
                    "phone": "+1 415 555 0199",
                    "nonce": "guess",
                }
            )
        )
        assert await snapshot(bot) == before


async def test_a_refusal_is_in_the_users_language(tmp_path):
    settings = test_settings(tmp_path, allowed_users=(OTHER,))
    async with running_app(settings) as bot, TestChannel() as channel:
        chat = Conversation(bot, channel, kind="teams", locale="ko-KR")
        assert_refused(await chat.say("김민수 찾아줘"), "ko")


async def test_a_listed_user_is_served(tmp_path):
    settings = test_settings(tmp_path, allowed_tenants=(TENANT,), allowed_users=(USER.upper(),))
    async with running_app(settings) as bot, TestChannel() as channel:
        await bot.contacts.create(
            {"firstname": "Jane", "lastname": "Doe", "email": "jane@acme.com"}
        )
        chat = Conversation(bot, channel, kind="teams")
        assert (await chat.start())[0].cards  # the welcome card
        replies = await chat.say("find jane@acme.com")
        assert "jane@acme.com" in "\n".join(card_text(c) for r in replies for c in r.cards)


async def test_the_emulator_is_refused_once_a_user_list_is_set(tmp_path):
    settings = test_settings(tmp_path, allowed_users=(USER,))
    async with running_app(settings) as bot, TestChannel() as channel:
        await bot.contacts.create({"firstname": "Jane", "email": "jane@acme.com"})
        chat = Conversation(bot, channel)  # Emulator-shaped: no aadObjectId
        assert_refused(await chat.say("find jane@acme.com"))


async def test_a_read_only_user_can_search_but_not_create_or_update(tmp_path):
    settings = test_settings(tmp_path, readonly_users=(USER,))
    async with running_app(settings) as bot, TestChannel() as channel:
        jane = (
            await bot.contacts.create(
                {"firstname": "Jane", "lastname": "Doe", "email": "jane@acme.com"}
            )
        ).contact
        before = await snapshot(bot)
        chat = Conversation(bot, channel, kind="teams")
        await chat.start()
        read_only = text("en", "read_only_user")

        found = await chat.say("find jane@acme.com")
        assert "jane@acme.com" in "\n".join(card_text(c) for r in found for c in r.cards)

        for typed in (
            "add Bob Lee bob@acme.com",
            "update jane@acme.com phone +1 415 555 0100",
            "change jane@acme.com's phone to +1 415 555 0100",
        ):
            assert [r.text for r in await chat.say(typed)] == [read_only], typed
        for value in (
            {"action": "start_create"},
            {"action": "start_update"},
            {"action": "create_submit", "firstname": "Bob", "email": "bob@acme.com"},
            {"action": "update_pick", "contact_id": jane.id},
            {"action": "update_submit", "contact_id": jane.id, "phone": "+1 415 555 0199"},
            {"action": "open_form", "form": "create"},
        ):
            replies = await chat.click(value)
            assert [r.text for r in replies] == [read_only], value
        # The search form still works from a button.
        search = await chat.click({"action": "start_search"})
        assert search and search[-1].cards
        data = next(
            dict(a["data"])
            for a in submit_actions(search[-1].cards[0])
            if a["data"].get("action") == "search_submit"
        )
        data.update({"email": "jane@acme.com"})
        results = await chat.click(data)
        assert "jane@acme.com" in "\n".join(card_text(c) for r in results for c in r.cards)
        assert await snapshot(bot) == before


async def test_a_refused_user_chatting_in_a_channel_without_mentioning_the_bot_hears_nothing(
    tmp_path,
):
    """In a team channel the bot reads every message; refusing each one not addressed to it
    would answer colleagues talking among themselves."""
    settings = test_settings(tmp_path, allowed_users=(OTHER,))
    async with running_app(settings) as bot, TestChannel() as channel:
        a = act.fixture("b_teams_message_channel_mention")
        a.update(serviceUrl=channel.service_url, text="lunch at noon?")
        a["entities"] = [e for e in a["entities"] if e["type"] != "mention"]
        cid = a["conversation"]["id"]
        assert (await bot.post(a)).status in (200, 201, 202)
        assert channel.activities(cid, include_typing=True) == []
        # Mentioned, the same person is told politely.
        mentioned = act.fixture("b_teams_message_channel_mention")
        mentioned.update(serviceUrl=channel.service_url, id="2")
        await bot.post(mentioned)
        assert_refused(channel.activities(cid))
