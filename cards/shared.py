"""Cards that leave the bot's chat: a contact card dropped into any conversation from the compose
box (message extension search) or shown for a pasted HubSpot link (link unfurling), and the
small preview Teams lists while the user picks one.

Why no Action.Submit here: such a card lands in chats the bot may not be part of, where a submit
would reach it without the conversation's nonce (or not at all). So it carries only what anyone
in that chat may do: read the facts and open the record in HubSpot (Action.OpenUrl).
"""

from __future__ import annotations

from typing import Any

from cards.labels import field_label, ui
from cards.render import render, shown
from cards.values import display_phone
from contacts.model import Contact

# What a shared card shows, in this order (the owner is added by name after them).
SHARED_FIELDS = ("jobtitle", "company", "email", "phone")


def open_in_hubspot(lang: str, contact: Contact) -> list[dict[str, Any]]:
    """The "Open in HubSpot" button (the contact's record page), when its URL is known: an
    action item for the templates' `actions` lists."""
    if not contact.url:
        return []
    return [
        {
            "type": "Action.OpenUrl",
            "title": ui(lang, "open_hubspot"),
            "data": None,
            "url": contact.url,
            "style": None,
            "inputs": None,
        }
    ]


def _phone(contact: Contact, lang: str) -> str:
    phone = contact.get("phone") or contact.get("mobilephone")
    return display_phone(phone, lang) if phone else ""


def shared_contact_card(lang: str, contact: Contact, *, owner: str = "") -> dict[str, Any]:
    """Name, job title, company, email, phone, owner (when known) and "Open in HubSpot"."""
    values = {name: contact.get(name) for name in SHARED_FIELDS}
    values["phone"] = _phone(contact, lang)
    facts = [
        {"title": field_label(lang, name), "value": shown(value)}
        for name, value in values.items()
        if value
    ]
    if owner:
        facts.append({"title": field_label(lang, "hubspot_owner_id"), "value": shown(owner)})
    return render(
        "facts",
        {
            "title": shown(contact.display_name, 80),
            "name": None,
            "intro": None,
            "facts": facts,
            "actions": open_in_hubspot(lang, contact),
        },
    )


def contact_preview(lang: str, contact: Contact) -> dict[str, str]:
    """A thumbnail card's content for the result list: name; job title and company; email and
    phone. Plain strings: Teams shows them as they are."""
    subtitle = " · ".join(v for v in (contact.get("jobtitle"), contact.get("company")) if v)
    detail = " · ".join(v for v in (contact.email, _phone(contact, lang)) if v)
    preview = {"title": shown(contact.display_name, 80)}
    if subtitle:
        preview["subtitle"] = shown(subtitle, 80)
    if detail:
        preview["text"] = shown(detail, 120)
    return preview


# What the compose box says instead of a result list (Teams shows it in place of the list).
EXTENSION_TEXT: dict[str, dict[str, str]] = {
    "type_to_search": {
        "en": "Type a name, email, company or phone number to find a HubSpot contact.",
        "ko": "이름, 이메일, 회사 또는 전화번호를 입력해 HubSpot 연락처를 찾으세요.",
    },
    "no_matches": {
        "en": "No HubSpot contact matches {query}.",
        "ko": "일치하는 HubSpot 연락처가 없어요: {query}",
    },
    "slow": {
        "en": "HubSpot is taking too long to answer. Please try again in a moment.",
        "ko": "HubSpot 응답이 너무 늦어요. 잠시 후 다시 시도해 주세요.",
    },
}


def extension_text(lang: str, key: str, **values: str) -> str:
    strings = EXTENSION_TEXT[key]
    template = strings.get(lang, strings["en"])
    return template.format(**{k: shown(v, 60) for k, v in values.items()})
