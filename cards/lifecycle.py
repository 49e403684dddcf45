"""A card's life in the chat: sent live, then ended in place once its action is done.

Why a card ends: a confirmation card that stays clickable writes a change long after the user
moved on (or typed "cancel"), and a create form pressed twice creates twice. So a card whose
action finishes its job (Confirm, Cancel, Create, a chooser pick, More results) is replaced in
the chat by its final state: what was done, by whom, when, and no button that acts.

These are plain JSON transforms of a rendered card (no Bot Framework types); `bots/cardlife.py`
decides when to apply them and sends the result:

  track(card, card_id)     every button's data carries the card's id, so a click names its card
  universal(card, ...)     Teams: Action.Submit -> Action.Execute (verb = the action name) and a
                           `refresh` so each viewer's client fetches the card's current state
  ended(card, status)      the final state: buttons and inputs gone, a status line added
"""

from __future__ import annotations

import copy
from enum import StrEnum
from typing import Any

from cards.actions import Action
from cards.labels import pick
from cards.render import CARD_VERSION, SCHEMA_URL, shown

Card = dict[str, Any]


class CardKind(StrEnum):
    """The kinds of card that end when used (the value is what conversation state keeps)."""

    CONFIRM = "confirm"  # an update's old -> new, Confirm / Cancel
    CREATE = "create"  # the create form
    PICK = "pick"  # "which contact?" for an update
    RESULTS = "results"  # a page of search results with More results
    PASTE_LIST = "paste_list"  # a pasted list's preview: Create all new / Update existing
    PASTE_CONFIRM = "paste_confirm"  # a pasted list's updates, old -> new, Confirm / Cancel
    DUPLICATES = "duplicates"  # possible duplicates before a create: update one / create anyway
    MERGE = "merge"  # a merge's preview: Confirm / keep the other / Cancel


class Outcome(StrEnum):
    """What became of a card that ended: the key of its status line (`STATUS`)."""

    SAVED = "saved"
    CANCELLED = "cancelled"
    NOT_SAVED = "not_saved"
    IN_DOUBT = "in_doubt"
    CREATED = "created"
    NOT_CREATED = "not_created"
    PICKED = "picked"
    MORE = "more"
    REPLACED = "replaced"
    EXPIRED = "expired"
    DONE = "done"
    MERGED = "merged"
    HELD = "held"  # a create held for possible duplicates: the choice is below
    UNKNOWN = "unknown"  # not an ending: a click on a card this conversation never knew


# The actions that end each kind of card.
ENDING_ACTIONS: dict[CardKind, frozenset[Action]] = {
    CardKind.CONFIRM: frozenset({Action.UPDATE_CONFIRM, Action.UPDATE_CANCEL}),
    CardKind.CREATE: frozenset({Action.CREATE_SUBMIT}),
    CardKind.PICK: frozenset({Action.UPDATE_PICK}),
    CardKind.RESULTS: frozenset({Action.SEARCH_MORE}),
    CardKind.PASTE_LIST: frozenset({Action.PASTE_CREATE_ALL, Action.PASTE_UPDATE_EXISTING}),
    CardKind.PASTE_CONFIRM: frozenset({Action.PASTE_UPDATE_CONFIRM, Action.PASTE_UPDATE_CANCEL}),
    CardKind.DUPLICATES: frozenset({Action.CREATE_ANYWAY, Action.DUPLICATE_UPDATE}),
    CardKind.MERGE: frozenset({Action.MERGE_CONFIRM, Action.MERGE_CANCEL, Action.MERGE_SWAP}),
}
KINDS = tuple(CardKind)
# Their intro says what to press.
INSTRUCTED = frozenset(
    {CardKind.CONFIRM, CardKind.CREATE, CardKind.PICK, CardKind.DUPLICATES, CardKind.MERGE}
)
INTRO_ID = "intro"
_ACTING = ("Action.Submit", "Action.Execute")
REFRESH_VERB = "refresh"

# outcome -> (status line, colour). {by} and {when} are filled in; {name} where it applies.
# In Korean {by} is the subject with its particle ("내가", "김민준 님이"): a sentence, as a
# Korean user expects to read it, not a label ("저장함 · 본인").
STATUS: dict[Outcome, dict[str, str]] = {
    Outcome.SAVED: {"en": "✓ Saved by {by} · {when}", "ko": "✓ {by} 저장했어요 · {when}"},
    Outcome.CANCELLED: {
        "en": "Cancelled by {by} · {when}. Nothing was changed.",
        "ko": "{by} 취소했어요 · {when}. 아무것도 바뀌지 않았어요.",
    },
    Outcome.NOT_SAVED: {
        "en": "Not saved · {when}. The reason is in the message below.",
        "ko": "저장하지 못했어요 · {when}. 이유는 아래 메시지를 확인해 주세요.",
    },
    Outcome.IN_DOUBT: {
        "en": "HubSpot did not confirm the save · {when}",
        "ko": "HubSpot에서 저장되었는지 확인해 주지 않았어요 · {when}",
    },
    Outcome.CREATED: {
        "en": "✓ Created {name} · {by} · {when}",
        "ko": "✓ {by} {name} 연락처를 만들었어요 · {when}",
    },
    Outcome.NOT_CREATED: {
        "en": "Not created · {when}. The reason is below.",
        "ko": "연락처를 만들지 못했어요 · {when}. 이유는 아래에 있어요.",
    },
    Outcome.PICKED: {
        "en": "{by} chose {name} · {when}",
        "ko": "{by} {name} 연락처를 골랐어요 · {when}",
    },
    Outcome.MORE: {
        "en": "{by} asked for more results · {when} (below)",
        "ko": "{by} 다음 결과를 요청했어요 · {when} (아래에 있어요)",
    },
    Outcome.REPLACED: {
        "en": "Replaced by a newer card · {when}",
        "ko": "새 카드로 바뀌었어요 · {when}",
    },
    Outcome.EXPIRED: {
        "en": "No longer waiting for confirmation · {when}. Nothing was written.",
        "ko": "더 이상 확인을 기다리지 않아요 · {when}. 아무것도 저장하지 않았어요.",
    },
    Outcome.DONE: {"en": "Done · {by} · {when}", "ko": "{by} 완료했어요 · {when}"},
    Outcome.HELD: {
        "en": "Not created yet · {when}. Possible duplicates below: choose there.",
        "ko": "아직 만들지 않았어요 · {when}. 아래의 중복일 수 있는 연락처에서 골라 주세요.",
    },
    Outcome.MERGED: {
        "en": "✓ Merged into {name} · {by} · {when}",
        "ko": "✓ {by} {name} 연락처로 합쳤어요 · {when}",
    },
}
_COLOURS = {
    Outcome.SAVED: "Good",
    Outcome.CREATED: "Good",
    Outcome.MERGED: "Good",
    Outcome.NOT_SAVED: "Attention",
    Outcome.IN_DOUBT: "Warning",
}


_EXPIRED = {
    "en": "This card has expired or was replaced by a newer one.",
    "ko": "만료되었거나 새 카드로 바뀐 카드예요.",
}


def expired_card(lang: str) -> Card:
    """What a card this conversation no longer knows turns into when pressed (Teams)."""
    return {
        "$schema": SCHEMA_URL,
        "type": "AdaptiveCard",
        "version": CARD_VERSION,
        "fallbackText": pick(lang, _EXPIRED),
        "body": [{"type": "TextBlock", "text": pick(lang, _EXPIRED), "wrap": True}],
    }


_YOU = {"en": "you", "ko": "내가"}
_NAMED = {"en": "{name}", "ko": "{name} 님이"}  # someone the channel names, as {by}


def status_text(lang: str, outcome: str, *, by: str, when: str, name: str = "") -> str:
    """The final state's status line ("✓ Saved by Jane Doe · 11:16 PM", "✓ 김민준 님이
    저장했어요 · 오후 11:16"; `when` from cards/times.py); `by` empty (a page user the channel
    gives no name) reads "you" ("내가")."""
    known = outcome in Outcome.__members__.values()
    template = pick(lang, STATUS[Outcome(outcome) if known else Outcome.DONE])
    name_of_by = shown(by, 60)
    who = pick(lang, _NAMED).format(name=name_of_by) if name_of_by else pick(lang, _YOU)
    return template.format(by=who, when=when, name=shown(name, 60))


def _nodes(node: Any) -> Any:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _nodes(value)


def acting_data(card: Card) -> list[dict[str, Any]]:
    """The data of every button that acts (Submit or Execute), in document order."""
    return [
        node["data"]
        for node in _nodes(card)
        if node.get("type") in _ACTING and isinstance(node.get("data"), dict)
    ]


def track(card: Card, card_id: str) -> Card:
    """A copy of `card` whose every acting button carries `card: card_id` in its data."""
    out = copy.deepcopy(card)
    for data in acting_data(out):
        data["card"] = card_id
    return out


def universal(card: Card, *, refresh_data: dict[str, Any], user_ids: list[str]) -> Card:
    """Teams' Universal Actions: the buttons become Action.Execute (the verb is the action
    name, the data stays as it is), and `refresh` asks each listed viewer's client for the
    card's current state, so an ended card does not look live to anyone."""
    out = copy.deepcopy(card)
    for node in _nodes(out):
        if node.get("type") == "Action.Submit" and isinstance(node.get("data"), dict):
            node["type"] = "Action.Execute"
            node["verb"] = str(node["data"].get("action") or "submit")
    out["refresh"] = {
        "action": {"type": "Action.Execute", "verb": REFRESH_VERB, "data": refresh_data},
        "userIds": list(user_ids),
    }
    return out


def ended(card: Card, status: str, outcome: str = "done", *, instructions: bool = False) -> Card:
    """The card's final state: no refresh, no input, no button but links (a hidden "show
    all" part goes with its toggle), and `status` as its last line. `instructions`: the
    intro says what to do with the card ("Nothing is saved until you press Confirm"), which
    is no longer true, so it goes too."""
    out = copy.deepcopy(card)
    if instructions:
        out["body"] = [e for e in out.get("body") or [] if e.get("id") != INTRO_ID]
    out.pop("refresh", None)
    out["actions"] = _keep_passive(out.get("actions") or [])
    if not out["actions"]:
        del out["actions"]
    out["body"] = _strip(out.get("body") or [])
    line: dict[str, Any] = {"type": "TextRun", "text": status, "weight": "Bolder"}
    if outcome in _COLOURS:
        line["color"] = _COLOURS[Outcome(outcome)]
    out["body"].append(
        {"type": "RichTextBlock", "id": "status", "inlines": [line], "separator": True}
    )
    return out


def _keep_passive(actions: list[Any]) -> list[Any]:
    return [a for a in actions if isinstance(a, dict) and a.get("type") == "Action.OpenUrl"]


def _strip(elements: list[Any]) -> list[Any]:
    """Elements without inputs and acting buttons; an ActionSet, Column or ColumnSet left empty
    goes."""
    out = []
    for element in elements:
        if not isinstance(element, dict):
            continue
        kind = str(element.get("type") or "")
        if kind.startswith("Input.") or element.get("isVisible") is False:
            continue
        if kind == "ActionSet":
            element["actions"] = _keep_passive(element.get("actions") or [])
            if not element["actions"]:
                continue
        for key in ("items",):
            if isinstance(element.get(key), list):
                element[key] = _strip(element[key])
        if kind == "ColumnSet":
            columns = []
            for column in element.get("columns") or []:
                column["items"] = _strip(column.get("items") or [])
                if column["items"]:
                    columns.append(column)
            element["columns"] = columns
            if not columns:
                continue
        out.append(element)
    return out
