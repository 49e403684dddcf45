"""The pieces every card is made of: a button and its data, a form input, a contact's facts
and its row in a list, a form. Public because the card modules (menus, forms, contact_cards)
share them; nothing outside cards/ needs them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cards.actions import Action
from cards.labels import field_label, ui
from cards.render import render, shown
from cards.values import display_phone, display_value
from contacts.model import EDITABLE_PROPERTIES, Contact

Card = dict[str, Any]

MAX_ROWS = 10
_STYLES = {
    "email": "email",
    "owner_email": "email",
    "phone": "tel",
    "mobilephone": "tel",
    "website": "url",
}
_PLACEHOLDERS = {
    "email": "name@company.com",
    "phone": "+1 415 555 0100",
    "mobilephone": "+1 415 555 0100",
    "website": "https://example.com",
}
# Korean users type domestic numbers (read with the KR region): their placeholders show one.
_KO_PLACEHOLDERS = {"phone": "02-1234-5678", "mobilephone": "010-1234-5678"}


def button_data(action: Action, nonce: str, **fields: Any) -> dict[str, Any]:
    """What a button sends: its action, the conversation's nonce, and its own fields."""
    return {"action": action.value, "nonce": str(nonce), **fields}


def button(
    title: str, data: dict[str, Any], *, style: str | None = None, needs_inputs: bool = True
) -> dict[str, Any]:
    """A button; `needs_inputs=False` lets it work even when a required input is empty."""
    return {
        "type": "Action.Submit",
        "title": title,
        "data": data,
        "url": None,
        "style": style,
        "inputs": None if needs_inputs else "none",
    }


def start_buttons(lang: str, nonce: str) -> list[dict[str, Any]]:
    return [
        button(ui(lang, "btn_search"), button_data(Action.START_SEARCH, nonce)),
        button(ui(lang, "btn_create"), button_data(Action.START_CREATE, nonce)),
        button(ui(lang, "btn_update"), button_data(Action.START_UPDATE, nonce)),
    ]


def form_input(
    lang: str, name: str, value: Any = None, *, required_message: str | None = None
) -> dict[str, Any]:
    # A prefilled value is never truncated: submitting the form must not cut the stored data.
    return {
        "id": name,
        "label": field_label(lang, name),
        "value": str(value) if value not in (None, "") else None,
        "placeholder": (_KO_PLACEHOLDERS if lang == "ko" else {}).get(name)
        or _PLACEHOLDERS.get(name),
        "style": _STYLES.get(name),
        "required": True if required_message else None,
        "required_message": required_message,
    }


def contact_facts(lang: str, contact: Contact) -> list[dict[str, str]]:
    return [
        {
            "title": field_label(lang, name),
            "value": shown(display_value(lang, name, contact.get(name))),
        }
        for name in EDITABLE_PROPERTIES
        if contact.get(name)
    ]


def korean_order(lang: str, names: Sequence[str]) -> tuple[str, ...]:
    """Korean forms ask the family name (성) before the given name (이름)."""
    if lang != "ko" or "lastname" not in names or "firstname" not in names:
        return tuple(names)
    out = [n for n in names if n != "lastname"]
    out.insert(out.index("firstname"), "lastname")
    return tuple(out)


def contact_row(
    lang: str, contact: Contact, nonce: str, button: str, action: Action = Action.UPDATE_PICK
) -> dict[str, Any]:
    """A result's name, its details under it and its buttons under those. The email has a line
    of its own and the phone starts the next: on a phone-width screen each wraps only where
    the line has a space, never inside an address or a number (the buttons used to sit beside
    the details and left them a third of the width)."""
    phone = contact.get("phone") or contact.get("mobilephone")
    second = [shown(display_phone(phone, lang), 40)] if phone else []
    if contact.get("company"):
        second.append(shown(contact.get("company"), 60))
    lines = [shown(contact.get("email"), 60)] if contact.get("email") else []
    if second:
        lines.append(" · ".join(second))
    return {
        "name": shown(contact.display_name, 80),
        "details": [{"text": line} for line in lines],
        "button": button,
        "data": button_data(action, nonce, contact_id=contact.id),
        "url": contact.url or None,
        "open": ui(lang, "open_hubspot"),
    }


def form_card(
    lang: str,
    title: str,
    intro: str | None,
    inputs: list[dict[str, Any]],
    actions: list[dict[str, Any]],
    error: str | None = None,
) -> Card:
    return render(
        "form",
        {
            "title": title,
            "intro": intro,
            "inputs": inputs,
            "actions": actions,
            "error": shown(error, 300) if error else None,
        },
    )
