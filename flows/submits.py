"""Card submits, checked strictly before anything acts on them.

A submit is whatever a client posts as `activity.value`: anyone can forge one, and clients
differ (Teams messageBack sends a JSON string, empty inputs arrive as "" or not at all). This
module turns it into a `Submit` with exactly the fields its action needs, or raises `BadSubmit`
naming what is wrong, so the flows never see an unknown action, a wrong type or a 100 kB value.
The nonce is compared by the bot against its conversation state, not here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cards import CREATE_FIELDS, OWNER_INPUT, SEARCH_FIELDS, UPDATE_FIELDS
from cards.actions import Action
from ground.json_input import NestedTooDeeply, UnreadableJson, loads_limited

MAX_VALUE_CHARS = 1000  # one input: longer than any real contact field
MAX_JSON_CHARS = 64 * 1024  # a messageBack value given as a JSON string
MAX_FILTERS = 10

_NAMES = frozenset(action.value for action in Action)
FORMS = ("search", "create", "update")
# action -> input names it may carry (all optional strings)
INPUTS: dict[Action, tuple[str, ...]] = {
    Action.SEARCH_SUBMIT: SEARCH_FIELDS,
    Action.CREATE_SUBMIT: CREATE_FIELDS + ("mobilephone", OWNER_INPUT),
    Action.UPDATE_FIND: ("query",),
    Action.UPDATE_SUBMIT: UPDATE_FIELDS,
    # the no-results card's Create: what was searched, to prefill the form with
    Action.START_CREATE: CREATE_FIELDS,
    # the search form's Find duplicates: an email (of a contact), a company, or none (mine)
    Action.FIND_DUPLICATES: SEARCH_FIELDS,
}


# A pasted list's buttons: the list's id travels as `list_id` (kept in Submit.pending_id).
_PASTE_ACTIONS = frozenset(
    {
        Action.PASTE_CREATE_ALL,
        Action.PASTE_UPDATE_EXISTING,
        Action.PASTE_UPDATE_CONFIRM,
        Action.PASTE_UPDATE_CANCEL,
    }
)


class BadSubmit(ValueError):
    """`field` names the offending field ('' when the submit as a whole is wrong);
    `reason` is 'too_long' or 'invalid'."""

    def __init__(self, message: str, *, field: str = "", reason: str = "invalid") -> None:
        super().__init__(message)
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class Submit:
    action: Action
    nonce: str
    inputs: dict[str, str] = field(default_factory=dict)  # non-empty, stripped inputs
    contact_id: str = ""
    pending_id: str = ""
    form: str = ""
    criteria: dict[str, Any] = field(default_factory=dict)
    after: str = ""
    offset: int = 0
    mine: bool = False  # search_submit: only the contacts the user owns ("My contacts")
    other_id: str = ""  # merge_preview: the contact merged into `contact_id`


def submit_value(raw: Any) -> dict[str, Any] | None:
    """The submit dict from `activity.value` (a dict, or a JSON string from messageBack), or
    None when the value is not a submit at all."""
    if isinstance(raw, str):
        if len(raw) > MAX_JSON_CHARS:
            raise BadSubmit("submit value too long", reason="too_long")
        try:
            raw = loads_limited(raw)
        except NestedTooDeeply:
            raise BadSubmit("submit value nested too deeply") from None
        except UnreadableJson:
            return None
    if not isinstance(raw, dict):
        return None
    return raw


def _string(
    value: dict[str, Any], name: str, *, required: bool = False, limit: int = MAX_VALUE_CHARS
) -> str:
    raw = value.get(name)
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        raise BadSubmit(f"{name} must be text", field=name)
    if len(raw) > limit:
        raise BadSubmit(f"{name} is too long", field=name, reason="too_long")
    if required and not raw.strip():
        raise BadSubmit(f"{name} is missing", field=name)
    return raw.strip()


def _contact_id(value: dict[str, Any]) -> str:
    cid = _string(value, "contact_id", required=True, limit=40)
    if not cid.isdigit():
        raise BadSubmit("contact_id must be a record number", field="contact_id")
    return cid


def _criteria(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise BadSubmit("criteria must be an object", field="criteria")
    out: dict[str, Any] = {name: _string(raw, name) for name in SEARCH_FIELDS}
    filters = raw.get("filters") or []
    if not isinstance(filters, list) or len(filters) > MAX_FILTERS:
        raise BadSubmit("filters must be a short list", field="criteria")
    clean = []
    for f in filters:
        if not isinstance(f, dict):
            raise BadSubmit("a filter must be an object", field="criteria")
        clean.append(
            {
                k: _string(f, k, required=True, limit=200)
                for k in ("propertyName", "operator", "value")
            }
        )
    if clean:
        out["filters"] = clean
    return out


def parse_submit(value: dict[str, Any]) -> Submit:
    """Check a submit dict; raises BadSubmit."""
    name = value.get("action")
    if not isinstance(name, str) or name not in _NAMES:
        raise BadSubmit("unknown action", field="action")
    action = Action(name)
    nonce = value.get("nonce")
    nonce = nonce if isinstance(nonce, str) and len(nonce) <= 100 else ""
    if action in INPUTS:
        inputs = {name: _string(value, name) for name in INPUTS[action]}
        inputs = {k: v for k, v in inputs.items() if v}
        if action is Action.UPDATE_FIND and not inputs:
            raise BadSubmit("query is missing", field="query")
        cid = _contact_id(value) if action is Action.UPDATE_SUBMIT else ""
        mine = action is Action.SEARCH_SUBMIT and value.get("mine") in (True, "true")
        return Submit(action, nonce, inputs=inputs, contact_id=cid, mine=mine)
    if action in (Action.UPDATE_PICK, Action.SHOW_CONTACT):
        return Submit(action, nonce, contact_id=_contact_id(value))
    if action in (
        Action.UPDATE_CONFIRM,
        Action.UPDATE_CANCEL,
        Action.CREATE_ANYWAY,
        Action.MERGE_SWAP,
        Action.MERGE_CONFIRM,
        Action.MERGE_CANCEL,
    ):
        return Submit(
            action, nonce, pending_id=_string(value, "pending_id", required=True, limit=100)
        )
    if action in _PASTE_ACTIONS:
        return Submit(action, nonce, pending_id=_string(value, "list_id", required=True, limit=100))
    if action is Action.DUPLICATE_UPDATE:
        return Submit(
            action,
            nonce,
            pending_id=_string(value, "pending_id", required=True, limit=100),
            contact_id=_contact_id(value),
        )
    if action is Action.MERGE_PREVIEW:
        other = _contact_id({"contact_id": value.get("other_id")})
        keep = _contact_id(value)
        if other == keep:
            raise BadSubmit("a contact cannot be merged with itself", field="other_id")
        return Submit(action, nonce, contact_id=keep, other_id=other)
    if action is Action.OPEN_FORM:
        form = value.get("form")
        if form not in FORMS:
            raise BadSubmit("form must be search, create or update", field="form")
        return Submit(action, nonce, form=form)
    if action is Action.SEARCH_MORE:
        offset = value.get("offset", 0)
        if not isinstance(offset, int) or isinstance(offset, bool) or not 0 <= offset <= 10_000:
            raise BadSubmit("offset must be a small whole number", field="offset")
        return Submit(
            action,
            nonce,
            criteria=_criteria(value.get("criteria")),
            after=_string(value, "after", required=True, limit=100),
            offset=offset,
        )
    return Submit(action, nonce)  # the start buttons carry nothing else
