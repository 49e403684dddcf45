"""A pasted list over HTTP: 150 CSV rows, 10 of them already in HubSpot and 5 invalid. The
preview marks each row; Create all makes exactly the 135 new contacts with batch calls; the
existing ones change only after a Confirm showing old -> new; a second press writes nothing."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tests.support.botapp import Conversation, action_data, running_app, test_settings
from tests.support.cardread import heading, texts

CSV = (Path(__file__).parents[1] / "capture" / "data" / "contacts_150.csv").read_text()
INVALID_LINES = (22, 43, 79, 100, 135)  # the data set's five invalid rows (its header is line 1)


def _rows() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(CSV)))


async def _count(bot) -> int:
    return int(await bot.hubspot_local.store.count())


async def test_a_pasted_list_is_previewed_then_created_in_batches(tmp_path, channel):
    rows = _rows()
    # Ten rows whose email HubSpot already has (with another job title), none of the invalid.
    existing = [r for n, r in enumerate(rows, 2) if n not in INVALID_LINES][3:13]
    async with running_app(test_settings(tmp_path)) as bot:
        for r in existing:
            await bot.contacts.create(
                {"firstname": r["First Name"], "email": r["Email"], "jobtitle": "Old title"}
            )
        before = await _count(bot)
        counters = bot.hubspot_local.controls.counters
        chat = Conversation(bot, channel)
        await chat.start()
        reads = (counters["read"].total, counters["batch_read"].total)
        (reply,) = await chat.say(CSV)
        # The 145 valid rows' emails were looked up in batch reads (100 + 45), none one by one.
        assert (counters["read"].total, counters["batch_read"].total) == (reads[0], reads[1] + 2)
        assert reply.text == (
            "Read 150 rows from your paste: 135 new, 10 already in HubSpot, 5 invalid. "
            "Nothing is saved yet."
        )
        card = reply.cards[0]
        assert heading(card) == "Contacts from your paste"
        shown = " ".join(texts(card))
        assert "already in HubSpot" in shown and "… and 130 more rows" in shown
        assert await _count(bot) == before  # a preview writes nothing

        calls_before = {r: counters[r].total for r in ("create", "batch_create")}
        replies = await chat.click(action_data(card, "Create all new (135)"))
        assert replies[0].text == "Created 135 of 135 new contacts."
        assert await _count(bot) == before + 135
        # 135 creates went as batches of at most 100: two batch/create calls, no single ones.
        assert counters["batch_create"].total - calls_before["batch_create"] == 2
        assert counters["create"].total == calls_before["create"]
        for r in rows[:3]:
            stored = await bot.contacts.find_by_email(r["Email"])
            assert stored is not None and stored.get("jobtitle") == r["Job Title"]

        # A second press writes nothing.
        again = await chat.click(action_data(card, "Create all new (135)"))
        assert again and await _count(bot) == before + 135

        # What is left: the ten rows already in HubSpot, updated only after Confirm.
        left = next(r for r in replies if r.cards and heading(r.cards[0]) == heading(card))
        (preview, *_) = await chat.click(action_data(left.cards[0], "Update existing… (10)"))
        confirm = preview.cards[0]
        assert "Old title → " + existing[0]["Job Title"] in " ".join(texts(confirm))
        stored = await bot.contacts.find_by_email(existing[0]["Email"])
        assert stored.get("jobtitle") == "Old title"
        done = await chat.click(action_data(confirm, "Confirm"))
        assert done[0].text == "Updated 10 of 10 contacts."
        for r in existing:
            stored = await bot.contacts.find_by_email(r["Email"])
            assert stored.get("jobtitle") == r["Job Title"]
        assert await _count(bot) == before + 135
        committed = counters["batch_update"].committed + counters["update"].committed
        await chat.click(action_data(confirm, "Confirm"))  # a second Confirm writes nothing
        assert counters["batch_update"].committed + counters["update"].committed == committed


async def test_a_list_over_the_limit_says_so(tmp_path, channel):
    lines = ["Name,Email"] + [f"Person {n},p{n}@example.com" for n in range(230)]
    async with running_app(test_settings(tmp_path)) as bot:
        chat = Conversation(bot, channel)
        await chat.start()
        (reply,) = await chat.say("\n".join(lines))
        assert "One message may hold 200 rows: the 30 after them were not read." in reply.text


async def test_one_person_a_line_and_a_row_refused_at_create_is_reported_alone(tmp_path, channel):
    pasted = "\n".join(
        [
            "Jane Doe, jane.doe@acme.com, Acme",
            "Bob Lee, bob.lee@globex.com, Globex",
            "Ann Kim, ann.kim@initech.com, Initech",
        ]
    )
    async with running_app(test_settings(tmp_path)) as bot:
        chat = Conversation(bot, channel)
        await chat.start()
        (reply,) = await chat.say(pasted)
        assert reply.text.startswith("Read 3 rows from your paste: 3 new, 0 already in HubSpot")
        # Someone adds Bob between the preview and Create all: his row alone fails.
        await bot.contacts.create({"firstname": "Bob", "email": "bob.lee@globex.com"})
        (done, *_) = await chat.click(action_data(reply.cards[0], "Create all new (3)"))
        first, *rows = done.text.split("\n")
        assert first == "Created 2 of 3 new contacts."
        assert len(rows) == 1 and rows[0].startswith("Row 2 (Bob Lee): ")
        for email in ("jane.doe@acme.com", "ann.kim@initech.com"):
            assert await bot.contacts.find_by_email(email) is not None
