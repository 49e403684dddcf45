"""Activities shaped like the real ones in ../shared/botframework/activities (Teams, Emulator).

Each builder loads a fixture, then sets the ids, serviceUrl, locale and payload a test needs, so
the bot sees exactly the fields a real channel sends (and omits the ones it omits, e.g. Teams'
bot-added conversationUpdate has no locale).
"""

from __future__ import annotations

import copy
import json
import uuid
from functools import cache
from pathlib import Path
from typing import Any

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
FIXTURES = SHARED / "botframework" / "activities"


@cache
def _load(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def fixture(name: str) -> dict[str, Any]:
    """A fresh copy of a fixture by file stem, e.g. 'a_teams_conversation_update'."""
    return copy.deepcopy(_load(name))


def _stamp(
    activity: dict[str, Any], *, conversation_id: str, service_url: str, locale: str | None
) -> dict[str, Any]:
    activity["id"] = str(uuid.uuid4())
    activity["serviceUrl"] = service_url
    activity["conversation"]["id"] = conversation_id
    if locale is None:
        activity.pop("locale", None)
    else:
        activity["locale"] = locale
    return activity


def emulator_conversation_update(
    conversation_id: str, service_url: str, locale: str | None = "en-US"
) -> dict[str, Any]:
    return _stamp(
        fixture("e_emulator_conversation_update"),
        conversation_id=conversation_id,
        service_url=service_url,
        locale=locale,
    )


def emulator_message(
    conversation_id: str, service_url: str, text: str, locale: str | None = "en-US"
) -> dict[str, Any]:
    a = _stamp(
        fixture("e_emulator_message"),
        conversation_id=conversation_id,
        service_url=service_url,
        locale=locale,
    )
    a["text"] = text
    return a


def emulator_submit(
    conversation_id: str, service_url: str, value: Any, locale: str | None = "en-US"
) -> dict[str, Any]:
    a = _stamp(
        fixture("e_emulator_message_postback"),
        conversation_id=conversation_id,
        service_url=service_url,
        locale=locale,
    )
    a["value"] = value
    return a


def teams_conversation_update(conversation_id: str, service_url: str) -> dict[str, Any]:
    """Bot added to a personal chat: Teams sends no locale here."""
    return _stamp(
        fixture("a_teams_conversation_update"),
        conversation_id=conversation_id,
        service_url=service_url,
        locale=None,
    )


def teams_installation_update(
    conversation_id: str, service_url: str, locale: str = "ko-KR"
) -> dict[str, Any]:
    return _stamp(
        fixture("a2_teams_installation_update_personal"),
        conversation_id=conversation_id,
        service_url=service_url,
        locale=locale,
    )


def teams_message(
    conversation_id: str, service_url: str, text: str, locale: str | None = "en-US"
) -> dict[str, Any]:
    a = _stamp(
        fixture("b2_teams_message_personal"),
        conversation_id=conversation_id,
        service_url=service_url,
        locale=locale,
    )
    a["text"] = text
    a["attachments"] = [{"contentType": "text/html", "content": f"<p>{text}</p>"}]
    return a


def teams_submit(
    conversation_id: str, service_url: str, value: Any, locale: str | None = "en-US"
) -> dict[str, Any]:
    a = _stamp(
        fixture("c_teams_message_action_submit"),
        conversation_id=conversation_id,
        service_url=service_url,
        locale=locale,
    )
    a["value"] = value
    return a


def teams_channel_message(
    conversation_id: str,
    service_url: str,
    text: str,
    *,
    mention: bool = True,
    conversation_type: str = "channel",
    locale: str | None = "en-US",
) -> dict[str, Any]:
    """A message in a Teams channel (or group chat), @mentioning the bot when `mention`."""
    a = _stamp(
        fixture("b_teams_message_channel_mention"),
        conversation_id=conversation_id,
        service_url=service_url,
        locale=locale,
    )
    a["conversation"]["conversationType"] = conversation_type
    if mention:
        a["text"] = f"<at>Fixture Bot</at> {text}"
    else:
        a["text"] = text
        a["entities"] = [e for e in a["entities"] if e["type"] != "mention"]
    a["attachments"] = [{"contentType": "text/html", "content": f"<p>{a['text']}</p>"}]
    return a
