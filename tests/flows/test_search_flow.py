"""Search through the buttons: welcome -> Search -> form -> results (10 a page, More, Update per
row); no match says so and offers Create. Buttons are clicked by sending the `data` of the
Action.Submit in the card the bot actually sent, plus the form's inputs."""

from __future__ import annotations

from tests.support.botapp import (
    Conversation,
    action_data,
    running_app,
    submit_actions,
    test_settings,
)
from tests.support.cardread import heading, texts


def _rows(card):
    """(name, button data) for each result row of a results card."""
    return [
        (a["data"]["contact_id"])
        for a in submit_actions(card)
        if a["data"]["action"] == "update_pick"
    ]


async def _welcome(bot, channel, **kw):
    chat = Conversation(bot, channel, **kw)
    (welcome,) = await chat.start()
    return chat, welcome.cards[0]


async def test_search_button_form_and_results(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        jane = (
            await bot.contacts.create(
                {
                    "firstname": "Jane",
                    "lastname": "Doe",
                    "email": "jane@acme.com",
                    "company": "Acme",
                }
            )
        ).contact
        await bot.contacts.create(
            {
                "firstname": "John",
                "lastname": "Roe",
                "email": "john@globex.com",
                "company": "Globex",
            }
        )
        chat, welcome = await _welcome(bot, channel)

        (reply,) = await chat.click(action_data(welcome, "Search contacts"))
        assert reply.text == "Search contacts — tell me what to look for."
        form = reply.cards[0]
        assert [i["id"] for i in form["body"] if i.get("type") == "Input.Text"] == [
            "email",
            "name",
            "company",
            "phone",
            "text",
        ]

        (reply,) = await chat.click(
            {**action_data(form, "Search"), "company": "Acme", "email": "", "name": ""}
        )
        assert reply.text == ""  # the card says "Showing 1 of 1"; no line counts them again
        card = reply.cards[0]
        assert "Showing 1 of 1" in texts(card)
        assert "Jane Doe" in str(card) and "John" not in str(card)
        assert _rows(card) == [jane.id]
        # The row's Update button opens the update form for that contact.
        (form_reply,) = await chat.click(action_data(card, "Update"))
        assert heading(form_reply.cards[0]) == "Update Jane Doe"


async def test_no_match_says_so_and_offers_create(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        chat, welcome = await _welcome(bot, channel)
        (reply,) = await chat.click(action_data(welcome, "Search contacts"))
        (reply,) = await chat.click(
            {**action_data(reply.cards[0], "Search"), "email": "nobody@nowhere.example"}
        )
        assert reply.text == "No contacts found for nobody@nowhere.example."
        (reply,) = await chat.click(action_data(reply.cards[0], "Create contact"))
        assert heading(reply.cards[0]) == "Create contact"


async def test_empty_search_form_asks_for_something(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        chat, welcome = await _welcome(bot, channel)
        (reply,) = await chat.click(action_data(welcome, "Search contacts"))
        (reply,) = await chat.click(action_data(reply.cards[0], "Search"))
        assert reply.text.startswith("Tell me at least one thing to search for")
        assert heading(reply.cards[0]) == "Search contacts"


async def test_more_pages_through_all_results(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        await bot.hubspot_local.store.bulk_insert(
            {
                "firstname": f"Person{i}",
                "lastname": "Pager",
                "email": f"p{i}@pager.example",
                "company": "Pager",
            }
            for i in range(23)
        )
        await bot.contacts.create(
            {"firstname": "Other", "email": "o@other.example", "company": "Other"}
        )
        chat, welcome = await _welcome(bot, channel)
        (reply,) = await chat.click(action_data(welcome, "Search contacts"))
        (reply,) = await chat.click({**action_data(reply.cards[0], "Search"), "company": "Pager"})
        seen: list[str] = []
        pages = 0
        while True:
            pages += 1
            card = reply.cards[0]
            rows = _rows(card)
            assert 0 < len(rows) <= 10
            seen += rows
            titles = [a["title"] for a in submit_actions(card)]
            if "More results" not in titles:
                break
            assert f"Showing {len(seen) - len(rows) + 1}–{len(seen)} of 23" in str(card)
            reply, ended = await chat.click(action_data(card, "More results"))
            # The page shown before ends in place: no More (or Update) button left on it.
            assert ended.updated and not submit_actions(ended.cards[0])
            assert texts(ended.cards[0])[-1].startswith("User asked for more results · ")
        assert pages == 3
        assert len(seen) == 23 and len(set(seen)) == 23  # every contact once, none twice
