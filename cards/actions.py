"""The card-action protocol: every name a card button can carry in `data.action`.

Cards put these in their buttons and `bots/` parses and dispatches them, so both import this one
enum rather than spelling the names: a renamed or added action is a type error at every place
that must change (the bot's dispatch is exhaustive, checked by mypy's `assert_never`).
"""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    """A card button's action; the value is what travels in the card's JSON."""

    START_SEARCH = "start_search"  # welcome buttons (no fields)
    START_CREATE = "start_create"  # may carry create fields to prefill (the no-results card)
    START_UPDATE = "start_update"
    SEARCH_SUBMIT = "search_submit"  # inputs: the search fields
    SEARCH_MORE = "search_more"  # data: criteria, after, offset
    CREATE_SUBMIT = "create_submit"  # inputs: the create fields
    UPDATE_FIND = "update_find"  # inputs: query
    UPDATE_PICK = "update_pick"  # data: contact_id
    UPDATE_SUBMIT = "update_submit"  # data: contact_id; inputs: the update fields
    UPDATE_CONFIRM = "update_confirm"  # data: pending_id
    UPDATE_CANCEL = "update_cancel"  # data: pending_id
    OPEN_FORM = "open_form"  # data: form ("search" | "create" | "update")
    SHOW_CONTACT = "show_contact"  # data: contact_id ("Did you mean ...?" rows)
    PASTE_CREATE_ALL = "paste_create_all"  # data: list_id (a pasted list's new rows)
    PASTE_UPDATE_EXISTING = "paste_update_existing"  # data: list_id (its rows in HubSpot)
    PASTE_UPDATE_CONFIRM = "paste_update_confirm"  # data: list_id
    PASTE_UPDATE_CANCEL = "paste_update_cancel"  # data: list_id
    CREATE_ANYWAY = "create_anyway"  # data: pending_id (a create held for a duplicate check)
    DUPLICATE_UPDATE = "duplicate_update"  # data: pending_id, contact_id (update that one)
    FIND_DUPLICATES = "find_duplicates"  # inputs: the search fields (email, company; none: mine)
    MERGE_PREVIEW = "merge_preview"  # data: contact_id (kept), other_id ("Merge…" on a pair)
    MERGE_SWAP = "merge_swap"  # data: pending_id (keep the other contact instead)
    MERGE_CONFIRM = "merge_confirm"  # data: pending_id
    MERGE_CANCEL = "merge_cancel"  # data: pending_id


START_ACTIONS = frozenset({Action.START_SEARCH, Action.START_CREATE, Action.START_UPDATE})
