"""The language a turn answers in: the conversation's, not the client's.

Why not the activity's locale: Teams sends the client's locale (often en-US) on every activity,
whatever the user writes; a user who types Korean and then presses a button on the Korean card
they got must not get an English form. So, in this order:

- a press on a card: the card's language. Every acting button carries `lang` in its data
  (`stamped`, applied by bots/turn.py to every card sent), so the cards and lines that follow
  a Korean card are Korean whatever locale the press arrives with;
- a typed line: the language it is written in (Hangul: Korean; English words: English), and
  that becomes the conversation's language until the user writes in the other one;
- a line in neither (an email, a phone number) or no line: the conversation's language;
- nothing known yet: the client's locale (so a welcome follows the client's locale).
"""

from __future__ import annotations

import copy
import re
from typing import Any

import cards
from cards.lifecycle import acting_data
from contacts.korean import has_hangul
from flows.state import ConversationData

LANGS = ("en", "ko")
SAMPLE_CHARS = 500  # a line's language is read from its start (a huge line is refused later)
_NOT_WORDS = re.compile(
    r"<at[^>]{0,200}>.{0,200}?</at>|<[^>]{0,500}>|[^\s@]{1,64}@\S{1,255}|https?://\S+|www\.\S+",
    re.IGNORECASE | re.DOTALL,
)
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def stamped(card: dict[str, Any], lang: str) -> dict[str, Any]:
    """A copy of `card` whose acting buttons carry `lang`: the card's language goes with every
    press on it."""
    out = copy.deepcopy(card)
    for data in acting_data(out):
        data.setdefault("lang", lang)
    refresh = out.get("refresh")
    if isinstance(refresh, dict) and isinstance(refresh.get("action"), dict):
        data = refresh["action"].get("data")
        if isinstance(data, dict):
            data.setdefault("lang", lang)
    return out


def card_language(value: Any) -> str:
    """The language of the card a press came from ('' when the press does not say): a
    submit's value, or an `adaptiveCard/action` invoke's `action.data`."""
    if not isinstance(value, dict):
        return ""
    action = value.get("action")
    if isinstance(action, dict) and isinstance(action.get("data"), dict):
        value = action["data"]
    lang = value.get("lang")
    return lang if lang in LANGS else ""


def written_language(text: str) -> str:
    """'ko' for a line with Hangul, 'en' for one with English words, '' for one with
    neither (an email, a number, a mention alone). A message of several lines (a paste: a
    list, a signature) is read by its first line: a list of Korean names under an English
    header is not the user writing Korean."""
    text = next((line for line in text.splitlines() if line.strip()), "")[:SAMPLE_CHARS]
    if has_hangul(text):
        return "ko"
    words = _NOT_WORDS.sub(" ", text)
    return "en" if _LATIN_WORD.search(words) else ""


def client_locale(activity: Any) -> str:
    """The client's locale: the activity's, or its clientInfo entity's."""
    if activity.locale:
        return str(activity.locale)
    for entity in activity.entities or ():
        props = dict(getattr(entity, "additional_properties", None) or {})
        kind = str(getattr(entity, "type", None) or props.get("type") or "")
        if kind.lower() == "clientinfo" and props.get("locale"):
            return str(props["locale"])
    return ""


def turn_language(activity: Any, data: ConversationData, default: str) -> str:
    """The language this turn answers in; a typed line in a language sets the
    conversation's."""
    client = cards.language_for(client_locale(activity), default)
    if activity.type in ("message", "invoke"):
        pressed = card_language(activity.value)
        if pressed:
            return pressed
        if activity.type == "message" and activity.value is None:
            written = written_language(activity.text or "")
            if written:
                data.lang, data.lang_source = written, "message"
                return written
    return data.lang or client
