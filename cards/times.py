"""How a time reads on a card: in the user's time zone and language ("11:16 PM", "오후 11:16").

Why: a status line "Saved by you · 14:16 UTC" next to the chat's own "11:16 PM" makes a person
do arithmetic. Web Chat and Teams say the user's zone on their activities (`localTimezone`, an
IANA name such as "Asia/Seoul"); the bot remembers it per conversation and every time on a card
is shown in it, with the date only when it is not today there. UTC, said as such, only when no
zone is known.

Why zones are loaded apart from formatting: `ZoneInfo` reads the zone's file on first use, and
a turn must not read files on the event loop. So the edge that learns a zone (bots/zones.py)
loads it once with `load_zone` in a worker thread; `local_time` only looks zones up in what is
loaded, and reads an unknown one as UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# An IANA zone name ("Asia/Seoul", "America/Argentina/Buenos_Aires", "Etc/GMT+9", "UTC").
_ZONE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_+\-]{0,30}(/[A-Za-z0-9_+\-]{1,30}){0,2}$")
# Zones loaded so far; only names that exist are kept, so it holds at most the ~600 of tzdata.
_LOADED: dict[str, tzinfo] = {"UTC": UTC}

_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def is_loaded(name: str) -> bool:
    return name in _LOADED


def load_zone(name: str) -> str:
    """`name` once loaded when it is a time zone this machine knows, else "". Reads the zone's
    file: call it off the event loop (asyncio.to_thread)."""
    if name in _LOADED:
        return name
    if not isinstance(name, str) or not _ZONE_NAME.match(name):
        return ""
    try:
        _LOADED[name] = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return ""
    return name


def local_time(lang: str, when: datetime, zone: str = "", *, now: datetime | None = None) -> str:
    """`when` (an aware datetime) as the user reads it in `zone`: "11:16 PM" / "오후 11:16" today
    there, "Dec 6, 11:16 PM" / "12월 6일 오후 11:16" on another day, the year when it is not
    this year. Without a (loaded) zone: the same in UTC, ending in "UTC"."""
    place = _LOADED.get(zone) if zone else None
    local = when.astimezone(place or UTC)
    today = (now or datetime.now(UTC)).astimezone(place or UTC).date()
    hour = local.hour % 12 or 12
    clock = (
        f"{'오전' if local.hour < 12 else '오후'} {hour}:{local.minute:02d}"
        if lang == "ko"
        else f"{hour}:{local.minute:02d} {'AM' if local.hour < 12 else 'PM'}"
    )
    if local.date() != today:
        clock = f"{_date(lang, local, year=local.year != today.year)} {clock}"
    return clock if place is not None else f"{clock} UTC"


def _date(lang: str, local: datetime, *, year: bool) -> str:
    if lang == "ko":
        day = f"{local.month}월 {local.day}일"
        return f"{local.year}년 {day}" if year else day
    day = f"{_MONTHS_EN[local.month - 1]} {local.day}"
    return f"{day}, {local.year}," if year else f"{day},"


def from_timestamp(seconds: float) -> datetime:
    """An epoch time (the store's `at`) as an aware datetime."""
    return datetime.fromtimestamp(seconds, UTC)
