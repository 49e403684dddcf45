"""Adaptive Card 1.5 cards and every chat string, English and Korean: plain dicts, no SDK.
May import contacts/ and ground/ only; the flows and the bot decide when a card is sent.

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

from cards.contact_cards import (
    confirm_update_card,
    contact_card,
    duplicate_card,
    near_matches_card,
    pick_contact_card,
    results_card,
)
from cards.forms import (
    CREATE_FIELDS,
    OWNER_INPUT,
    SEARCH_FIELDS,
    UPDATE_FIELDS,
    create_form,
    search_form,
    update_find_form,
    update_form,
)
from cards.history import history_card
from cards.labels import field_label, reason_text, ui
from cards.menus import help_card, menu_card, no_results_card, use_form_card, welcome_card
from cards.parts import MAX_ROWS, Card
from cards.render import render
from cards.shared import contact_preview, shared_contact_card
from cards.strings import error_text, errors_text, language_for, refusal_text, text

__all__ = [
    "CREATE_FIELDS",
    "MAX_ROWS",
    "OWNER_INPUT",
    "SEARCH_FIELDS",
    "UPDATE_FIELDS",
    "Card",
    "language_for",
    "text",
    "error_text",
    "errors_text",
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
    "near_matches_card",
    "update_form",
    "confirm_update_card",
    "help_card",
    "menu_card",
    "history_card",
    "shared_contact_card",
    "contact_preview",
]
