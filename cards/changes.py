"""Shorter cards about a change: what changed stands out, the rest waits behind "show all".

Why: a confirmation card listing every field of a contact hides the one line that matters, and
an updated card that looks like any other contact card does not say what just changed. So the
confirmation card shows only the changed fields old -> new, with the contact's other fields in
a hidden container that an Action.ToggleVisibility opens; the updated card marks each changed
field and says what it was. Both are transforms of a rendered `facts` card, so the template
stays the one every contact card uses.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from cards.labels import field_label, pick
from cards.render import shown
from cards.values import display_value

Card = dict[str, Any]
ALL_FIELDS_ID = "all_fields"
_SHOW_ALL = {"en": "Show all fields", "ko": "모든 항목 보기"}
_WAS = {"en": "was {old}", "ko": "이전: {old}"}
_EMPTY = {"en": "(empty)", "ko": "(없음)"}


def _row(title: str, value: str, *, subtle: bool = False) -> dict[str, Any]:
    """One field as the `facts` template lays it out: the label, and the value under it with
    the card's whole width (a long email never breaks mid-word beside a label column)."""
    run: dict[str, Any] = {"type": "TextRun", "text": value}
    if subtle:
        run["isSubtle"] = True
    return {
        "type": "Container",
        "spacing": "Small",
        "items": [
            {
                "type": "TextBlock",
                "text": title,
                "weight": "Bolder",
                "isSubtle": True,
                "wrap": True,
            },
            {"type": "RichTextBlock", "inlines": [run], "spacing": "None"},
        ],
    }


def with_all_fields(card: Card, lang: str, values: Mapping[str, str], skip: Sequence[str]) -> Card:
    """`card` plus the contact's other fields (`values` minus `skip`) behind a toggle."""
    rows = [
        _row(field_label(lang, name), shown(display_value(lang, name, value)), subtle=True)
        for name, value in values.items()
        if value and name not in skip
    ]
    if not rows:
        return card
    out = copy.deepcopy(card)
    out["body"].append(
        {
            "type": "Container",
            "id": ALL_FIELDS_ID,
            "isVisible": False,
            "separator": True,
            "items": rows,
        }
    )
    toggle = {
        "type": "Action.ToggleVisibility",
        "title": pick(lang, _SHOW_ALL),
        "targetElements": [ALL_FIELDS_ID],
    }
    out["actions"] = [*(out.get("actions") or []), toggle]
    return out


def highlight(card: Card, lang: str, changed: Mapping[str, str]) -> Card:
    """Mark the facts rows of the changed fields (`changed`: field -> old value): the new value
    in bold and green, and what it was under it."""
    labels = {field_label(lang, name): name for name in changed}
    out = copy.deepcopy(card)
    for element in out.get("body") or []:
        if not isinstance(element, dict) or element.get("id") != "facts":
            continue
        for row in element.get("items") or []:
            title, value = row["items"][:2]
            name = labels.get(str(title.get("text")))
            if name is None:
                continue
            title["color"] = "Good"
            title.pop("isSubtle", None)
            value["inlines"][0].update({"weight": "Bolder", "color": "Good"})
            old = shown(display_value(lang, name, changed[name]), 80) or pick(lang, _EMPTY)
            row["items"].append(
                {
                    "type": "RichTextBlock",
                    "spacing": "None",
                    "inlines": [
                        {
                            "type": "TextRun",
                            "text": pick(lang, _WAS).format(old=old),
                            "isSubtle": True,
                        }
                    ],
                }
            )
    return out
