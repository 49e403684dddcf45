"""A signature pasted into the Web Chat page's box, in Chromium (issue 27): the create form comes
back prefilled with what was read, and nothing is in HubSpot until Create is pressed.

Screenshot: tests/artifacts/paste-form-en.png (gitignored).
"""

from __future__ import annotations

from cards import ui
from tests.processes.test_webchat_browser import TIMEOUT_MS, _open, browser, pytestmark
from tests.support.botapp import running_app
from tests.support.botapp import test_settings as make_settings

__all__ = ["browser", "pytestmark"]

SIGNATURE = [
    "add",
    "Priya Raman",
    "Head of Partnerships | Initech",
    "Mobile: +1 646 555 0123",
    "priya.raman@initech.com",
]


async def test_a_pasted_signature_comes_back_as_the_prefilled_form(tmp_path, browser):
    async with running_app(make_settings(tmp_path)) as bot:
        chat = await _open(browser, bot, "en-US", "en")
        box = chat.page.get_by_role("textbox").last
        await box.click()
        for n, line in enumerate(SIGNATURE):
            if n:
                await box.press("Shift+Enter")  # a new line in the box, as a paste has
            await box.press_sequentially(line)
        await box.press("Enter")
        await chat.see("Read from your paste: First name, Last name, Email")  # the form says
        form_email = chat.field("email")
        await form_email.wait_for(timeout=TIMEOUT_MS)
        assert await form_email.input_value() == "priya.raman@initech.com"
        assert await chat.field("company").input_value() == "Initech"
        assert await chat.field("jobtitle").input_value() == "Head of Partnerships"
        await chat.shot("paste-form", "Read from your paste")
        assert await bot.contacts.find_by_email("priya.raman@initech.com") is None
        await chat.button("create_submit").click()
        await chat.see(ui("en", "headline_created"))
        stored = await bot.contacts.find_by_email("priya.raman@initech.com")
        assert stored is not None and stored.get("mobilephone") == "+16465550123"
