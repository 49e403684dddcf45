"""A conversation with a pronoun follow-up on the Web Chat page, in Chromium (issue 24): typed
the way people write, in English and Korean, and checked in HubSpot.

Screenshots go to tests/artifacts/ (gitignored): focus-confirm-en.png, focus-confirm-ko.png.
"""

from __future__ import annotations

import pytest

from cards import ui
from tests.processes.test_webchat_browser import ChatPage, _open, browser, pytestmark
from tests.support.botapp import running_app
from tests.support.botapp import test_settings as make_settings

__all__ = ["browser", "pytestmark"]


async def _type(chat: ChatPage, line: str) -> None:
    box = chat.page.get_by_role("textbox").last
    await box.fill(line)
    await box.press("Enter")


@pytest.mark.parametrize(
    ("locale", "lang", "person", "find", "change", "shown", "stored"),
    [
        (
            "en-US",
            "en",
            {
                "firstname": "Jennifer",
                "lastname": "Taylor",
                "email": "jennifer.taylor@soylent.com",
                "company": "Soylent",
            },
            "find jennifer.taylor@soylent.com",
            "change her company to Acme",
            "Soylent → Acme",
            "Acme",
        ),
        (
            "ko-KR",
            "ko",
            {
                "firstname": "민준",
                "lastname": "김",
                "email": "minjun.kim@kakao.com",
                "company": "네이버",
            },
            "김민준 찾아줘",
            "그 사람 회사 카카오로 바꿔줘",
            "네이버 → 카카오",
            "카카오",
        ),
    ],
)
async def test_a_pronoun_follow_up_changes_the_contact_just_found(
    tmp_path, browser, locale, lang, person, find, change, shown, stored
):
    async with running_app(make_settings(tmp_path)) as bot:
        contact = (await bot.contacts.create(person)).contact
        chat = await _open(browser, bot, locale, lang)
        await _type(chat, find)
        await chat.see(person["email"])
        await _type(chat, change)
        await chat.see(ui(lang, "confirm_intro"))
        await chat.see(shown)
        await chat.shot("focus-confirm", ui(lang, "confirm_intro"))
        # Nothing is written on the pronoun alone: only Confirm writes.
        assert (await bot.contacts.get(contact.id)).get("company") == person["company"]
        await chat.button("confirm").click()
        await chat.see(ui(lang, "headline_updated"))
        assert (await bot.contacts.get(contact.id)).get("company") == stored
