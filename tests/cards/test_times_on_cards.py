"""Times on cards are in the user's time zone and language: "오후 11:16" for a user in Seoul,
"11:16 PM" in English, with the date when it is not today there; "UTC" only when the channel
never said a zone. The zone comes on the activity (`localTimezone`, as Web Chat and Teams send
it) and is remembered for turns that come without one (Teams' card invokes may not say it).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from cards import history_card
from cards.times import load_zone, local_time
from store.base import AuditEntry
from tests.support.botapp import Conversation, action_data, running_app, test_settings
from tests.support.cardread import texts

SEOUL = "Asia/Seoul"


class ZonedChat(Conversation):
    """A conversation whose messages say the user's zone (`localTimezone`), as Web Chat and
    Teams do; `submits_say_zone=False`: card submits come without it."""

    zone: str | None = None
    submits_say_zone: bool = True

    def _builders(self) -> dict[str, Callable[..., dict[str, Any]]]:
        def zoned(build: Callable[..., dict[str, Any]], say: bool) -> Callable[..., Any]:
            def built(*args: Any) -> dict[str, Any]:
                activity = build(*args)
                if say and self.zone:
                    activity["localTimezone"] = self.zone
                return activity

            return built

        builders = super()._builders()
        return {
            "update": builders["update"],
            "message": zoned(builders["message"], True),
            "submit": zoned(builders["submit"], self.submits_say_zone),
        }


def clock(lang: str, when: datetime) -> str:
    """What a person in `when`'s zone reads on their phone's clock, written out by hand."""
    hour = when.hour % 12 or 12
    if lang == "ko":
        return f"{'오전' if when.hour < 12 else '오후'} {hour}:{when.minute:02d}"
    return f"{hour}:{when.minute:02d} {'AM' if when.hour < 12 else 'PM'}"


def around_now(lang: str, zone: str | None) -> set[str]:
    """The clock now and a minute on (a turn may cross a minute)."""
    now = datetime.now(UTC)
    place = ZoneInfo(zone) if zone else UTC
    return {clock(lang, (now + timedelta(minutes=m)).astimezone(place)) for m in (0, 1)}


async def _saved_status(chat: Conversation, lang: str) -> str:
    ask = (
        "jane@acme.com 회사 Globex로 수정"
        if lang == "ko"
        else "update jane@acme.com company Globex"
    )
    (reply,) = await chat.say(ask)
    confirm = action_data(reply.cards[0], "확인" if lang == "ko" else "Confirm")
    (_reply, ended) = await chat.click(confirm)
    assert ended.updated
    return texts(ended.cards[0])[-1]


async def _jane(bot: Any) -> None:
    await bot.contacts.create(
        {"firstname": "Jane", "lastname": "Doe", "email": "jane@acme.com", "company": "Acme"}
    )


@pytest.mark.parametrize(
    ("locale", "lang", "starts"),
    [("ko-KR", "ko", "✓ 내가 저장했어요 · "), ("en-US", "en", "✓ Saved by you · ")],
)
async def test_the_saved_card_says_the_time_on_the_users_clock(
    tmp_path, channel, locale, lang, starts
):
    async with running_app(test_settings(tmp_path)) as bot:
        await _jane(bot)
        chat = ZonedChat(bot, channel, locale=locale)
        chat.zone = SEOUL
        await chat.start()
        chat.sender = {"name": ""}  # a page user the channel gives no name: "you" / "내가"
        expected = around_now(lang, SEOUL)
        status = await _saved_status(chat, lang)
        assert status.startswith(starts), status
        assert status.removeprefix(starts) in expected, (status, expected)
        assert "UTC" not in status
        assert (await bot.contacts.find_by_email("jane@acme.com")).get("company") == "Globex"


async def test_a_named_user_reads_a_natural_korean_line(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        await _jane(bot)
        chat = ZonedChat(bot, channel, locale="ko-KR", sender={"name": "김민준"})
        chat.zone = SEOUL
        await chat.start()
        status = await _saved_status(chat, "ko")
        assert status.startswith("✓ 김민준 님이 저장했어요 · 오"), status
        assert "본인" not in status and "저장함" not in status


async def test_a_turn_without_a_zone_uses_the_one_the_conversation_remembers(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        await _jane(bot)
        chat = ZonedChat(bot, channel, locale="en-US")
        chat.zone, chat.submits_say_zone = SEOUL, False  # the Confirm comes without a zone
        await chat.start()
        expected = around_now("en", SEOUL)
        status = await _saved_status(chat, "en")
        assert status.rsplit(" · ", 1)[1] in expected, (status, expected)


async def test_without_any_zone_the_time_is_said_to_be_utc(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        await _jane(bot)
        chat = Conversation(bot, channel, locale="en-US")  # the Emulator says no zone
        await chat.start()
        expected = {f"{t} UTC" for t in around_now("en", None)}
        status = await _saved_status(chat, "en")
        assert status.rsplit(" · ", 1)[1] in expected, (status, expected)


async def test_a_zone_the_machine_does_not_know_is_not_used(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        await _jane(bot)
        chat = ZonedChat(bot, channel, locale="en-US")
        chat.zone = "Mars/Olympus_Mons"
        await chat.start()
        status = await _saved_status(chat, "en")
        assert status.endswith(" UTC"), status


# -- the formatting itself, at fixed times -----------------------------------------------------

NOW = datetime(2026, 12, 7, 14, 16, tzinfo=UTC)  # 23:16 in Seoul, 09:16 in New York


@pytest.mark.parametrize(
    ("lang", "when", "zone", "shown"),
    [
        ("ko", NOW, SEOUL, "오후 11:16"),
        ("en", NOW, SEOUL, "11:16 PM"),
        ("en", NOW, "America/New_York", "9:16 AM"),
        ("ko", datetime(2026, 12, 7, 15, 5, tzinfo=UTC), SEOUL, "12월 8일 오전 12:05"),
        ("en", datetime(2026, 12, 6, 3, 0, tzinfo=UTC), SEOUL, "Dec 6, 12:00 PM"),
        ("en", datetime(2025, 12, 6, 3, 0, tzinfo=UTC), SEOUL, "Dec 6, 2025, 12:00 PM"),
        ("ko", datetime(2025, 1, 2, 3, 0, tzinfo=UTC), SEOUL, "2025년 1월 2일 오후 12:00"),
        ("en", NOW, "", "2:16 PM UTC"),
        ("ko", NOW, "", "오후 2:16 UTC"),
        ("en", NOW, "Not/AZone", "2:16 PM UTC"),
    ],
)
def test_a_time_as_the_user_reads_it(lang, when, zone, shown):
    for name in (SEOUL, "America/New_York"):
        assert load_zone(name) == name
    assert load_zone("Not/AZone") == "" and load_zone("../etc/passwd") == ""
    assert local_time(lang, when, zone, now=NOW) == shown


def test_the_history_card_shows_its_times_in_the_readers_zone():
    assert load_zone(SEOUL) == SEOUL
    entry = AuditEntry(
        at=datetime(2025, 3, 4, 14, 16, tzinfo=UTC).timestamp(),
        actor_id="u1",
        actor_name="Ann",
        channel="msteams",
        conversation="c1",
        action="update",
        contact_id="7",
        properties={"company": "Globex"},
        old={"company": "Acme"},
        outcome="applied",
    )
    card = history_card("ko", "Jane Doe", "7", [entry], zone=SEOUL)
    assert "2025년 3월 4일 오후 11:16 · 수정" in texts(card)
    card = history_card("en", "Jane Doe", "7", [entry])
    assert "Mar 4, 2025, 2:16 PM UTC · Updated" in texts(card)
