"""Find duplicates and merge, through the chat over HTTP (issue 28): a company with three
planted pairs (the same phone, the same name, a Korean name typed in the other fields) lists
exactly those pairs with why they match (typed in English or Korean, or the search form's
button); a merge is previewed (the older contact stays, or the other on request; the values the
merged contact will have; that it cannot be undone), confirmed once (a second Confirm writes
nothing), audited with both ids, and the merged-away id then opens the kept contact in HubSpot
(read through the official SDK against the local HubSpot)."""

from __future__ import annotations

import asyncio

import hubspot
import pytest

from hubspot_local.options import Faults
from store.memory import MemoryStore
from tests.support.botapp import Conversation, action_data, running_app, test_settings
from tests.support.cardread import facts, heading, texts

ACME = [  # in creation order: the first of each pair is the older
    {"firstname": "Jonathan", "lastname": "Smith", "company": "ACME Inc.", "phone": "+14155550100"},
    {"firstname": "Jane", "lastname": "Doe", "company": "Acme", "email": "jane@acme.com"},
    {"firstname": "민지", "lastname": "김", "company": "Acme", "email": "minji@acme.com"},
    {"firstname": "Tom", "lastname": "Lee", "company": "Acme", "phone": "+14155550142"},
    {"firstname": "Jon", "lastname": "Smith", "company": "Acme", "phone": "(415) 555-0100"},
    {"firstname": "Jane", "lastname": "Doe", "company": "ACME Inc.", "email": "jd@gmail.com"},
    {"firstname": "김", "lastname": "민지", "company": "Acme Inc", "email": "mj@naver.com"},
    {"firstname": "Mary", "lastname": "Major", "company": "Acme", "phone": "+14155550199"},
    {"firstname": "Jane", "lastname": "Doe", "company": "Globex", "email": "jane@globex.com"},
]


def sdk(bot) -> hubspot.Client:
    local = bot.hubspot_local
    return hubspot.Client.create(access_token=local.token, host=local.url)


async def _plant(bot) -> list:
    return [(await bot.contacts.create(props)).contact for props in ACME]


def _rows(card) -> list[str]:
    """Each row's title (the pair's two names)."""
    return [
        texts(row["items"][0])[0]
        for row in card["body"]
        if row.get("type") == "Container" and row.get("separator")
    ]


def _pairs_card(replies):
    return next(r for r in replies if r.cards).cards[0]


async def test_find_duplicates_at_a_company_lists_the_three_planted_pairs(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        await _plant(bot)
        chat = Conversation(bot, channel)
        await chat.start()
        replies = await chat.say("find duplicates at Acme")
        assert replies[0].text == "Likely duplicates for Acme: 3 pair(s)."
        card = _pairs_card(replies)
        assert heading(card) == "Likely duplicates"
        assert sorted(_rows(card)) == [
            "Jane Doe ↔ Jane Doe",
            "Jonathan Smith ↔ Jon Smith",
            "김민지 ↔ 민지김",  # the newer one typed in the other fields
        ]
        shown = texts(card)
        assert "Why: same phone number, nearly the same name at the same company" in shown
        assert "Why: same name at the same company" in shown
        assert len([b for b in texts(card) if b == "Merge…"]) == 0  # buttons are not text
        assert str(card).count("'Merge…'") == 3


async def test_find_duplicates_in_korean_and_from_the_search_form(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        await _plant(bot)
        chat = Conversation(bot, channel, locale="ko-KR")
        await chat.start()
        replies = await chat.say("Acme 중복 연락처 찾아줘")
        card = _pairs_card(replies)
        assert heading(card) == "중복일 가능성이 높은 연락처"
        assert len(_rows(card)) == 3
        assert "이유: 같은 회사의 같은 이름" in texts(card)
        english = Conversation(bot, channel)
        (welcome,) = await english.start()
        (form,) = await english.click(action_data(welcome.cards[0], "Search contacts"))
        replies = await english.click(
            {**action_data(form.cards[0], "Find duplicates"), "company": "ACME Inc."}
        )
        assert len(_rows(_pairs_card(replies))) == 3


async def test_find_duplicates_of_one_contact_by_email(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        await _plant(bot)
        chat = Conversation(bot, channel)
        await chat.start()
        replies = await chat.say("find duplicates of jane@acme.com")
        assert _rows(_pairs_card(replies)) == ["Jane Doe ↔ Jane Doe"]
        (none,) = await chat.say("find duplicates of jane@globex.com")
        assert none.text == "I found no likely duplicates for Jane Doe."


async def _merge_preview(bot, channel, store=None):
    planted = await _plant(bot)
    chat = Conversation(bot, channel)
    await chat.start()
    replies = await chat.say("find duplicates at Acme")
    card = _pairs_card(replies)
    buttons = [
        d
        for d in (n.get("data") for n in _nodes(card) if n.get("title") == "Merge…")
        if d and d["contact_id"] == planted[0].id
    ]
    (replies) = await chat.click(buttons[0])
    preview = next(r for r in replies if r.cards).cards[0]
    return chat, planted, preview


def _nodes(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _nodes(value)


async def test_a_merge_is_previewed_confirmed_once_audited_and_the_old_id_opens_the_kept_one(
    tmp_path, channel
):
    store = MemoryStore()
    async with running_app(test_settings(tmp_path), store=store) as bot:
        chat, planted, preview = await _merge_preview(bot, channel)
        jonathan, jon = planted[0], planted[4]
        shown = " ".join(texts(preview))
        assert heading(preview) == "Merge two contacts"
        assert f"Jonathan Smith (#{jonathan.id}) stays (created first)" in shown
        assert f"Jon Smith (#{jon.id}) is merged into it" in shown
        assert (
            "This cannot be undone" in shown and "Nothing changes until you press Confirm" in shown
        )
        # The newer contact's values win, as HubSpot merges: the preview says what will be.
        values = facts(preview)
        assert (values["First name"], values["Company"]) == ("Jon", "Acme")
        assert (await bot.contacts.get(jon.id)).id == jon.id  # nothing merged before Confirm
        confirm = action_data(preview, "Confirm merge")
        replies = await chat.click(confirm)
        said = next(r for r in replies if not r.updated)
        assert said.text == f"Merged. The old record #{jon.id} now opens Jon Smith."
        ended = next(r for r in replies if r.updated)
        assert texts(ended.cards[0])[-1].startswith("✓ Merged into Jon Smith · ")
        client = sdk(bot)
        got = await asyncio.to_thread(client.crm.contacts.basic_api.get_by_id, jon.id)
        assert got.id == jonathan.id  # the merged-away id resolves to the primary
        page = await asyncio.to_thread(client.crm.contacts.basic_api.get_page, limit=100)
        assert jon.id not in {c.id for c in page.results}
        again = await chat.click(confirm)  # a double click, a replayed card
        assert not any("Merged." in r.text for r in again)
        (entry,) = [e for e in await store.audit_log() if e.action == "merge"]
        assert (entry.contact_id, entry.properties) == (
            jonathan.id,
            {"primary_id": jonathan.id, "merged_id": jon.id},
        )
        assert entry.actor_id and entry.at > 0 and entry.outcome == "applied"


async def test_keep_the_other_instead_swaps_which_contact_stays(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        chat, planted, preview = await _merge_preview(bot, channel)
        jonathan, jon = planted[0], planted[4]
        replies = await chat.click(action_data(preview, "Keep Jon Smith instead"))
        swapped = next(r for r in replies if r.cards and not r.updated).cards[0]
        assert f"Jon Smith (#{jon.id}) stays (your choice)" in " ".join(texts(swapped))
        await chat.click(action_data(preview, "Confirm merge"))  # the old preview: ended
        assert (await bot.contacts.get(jonathan.id)).id == jonathan.id
        await chat.click(action_data(swapped, "Confirm merge"))
        client = sdk(bot)
        got = await asyncio.to_thread(client.crm.contacts.basic_api.get_by_id, jonathan.id)
        assert got.id == jon.id


@pytest.mark.parametrize("line", ["cancel"])
async def test_cancel_merges_nothing(tmp_path, channel, line):
    async with running_app(test_settings(tmp_path)) as bot:
        chat, planted, preview = await _merge_preview(bot, channel)
        replies = await chat.click(action_data(preview, "Cancel"))
        assert any(r.updated and "Cancelled" in texts(r.cards[0])[-1] for r in replies)
        await chat.click(action_data(preview, "Confirm merge"))
        assert (await bot.contacts.get(planted[4].id)).id == planted[4].id


async def test_a_merge_whose_answer_is_lost_is_told_so_and_not_sent_again(tmp_path, channel):
    store = MemoryStore()
    async with running_app(test_settings(tmp_path), store=store) as bot:
        chat, planted, preview = await _merge_preview(bot, channel)
        confirm = action_data(preview, "Confirm merge")
        controls = bot.hubspot_local.controls
        controls.faults = Faults(
            rate=1.0, statuses=(503,), after_commit_share=0.0, routes=frozenset({"merge"})
        )
        replies = await chat.click(confirm)
        assert "may or may not have been saved" in " ".join(r.text for r in replies)
        assert any(r.updated and "did not confirm" in texts(r.cards[0])[-1] for r in replies)
        controls.faults = Faults()
        sent = controls.counters["merge"].total
        again = await chat.click(confirm)
        assert not any(r.text.startswith("Merged.") for r in again)
        assert controls.counters["merge"].total == sent
        (entry,) = [e for e in await store.audit_log() if e.action == "merge"]
        assert entry.outcome == "may-have-been-written"


TEAMS_USER = "29:1FAKE-user-00000000000000000000000000000000000000000000000000000000000000000000000"


async def test_find_my_duplicates_pairs_the_users_own_contacts_with_anyone(tmp_path, channel):
    """'find my duplicates' / '중복 찾아줘': the contacts the user owns in HubSpot, paired among
    themselves and with contacts owned by others; a user who owns none is told how to ask."""
    async with running_app(test_settings(tmp_path)) as bot:
        ann = await bot.hubspot_local.controls.owners.add("ann.lee@acme.com", "Ann", "Lee")
        other = await bot.hubspot_local.controls.owners.add("bob@acme.com", "Bob", "Stone")
        await bot.contacts.create(ACME[0], owner_id=other["id"])  # Jonathan Smith, Bob's
        await bot.contacts.create(ACME[4], owner_id=ann["id"])  # Jon Smith, the same phone
        await bot.contacts.create(ACME[7], owner_id=ann["id"])  # Mary Major: no pair
        await bot.contacts.create(ACME[1], owner_id=other["id"])  # Jane Doe: not Ann's
        await bot.contacts.create(ACME[5], owner_id=other["id"])
        channel.members[TEAMS_USER] = {
            "id": TEAMS_USER,
            "name": "Ann Lee",
            "aadObjectId": "33333333-3333-3333-3333-333333333333",
            "email": "ann.lee@acme.com",
            "userPrincipalName": "ann.lee@acme.com",
            "tenantId": "11111111-1111-1111-1111-111111111111",
            "userRole": "user",
        }
        chat = Conversation(bot, channel, kind="teams")
        await chat.start()
        replies = await chat.say("find my duplicates")
        assert replies[0].text == "Likely duplicates for your contacts: 1 pair(s)."
        assert _rows(_pairs_card(replies)) == ["Jonathan Smith ↔ Jon Smith"]
        replies = await chat.say("중복 찾아줘")
        assert _rows(_pairs_card(replies)) == ["Jonathan Smith ↔ Jon Smith"]
        nobody = Conversation(bot, channel)  # the Emulator's user owns nothing
        await nobody.start()
        (reply,) = await nobody.say("find my duplicates")
        assert reply.text.startswith("You are not a HubSpot owner")
