"""The user's time zone, as the channel says it, remembered for the conversation.

Web Chat and Teams put the user's IANA zone on their message activities (`localTimezone`);
Teams also says it in the clientInfo entity (`timezone`). Not every activity carries it (Teams'
card invokes may not), so the last one known is kept in the conversation's data and used until
another is said. The zone is loaded here, in a worker thread, so the cards that show times
(cards/times.py) never read a zone file on the event loop.
"""

from __future__ import annotations

import asyncio
from typing import Any

from cards.times import is_loaded, load_zone

MAX_ZONE_CHARS = 64


def said_zone(activity: Any) -> str:
    """The zone this activity names ("" when none): `localTimezone`, else clientInfo's."""
    zone = getattr(activity, "local_timezone", None)
    if isinstance(zone, str) and zone.strip():
        return zone.strip()[:MAX_ZONE_CHARS]
    for entity in getattr(activity, "entities", None) or ():
        props = dict(getattr(entity, "additional_properties", None) or {})
        kind = str(getattr(entity, "type", None) or props.get("type") or "").lower()
        if kind == "clientinfo" and isinstance(props.get("timezone"), str):
            return str(props["timezone"]).strip()[:MAX_ZONE_CHARS]
    return ""


async def zone_of_turn(activity: Any, remembered: str) -> str:
    """The zone to show this turn's times in: the activity's when it names one the machine
    knows, else the one remembered ("" when none is known). Both come back loaded."""
    for zone in (said_zone(activity), remembered):
        if not zone:
            continue
        if is_loaded(zone):
            return zone
        if await asyncio.to_thread(load_zone, zone):
            return zone
    return ""
