"""Fewer cards for the session's schema check, for tests that receive a great many.

tests/conftest.py checks every card a test channel received against the Adaptive Cards schema,
at about 25 ms a card. A test that runs hundreds of conversations gets a thousand cards from a
handful of templates; one card of each shape says as much about the templates.
"""

from __future__ import annotations

import json
from typing import Any

from tests.support.channel import SESSION_CARDS

# Keys whose string values the schema constrains (enums, type names); other strings are text.
_SCHEMA_WORDS = frozenset(
    {
        "type",
        "version",
        "$schema",
        "style",
        "weight",
        "size",
        "color",
        "spacing",
        "width",
        "height",
        "horizontalAlignment",
        "verticalContentAlignment",
        "fontType",
        "imageSize",
        "associatedInputs",
        "mode",
        "wrap",
        "isSubtle",
        "separator",
        "isRequired",
        "contentType",
    }
)


def one_card_per_shape() -> None:
    """Keep the first card of each shape in SESSION_CARDS. Two cards have one shape when they
    differ only in text (names, values, ids): the same template filled in differently."""
    seen: set[str] = set()
    kept = []
    for where, card in SESSION_CARDS:
        key = json.dumps(_shape(card), sort_keys=True)
        if key not in seen:
            seen.add(key)
            kept.append((where, card))
    SESSION_CARDS[:] = kept


def _shape(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _shape(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(v) for v in value]
    if isinstance(value, str) and key not in _SCHEMA_WORDS:
        return "text" if value else ""
    return value
