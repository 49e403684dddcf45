"""The cards that show contacts: a page of results, one contact, the duplicate found on
create, the "which one?" chooser and the confirmation of an update (old -> new).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cards.actions import Action
from cards.forms import SEARCH_FIELDS
from cards.labels import field_label, ui
from cards.menus import search_or_create
from cards.parts import MAX_ROWS, Card, button, button_data, contact_facts, contact_row
from cards.render import render, shown
from cards.shared import open_in_hubspot
from cards.values import display_value
from contacts.model import Contact, PendingUpdate, SearchPage


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
            button(
                ui(lang, "more"),
                button_data(
                    Action.SEARCH_MORE,
                    nonce,
                    criteria=more,
                    after=str(page.next_after),
                    offset=offset + len(shown_rows),
                ),
            )
        )
    actions.append(button(ui(lang, "new_search"), button_data(Action.START_SEARCH, nonce)))
    return render(
        "contact_list",
        {
            "title": ui(lang, "results_title"),
            "intro": intro,
            "actions": actions,
            "rows": [contact_row(lang, c, nonce, ui(lang, "row_update")) for c in shown_rows],
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
            "facts": contact_facts(lang, contact) + _owner_fact(lang, owner),
            "actions": [
                button(
                    ui(lang, "btn_update"),
                    button_data(Action.UPDATE_PICK, nonce, contact_id=contact.id),
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
            "facts": contact_facts(lang, existing),
            "actions": [
                button(
                    ui(lang, "btn_update"),
                    button_data(Action.UPDATE_PICK, nonce, contact_id=existing.id),
                ),
                *open_in_hubspot(lang, existing),
            ],
        },
    )


def pick_contact_card(lang: str, nonce: str, contacts: Sequence[Contact]) -> Card:
    return render(
        "contact_list",
        {
            "title": ui(lang, "pick_title"),
            "intro": ui(lang, "pick_intro"),
            "actions": [],
            "rows": [
                contact_row(lang, c, nonce, ui(lang, "row_pick")) for c in contacts[:MAX_ROWS]
            ],
        },
    )


def near_matches_card(
    lang: str, nonce: str, contacts: Sequence[Contact], prefill: Mapping[str, str] | None = None
) -> Card:
    """ "Did you mean ...?": the close names, each with a Show button that shows the contact
    as a search finding only them would; below, a new search or Create (prefilled)."""
    return render(
        "contact_list",
        {
            "title": ui(lang, "near_title"),
            "intro": ui(lang, "near_intro"),
            "actions": search_or_create(lang, nonce, prefill),
            "rows": [
                contact_row(lang, c, nonce, ui(lang, "row_show"), Action.SHOW_CONTACT)
                for c in contacts[:MAX_ROWS]
            ],
        },
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
                button(
                    ui(lang, "confirm"),
                    button_data(Action.UPDATE_CONFIRM, nonce, pending_id=pending_id),
                    style="positive",
                ),
                button(
                    ui(lang, "cancel"),
                    button_data(Action.UPDATE_CANCEL, nonce, pending_id=pending_id),
                    needs_inputs=False,
                ),
            ],
        },
    )
