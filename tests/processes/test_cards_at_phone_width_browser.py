"""Cards on a phone-width screen (390 px, Chromium, the app's Web Chat page): a results card and
a confirmation card with long emails show every email and phone number whole, each on one line
inside the card (a value wraps only where it has a space, never mid-word); the time on the ended
card is on the browser's own clock (its `localTimezone`), not UTC. Screenshots go to
tests/artifacts/card-results-390.png and card-confirm-390.png (-ko for Korean).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import Browser, Locator, Page
from playwright.async_api import expect as pw_expect

from cards import ui
from cards.values import display_phone
from tests.processes.test_webchat_browser import (
    ARTIFACTS,
    EXECUTABLE,
    TIMEOUT_MS,
    ChatPage,
    browser,
)
from tests.support.botapp import running_app
from tests.support.botapp import test_settings as make_settings

__all__ = ["browser"]  # the fixture, shared with the other browser tests

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(EXECUTABLE is None, reason="no Chromium at /usr/bin/chromium"),
]

PHONE = "+821012345678"
PEOPLE = [
    ("Alexandra", "alexandra.kowalczyk@globex-industries.com"),
    ("Maximilian", "maximilian.vanderberg@initech-solutions.com"),
]
NEW_EMAIL = "alexandra.lindqvist@initech-solutions.com"  # 41 characters
ZONE = "Asia/Seoul"

# Where the text `value` is in the cards on the page: for each place, how many lines its
# characters sit on and whether they stay inside their card.
_LAYOUT = """(value) => {
  const found = [];
  for (const card of document.querySelectorAll('.ac-adaptiveCard')) {
    const box = card.getBoundingClientRect();
    const walker = document.createTreeWalker(card, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      const at = node.data.indexOf(value);
      if (at < 0 || !node.parentElement.offsetParent) continue;  // hidden: not laid out
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + value.length);
      const rects = [...range.getClientRects()].filter(r => r.width > 0);
      const whole = range.getBoundingClientRect();
      found.push({
        lines: new Set(rects.map(r => Math.round(r.top))).size,
        inside: whole.left >= box.left - 1 && whole.right <= box.right + 1,
      });
    }
  }
  return found;
}"""


async def layout_of(page: Page, value: str) -> list[dict[str, Any]]:
    return list(await page.evaluate(_LAYOUT, value))


async def assert_whole(page: Page, values: list[str]) -> None:
    for value in values:
        places = await layout_of(page, value)
        assert places, f"{value!r} is not shown on any card"
        for place in places:
            assert place == {"lines": 1, "inside": True}, (value, places)


async def shot(card: Locator, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    await card.scroll_into_view_if_needed()
    await card.page.wait_for_timeout(300)  # Web Chat's scroll animation
    await card.screenshot(path=str(ARTIFACTS / name))


async def say(page: Page, message: str) -> None:
    box = page.get_by_role("textbox").last
    await box.fill(message)
    await box.press("Enter")


def clocks(lang: str) -> set[str]:
    """The Seoul clock now and a minute on, as a person there reads it."""
    out = set()
    for minutes in (0, 1):
        t = (datetime.now(UTC) + timedelta(minutes=minutes)).astimezone(ZoneInfo(ZONE))
        hour = t.hour % 12 or 12
        if lang == "ko":
            out.add(f"{'오전' if t.hour < 12 else '오후'} {hour}:{t.minute:02d}")
        else:
            out.add(f"{hour}:{t.minute:02d} {'AM' if t.hour < 12 else 'PM'}")
    return out


@pytest.mark.parametrize(
    ("locale", "lang", "suffix"), [("en-US", "en", ""), ("ko-KR", "ko", "-ko")]
)
async def test_long_emails_and_phones_stay_whole_at_phone_width(
    tmp_path, browser: Browser, locale, lang, suffix
):
    async with running_app(make_settings(tmp_path)) as bot:
        for first, email in PEOPLE:
            await bot.contacts.create(
                {
                    "firstname": first,
                    "lastname": "Kowalczyk-Lindqvist",
                    "email": email,
                    "phone": PHONE,
                    "company": "Globex Industries International",
                }
            )
        context = await browser.new_context(
            locale=locale, timezone_id=ZONE, viewport={"width": 390, "height": 844}
        )
        page = await context.new_page()
        chat = ChatPage(page, lang)
        await page.goto(f"{bot.url}/")
        await chat.see(ui(lang, "welcome_intro"))
        phone = display_phone(PHONE, lang)

        await say(
            page, "find Kowalczyk-Lindqvist" if lang == "en" else "Kowalczyk-Lindqvist 찾아줘"
        )
        results = page.locator(".ac-adaptiveCard").filter(has_text=ui(lang, "results_title"))
        await pw_expect(results.get_by_text(PEOPLE[1][1])).to_be_visible(timeout=TIMEOUT_MS)
        await assert_whole(page, [email for _, email in PEOPLE] + [phone])
        await shot(results.last, f"card-results-390{suffix}.png")

        first_email = PEOPLE[0][1]
        ask = (
            f"update {first_email} email {NEW_EMAIL}"
            if lang == "en"
            else f"{first_email} 이메일 {NEW_EMAIL}로 수정"
        )
        await say(page, ask)
        confirm = page.locator(".ac-adaptiveCard").filter(has_text=NEW_EMAIL)
        await pw_expect(confirm).to_have_count(1, timeout=TIMEOUT_MS)
        show_all = "Show all fields" if lang == "en" else "모든 항목 보기"
        await confirm.locator("button", has_text=show_all).click()
        await pw_expect(confirm.get_by_text(phone)).to_be_visible()
        await assert_whole(page, [first_email, NEW_EMAIL, phone])
        await shot(confirm, f"card-confirm-390{suffix}.png")

        # Confirmed: the card ends with the time on this browser's clock (Seoul), not UTC.
        await confirm.locator("button", has_text=ui(lang, "confirm")).click()
        saved = "✓ Saved by" if lang == "en" else "저장했어요 · "
        ended = confirm.filter(has_text=saved)
        await pw_expect(ended).to_have_count(1, timeout=TIMEOUT_MS)
        status = (await ended.inner_text()).strip().splitlines()[-1]
        assert "UTC" not in status and status.rsplit(" · ", 1)[1] in clocks(lang), status
        await shot(ended, f"card-confirm-ended-390{suffix}.png")
        assert (await bot.contacts.find_by_email(NEW_EMAIL)) is not None
        assert not [e for e in chat.errors if "Content Security Policy" in e], chat.errors
        await context.close()
