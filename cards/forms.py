"""The forms: search, create, find-to-update and update, with the fields each one asks for.

The update form's fields are the contact's editable properties (contacts.model) except the
lifecycle stage, which HubSpot moves through its own pipeline values: one list, not two.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cards.actions import Action
from cards.labels import pick, reason_text, ui
from cards.parts import Card, button, button_data, form_card, form_input, korean_order
from cards.render import shown
from cards.values import PHONE_FIELDS, display_phone
from contacts.model import EDITABLE_PROPERTIES, Contact

SEARCH_FIELDS = ("email", "name", "company", "phone", "text")
CREATE_FIELDS = ("firstname", "lastname", "email", "phone", "company", "jobtitle")
# Not a contact property: who the new contact's HubSpot owner is (by their email), when not you.
OWNER_INPUT = "owner_email"
UPDATE_FIELDS = tuple(name for name in EDITABLE_PROPERTIES if name != "lifecyclestage")


def search_form(
    lang: str, nonce: str, prefill: dict[str, str] | None = None, *, mine: bool = True
) -> Card:
    """`mine`: offer "My contacts" (only to a user who is a HubSpot owner: to anyone else it
    could only answer that it cannot tell whose contacts are theirs)."""
    prefill = prefill or {}
    actions = [
        button(
            ui(lang, "search_submit"), button_data(Action.SEARCH_SUBMIT, nonce), style="positive"
        )
    ]
    if mine:
        actions.append(
            button(
                ui(lang, "my_contacts"),
                button_data(Action.SEARCH_SUBMIT, nonce, mine=True),
                needs_inputs=False,
            )
        )
    # Likely duplicates of the email typed, at the company typed, or (neither) among the
    # user's own contacts (flows/duplicates.py).
    actions.append(
        button(
            pick(lang, {"en": "Find duplicates", "ko": "중복 찾기"}),
            button_data(Action.FIND_DUPLICATES, nonce),
        )
    )
    return form_card(
        lang,
        ui(lang, "search_title"),
        ui(lang, "search_intro"),
        [form_input(lang, name, prefill.get(name)) for name in SEARCH_FIELDS],
        actions,
    )


def create_form(
    lang: str,
    nonce: str,
    prefill: dict[str, str] | None = None,
    error: str | None = None,
    *,
    intro: str | None = None,
    required: Sequence[str] = (),
) -> Card:
    """`intro` in place of the form's own (a paste's form says what was read from it);
    `required`: the fields the portal's validation rules require (contacts.portal_rules):
    marked so, and asked for even when the form does not usually show them."""
    prefill = prefill or {}
    # A typed command may give a mobile number; the form shows it rather than dropping it.
    names = korean_order(
        lang, CREATE_FIELDS + (("mobilephone",) if prefill.get("mobilephone") else ())
    )
    names += tuple(n for n in required if n not in names and n in EDITABLE_PROPERTIES)
    # Otherwise nothing is marked required: HubSpot takes a name or an email, and
    # ContactsService says which is missing in the user's language.
    must = reason_text(lang, "required")
    inputs = [
        form_input(
            lang, name, prefill.get(name), required_message=must if name in required else None
        )
        for name in (*names, OWNER_INPUT)
    ]
    return form_card(
        lang,
        ui(lang, "create_title"),
        intro or ui(lang, "create_intro"),
        inputs,
        [
            button(
                ui(lang, "create_submit"),
                button_data(Action.CREATE_SUBMIT, nonce),
                style="positive",
            )
        ],
        error,
    )


def update_find_form(lang: str, nonce: str) -> Card:
    return form_card(
        lang,
        ui(lang, "update_find_title"),
        ui(lang, "update_find_intro"),
        [form_input(lang, "query", required_message=ui(lang, "required_query"))],
        [
            button(
                ui(lang, "update_find_submit"),
                button_data(Action.UPDATE_FIND, nonce),
                style="positive",
            )
        ],
    )


def _as_shown(lang: str, name: str, value: str) -> str:
    """A phone number as the cards show it ("010-1234-5678", not "+821012345678"): the form
    must not look like other data. Sent back unchanged it is no change (flows/updates.py
    compares normalised values)."""
    return display_phone(value, lang) if name in PHONE_FIELDS and value else value


def update_form(
    lang: str,
    nonce: str,
    contact: Contact,
    error: str | None = None,
    *,
    values: Mapping[str, str] | None = None,
) -> Card:
    """The contact's fields to edit; `values`: what the user typed last time (a form shown
    again with what to fix keeps every edit, not the stored values)."""
    typed = values or {}
    return form_card(
        lang,
        ui(lang, "update_title", name=shown(contact.display_name, 60)),
        ui(lang, "update_intro"),
        [
            form_input(
                lang,
                name,
                typed[name] if name in typed else _as_shown(lang, name, contact.get(name)),
            )
            for name in korean_order(lang, UPDATE_FIELDS)
        ],
        [
            button(
                ui(lang, "update_submit"),
                button_data(Action.UPDATE_SUBMIT, nonce, contact_id=contact.id),
                style="positive",
            )
        ],
        error,
    )
