"""Adaptive Card 1.5 cards and chat strings, in English and Korean.

Every function returns the card as a plain dict (no Bot Framework types: `bots/` wraps it into an
attachment). All cards come from four templates in `cards/templates/` through one function,
`cards.render.render`; the functions here only turn contacts into the data those templates show.

Every Action.Submit carries `data = {"action": <name>, "nonce": <conversation nonce>, ...}`,
the names being `cards.actions.Action`.
The nonce is a random string kept in conversation state, so the bot can tell a card from an
earlier conversation (or a forged one) and refuse it. Action names and the fields they carry:

  start_search | start_create | start_update           welcome buttons (no fields)
  search_submit   inputs: email, name, company, phone, text; data: mine (true: only the
                  contacts the user owns in HubSpot, "My contacts", which sends no inputs)
  search_more     data: criteria (dict of the five fields, plus `filters` when the search had
                  any), after (str), offset (int: how many results were shown before this page)
  update_pick     data: contact_id                      (row "Update" button, duplicate card)
  create_submit   inputs: firstname, lastname, email, phone, company, jobtitle (+ mobilephone
                  when the prefill has one, e.g. from a typed `add ... 010-1234-5678`)
  update_find     inputs: query                          (email or name of the contact to update)
  update_submit   data: contact_id; inputs: firstname, lastname, email, phone, mobilephone,
                  company, jobtitle, website, city, country
  update_confirm  data: pending_id                       (Confirm on the confirmation card)
  update_cancel   data: pending_id
  open_form       data: form ("search" | "create" | "update")   (model mode "use a form")

Cards that end when used (confirmation, create form, chooser, results) also carry
`card: <id>` in every button's data and become Action.Execute in Teams; `bots/` adds both when it
sends them (cards/lifecycle.py), so the functions here stay the same for every channel.

Inputs left empty arrive as "" or are missing (clients differ). `lang` is "en" or "ko"
(see `language_for`); anything else is shown in English.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cards.actions import Action
from cards.history import history_card
from cards.labels import HELP_EXAMPLES, field_label, reason_text, ui
from cards.render import render, shown
from cards.shared import contact_preview, open_in_hubspot, shared_contact_card
from cards.strings import error_text, language_for, refusal_text, text
from cards.values import display_phone, display_value
from contacts.model import EDITABLE_PROPERTIES, Contact, PendingUpdate, SearchPage

__all__ = [
    "Card",
    "language_for",
    "text",
    "error_text",
    "refusal_text",
    "field_label",
    "ui",
    "reason_text",
    "render",
    "welcome_card",
    "use_form_card",
    "search_form",
    "results_card",
    "no_results_card",
    "contact_card",
    "duplicate_card",
    "create_form",
    "update_find_form",
    "pick_contact_card",
    "update_form",
    "confirm_update_card",
    "help_card",
    "menu_card",
    "history_card",
    "shared_contact_card",
    "contact_preview",
]

Card = dict[str, Any]

MAX_ROWS = 10
SEARCH_FIELDS = ("email", "name", "company", "phone", "text")
CREATE_FIELDS = ("firstname", "lastname", "email", "phone", "company", "jobtitle")
# Not a contact property: who the new contact's HubSpot owner is (by their email), when not you.
OWNER_INPUT = "owner_email"
UPDATE_FIELDS = (
    "firstname",
    "lastname",
    "email",
    "phone",
    "mobilephone",
    "company",
    "jobtitle",
    "website",
    "city",
    "country",
)
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
_FORM_TITLES = {"search": "btn_search", "create": "btn_create", "update": "btn_update"}


# -- shared pieces ---------------------------------------------------------------------------


def _data(action: Action, nonce: str, **fields: Any) -> dict[str, Any]:
    return {"action": action.value, "nonce": str(nonce), **fields}


def _action(
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


def _start_actions(lang: str, nonce: str) -> list[dict[str, Any]]:
    return [
        _action(ui(lang, "btn_search"), _data(Action.START_SEARCH, nonce)),
        _action(ui(lang, "btn_create"), _data(Action.START_CREATE, nonce)),
        _action(ui(lang, "btn_update"), _data(Action.START_UPDATE, nonce)),
    ]


def _input(
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


def _facts(lang: str, contact: Contact) -> list[dict[str, str]]:
    return [
        {
            "title": field_label(lang, name),
            "value": shown(display_value(lang, name, contact.get(name))),
        }
        for name in EDITABLE_PROPERTIES
        if contact.get(name)
    ]


def _korean_order(lang: str, names: Sequence[str]) -> tuple[str, ...]:
    """Korean forms ask the family name (성) before the given name (이름)."""
    if lang != "ko" or "lastname" not in names or "firstname" not in names:
        return tuple(names)
    out = [n for n in names if n != "lastname"]
    out.insert(out.index("firstname"), "lastname")
    return tuple(out)


def _row(lang: str, contact: Contact, nonce: str, button: str) -> dict[str, Any]:
    details = [shown(contact.get(name), 60) for name in ("email", "company") if contact.get(name)]
    phone = contact.get("phone") or contact.get("mobilephone")
    if phone:
        details.append(shown(display_phone(phone, lang), 40))
    return {
        "name": shown(contact.display_name, 80),
        "details": [{"text": " · ".join(details)}] if details else [],
        "button": button,
        "data": _data(Action.UPDATE_PICK, nonce, contact_id=contact.id),
        "url": contact.url or None,
        "open": ui(lang, "open_hubspot"),
    }


def _form(
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


# -- the cards -------------------------------------------------------------------------------


def welcome_card(lang: str, nonce: str) -> Card:
    return render(
        "menu",
        {
            "title": ui(lang, "app_title"),
            "intro": ui(lang, "welcome_intro"),
            "examples": [],
            "note": None,
            "actions": _start_actions(lang, nonce),
        },
    )


def help_card(lang: str, nonce: str, model_configured: bool) -> Card:
    """Short help for typed commands plus the three buttons; when no model is configured it
    says that free-form requests are not switched on here (setting one up is the README's job,
    not the user's). The examples are TextRuns, so an example email is not made a link."""
    examples = HELP_EXAMPLES.get(lang, HELP_EXAMPLES["en"])
    return render(
        "menu",
        {
            "title": ui(lang, "help_title"),
            "intro": ui(lang, "help_intro"),
            "examples": [{"text": example} for example in examples],
            "note": None if model_configured else ui(lang, "help_no_model"),
            "actions": _start_actions(lang, nonce),
        },
    )


def menu_card(lang: str, nonce: str) -> Card:
    """Just the three buttons, under a short question: what goes with "I didn't get that"."""
    return render(
        "menu",
        {
            "title": ui(lang, "menu_title"),
            "intro": None,
            "examples": [],
            "note": None,
            "actions": _start_actions(lang, nonce),
        },
    )


def use_form_card(lang: str, nonce: str, form: str) -> Card:
    """Model mode's answer to a welcome button comes with this: the job's name and one button
    that opens its guided form instead (`form` is "search", "create" or "update")."""
    title = ui(lang, _FORM_TITLES.get(form, "btn_search"))
    return render(
        "menu",
        {
            "title": title,
            "intro": None,
            "examples": [],
            "note": None,
            "actions": [
                _action(
                    ui(lang, "use_form"),
                    _data(Action.OPEN_FORM, nonce, form=form),
                    needs_inputs=False,
                )
            ],
        },
    )


def search_form(lang: str, nonce: str, prefill: dict[str, str] | None = None) -> Card:
    prefill = prefill or {}
    return _form(
        lang,
        ui(lang, "search_title"),
        ui(lang, "search_intro"),
        [_input(lang, name, prefill.get(name)) for name in SEARCH_FIELDS],
        [
            _action(
                ui(lang, "search_submit"), _data(Action.SEARCH_SUBMIT, nonce), style="positive"
            ),
            _action(
                ui(lang, "my_contacts"),
                _data(Action.SEARCH_SUBMIT, nonce, mine=True),
                needs_inputs=False,
            ),
        ],
    )


def results_card(
    lang: str, nonce: str, page: SearchPage, criteria: dict[str, Any], offset: int = 0
) -> Card:
    """Up to ten rows with an Update button each, "Showing 1–10 of 37", and More when HubSpot
    says there is a next page (the criteria travel in the button, so More needs no state)."""
    shown_rows = page.results[:MAX_ROWS]
    if shown_rows:
        last = offset + len(shown_rows)
        intro = ui(
            lang,
            "results_range" if last > offset + 1 else "results_one",
            first=offset + 1,
            last=last,
            total=max(page.total, last),
        )
    else:
        intro = ui(lang, "results_none")
    actions = []
    if page.next_after and shown_rows:
        more: dict[str, Any] = {name: str(criteria.get(name) or "") for name in SEARCH_FIELDS}
        if criteria.get("filters"):
            more["filters"] = [dict(f) for f in criteria["filters"]]
        actions.append(
            _action(
                ui(lang, "more"),
                _data(
                    Action.SEARCH_MORE,
                    nonce,
                    criteria=more,
                    after=str(page.next_after),
                    offset=offset + len(shown_rows),
                ),
            )
        )
    actions.append(_action(ui(lang, "new_search"), _data(Action.START_SEARCH, nonce)))
    return render(
        "contact_list",
        {
            "title": ui(lang, "results_title"),
            "intro": intro,
            "actions": actions,
            "rows": [_row(lang, c, nonce, ui(lang, "row_update")) for c in shown_rows],
        },
    )


def no_results_card(lang: str, nonce: str) -> Card:
    return render(
        "menu",
        {
            # The line above the card says that nothing matched (and what was searched).
            "title": ui(lang, "no_results_title"),
            "intro": None,
            "examples": [],
            "note": None,
            "actions": [
                _action(ui(lang, "new_search"), _data(Action.START_SEARCH, nonce)),
                _action(
                    ui(lang, "btn_create"), _data(Action.START_CREATE, nonce), style="positive"
                ),
            ],
        },
    )


def contact_card(
    lang: str, nonce: str, contact: Contact, headline: str, *, owner: str = ""
) -> Card:
    """`headline` is a text key: 'created', 'updated', 'existing' or 'found'; `owner` the
    name of the contact's HubSpot owner, shown when given."""
    key = (
        f"headline_{headline}"
        if headline in ("created", "updated", "existing")
        else "headline_found"
    )
    return render(
        "facts",
        {
            "title": ui(lang, key),
            "name": shown(contact.display_name),
            "intro": None,
            "facts": _facts(lang, contact) + _owner_fact(lang, owner),
            "actions": [
                _action(
                    ui(lang, "btn_update"), _data(Action.UPDATE_PICK, nonce, contact_id=contact.id)
                ),
                *open_in_hubspot(lang, contact),
            ],
        },
    )


def _owner_fact(lang: str, owner: str) -> list[dict[str, str]]:
    return (
        [{"title": field_label(lang, "hubspot_owner_id"), "value": shown(owner)}] if owner else []
    )


def duplicate_card(lang: str, nonce: str, existing: Contact) -> Card:
    return render(
        "facts",
        {
            "title": ui(lang, "duplicate_title"),
            "name": shown(existing.display_name),
            "intro": ui(lang, "duplicate_intro"),
            "facts": _facts(lang, existing),
            "actions": [
                _action(
                    ui(lang, "btn_update"), _data(Action.UPDATE_PICK, nonce, contact_id=existing.id)
                ),
                *open_in_hubspot(lang, existing),
            ],
        },
    )


def create_form(
    lang: str, nonce: str, prefill: dict[str, str] | None = None, error: str | None = None
) -> Card:
    prefill = prefill or {}
    # A typed command may give a mobile number; the form shows it rather than dropping it.
    names = _korean_order(
        lang, CREATE_FIELDS + (("mobilephone",) if prefill.get("mobilephone") else ())
    )
    # Nothing is marked required: HubSpot takes a name or an email, and ContactsService says
    # which is missing in the user's language (a client-side rule would only duplicate it).
    inputs = [_input(lang, name, prefill.get(name)) for name in (*names, OWNER_INPUT)]
    return _form(
        lang,
        ui(lang, "create_title"),
        ui(lang, "create_intro"),
        inputs,
        [_action(ui(lang, "create_submit"), _data(Action.CREATE_SUBMIT, nonce), style="positive")],
        error,
    )


def update_find_form(lang: str, nonce: str) -> Card:
    return _form(
        lang,
        ui(lang, "update_find_title"),
        ui(lang, "update_find_intro"),
        [_input(lang, "query", required_message=ui(lang, "required_query"))],
        [
            _action(
                ui(lang, "update_find_submit"), _data(Action.UPDATE_FIND, nonce), style="positive"
            )
        ],
    )


def pick_contact_card(lang: str, nonce: str, contacts: Sequence[Contact]) -> Card:
    return render(
        "contact_list",
        {
            "title": ui(lang, "pick_title"),
            "intro": ui(lang, "pick_intro"),
            "actions": [],
            "rows": [_row(lang, c, nonce, ui(lang, "row_pick")) for c in contacts[:MAX_ROWS]],
        },
    )


def update_form(lang: str, nonce: str, contact: Contact, error: str | None = None) -> Card:
    return _form(
        lang,
        ui(lang, "update_title", name=shown(contact.display_name, 60)),
        ui(lang, "update_intro"),
        [_input(lang, name, contact.get(name)) for name in _korean_order(lang, UPDATE_FIELDS)],
        [
            _action(
                ui(lang, "update_submit"),
                _data(Action.UPDATE_SUBMIT, nonce, contact_id=contact.id),
                style="positive",
            )
        ],
        error,
    )


def confirm_update_card(lang: str, nonce: str, pending: PendingUpdate, pending_id: str) -> Card:
    """Each change as `Field: old → new` ("(empty)" for a blank side); Confirm / Cancel."""
    empty = ui(lang, "empty_value")
    facts = [
        {
            "title": field_label(lang, c.field),
            "value": f"{shown(display_value(lang, c.field, c.old), 80) or empty} → "
            f"{shown(display_value(lang, c.field, c.new), 80) or empty}",
        }
        for c in pending.changes
    ]
    name = pending.display_name or f"#{pending.contact_id}"
    return render(
        "facts",
        {
            "title": ui(lang, "confirm_title", name=shown(name, 60)),
            "name": None,
            "intro": ui(lang, "confirm_intro"),
            "facts": facts,
            "actions": [
                _action(
                    ui(lang, "confirm"),
                    _data(Action.UPDATE_CONFIRM, nonce, pending_id=pending_id),
                    style="positive",
                ),
                _action(
                    ui(lang, "cancel"),
                    _data(Action.UPDATE_CANCEL, nonce, pending_id=pending_id),
                    needs_inputs=False,
                ),
            ],
        },
    )
