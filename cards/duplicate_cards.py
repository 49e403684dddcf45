"""The cards of duplicates (issue 28): possible duplicates before a create, likely duplicate
pairs with why they match, and a merge's preview.

Their words are here, in both languages, beside the cards that use them (the reasons are the
rule names of `contacts.duplicates`): a translator finds a card's words with the card.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cards.actions import Action
from cards.labels import field_label, pick
from cards.parts import MAX_ROWS, Card, button, button_data
from cards.render import render, shown
from cards.values import display_phone, display_value
from contacts.duplicates import (
    SAME_NAME_COMPANY,
    SAME_NAME_EMAIL_DOMAIN,
    SAME_PHONE,
    SIMILAR_NAME_COMPANY,
    DuplicatePair,
)
from contacts.model import EDITABLE_PROPERTIES, Contact

REASONS: dict[str, dict[str, str]] = {
    SAME_PHONE: {"en": "same phone number", "ko": "같은 전화번호"},
    SAME_NAME_COMPANY: {"en": "same name at the same company", "ko": "같은 회사의 같은 이름"},
    SAME_NAME_EMAIL_DOMAIN: {
        "en": "same name, same email domain",
        "ko": "같은 이름, 같은 이메일 도메인",
    },
    SIMILAR_NAME_COMPANY: {
        "en": "nearly the same name at the same company",
        "ko": "같은 회사의 비슷한 이름",
    },
}
WORDS: dict[str, dict[str, str]] = {
    "possible_title": {"en": "Possible duplicate", "ko": "중복일 수 있는 연락처"},
    "possible_intro": {
        "en": "Nothing is created until you choose: update the contact already in HubSpot "
        "with the new values, or create {name} anyway.",
        "ko": "고르기 전에는 아무것도 만들지 않아요. HubSpot에 있는 연락처를 새 값으로 "
        "수정하거나, 그래도 새로 만들 수 있어요. 새 연락처: {name}",
    },
    "update_instead": {"en": "Update that one instead", "ko": "이 연락처를 수정"},
    "create_anyway": {"en": "Create anyway", "ko": "그래도 만들기"},
    "why": {"en": "Why: {reasons}", "ko": "이유: {reasons}"},
    "pairs_title": {"en": "Likely duplicates", "ko": "중복일 가능성이 높은 연락처"},
    "pairs_intro": {
        "en": "{count} likely duplicate pair(s). Merge… shows what the merged contact will "
        "have before anything is changed.",
        "ko": "중복일 가능성이 높은 쌍 {count}개. 합치기…를 누르면 바꾸기 전에 합친 "
        "연락처의 값을 보여 드려요.",
    },
    "merge_button": {"en": "Merge…", "ko": "합치기…"},
    "merge_title": {"en": "Merge two contacts", "ko": "연락처 두 개 합치기"},
    "merge_intro": {
        "en": "{keep} stays (created first); {other} is merged into it. This cannot be "
        "undone. Nothing changes until you press Confirm. The merged contact will have:",
        "ko": "남는 연락처: {keep} (먼저 만든 연락처). 합쳐지는 연락처: {other}. 되돌릴 수 "
        "없어요. 확인을 누르기 전에는 아무것도 바뀌지 않아요. 합친 연락처의 값:",
    },
    "merge_intro_chosen": {
        "en": "{keep} stays (your choice); {other} is merged into it. This cannot be "
        "undone. Nothing changes until you press Confirm. The merged contact will have:",
        "ko": "남는 연락처: {keep} (직접 고름). 합쳐지는 연락처: {other}. 되돌릴 수 "
        "없어요. 확인을 누르기 전에는 아무것도 바뀌지 않아요. 합친 연락처의 값:",
    },
    "confirm_merge": {"en": "Confirm merge", "ko": "합치기 확인"},
    "keep_other": {"en": "Keep {name} instead", "ko": "{name} 연락처를 남기기"},
    "cancel": {"en": "Cancel", "ko": "취소"},
}


def word(lang: str, key: str, **values: Any) -> str:
    return pick(lang, WORDS[key]).format(**values)


def reasons_text(lang: str, reasons: Sequence[str]) -> str:
    return ", ".join(pick(lang, REASONS[r]) for r in reasons if r in REASONS)


def summary(lang: str, contact: Contact) -> str:
    """ "Jonathan Smith · ACME Inc. · +1 415-555-0100" (what a possible duplicate is shown as)."""
    phone = contact.get("phone") or contact.get("mobilephone")
    parts = [contact.display_name, contact.get("company")]
    parts.append(display_phone(phone, lang) if phone else "")
    return " · ".join(shown(p, 60) for p in parts if p)


def _lines(lang: str, contact: Contact) -> list[dict[str, str]]:
    lines = [shown(contact.get("email"), 60)] if contact.get("email") else []
    phone = contact.get("phone") or contact.get("mobilephone")
    rest = [display_phone(phone, lang) if phone else "", contact.get("company")]
    if any(rest):
        lines.append(" · ".join(shown(p, 60) for p in rest if p))
    return [{"text": line} for line in lines]


def possible_duplicates_card(
    lang: str, nonce: str, found: Sequence[DuplicatePair], draft_name: str, pending_id: str
) -> Card:
    """Each likely duplicate ("Possible duplicate: Jonathan Smith · ACME Inc. · …") and why,
    with "Update that one instead"; below, "Create anyway"."""
    rows = []
    for pair in found[:MAX_ROWS]:
        existing = pair.keep
        rows.append(
            {
                "name": f"{word(lang, 'possible_title')}: {summary(lang, existing)}",
                "details": [
                    *_lines(lang, existing),
                    {"text": word(lang, "why", reasons=reasons_text(lang, pair.reasons))},
                ],
                "button": word(lang, "update_instead"),
                "data": button_data(
                    Action.DUPLICATE_UPDATE, nonce, pending_id=pending_id, contact_id=existing.id
                ),
                "url": existing.url or None,
                "open": pick(lang, {"en": "Open in HubSpot", "ko": "HubSpot에서 열기"}),
            }
        )
    return render(
        "contact_list",
        {
            "title": word(lang, "possible_title"),
            "intro": word(lang, "possible_intro", name=shown(draft_name, 60)),
            "rows": rows,
            "actions": [
                button(
                    word(lang, "create_anyway"),
                    button_data(Action.CREATE_ANYWAY, nonce, pending_id=pending_id),
                )
            ],
        },
    )


def duplicate_pairs_card(lang: str, nonce: str, pairs: Sequence[DuplicatePair]) -> Card:
    """Each pair: both names, each one's details, why they match, and Merge…"""
    rows = []
    for pair in pairs[:MAX_ROWS]:
        details = [{"text": f"{shown(pair.keep.display_name, 60)} (#{pair.keep.id})"}]
        details += _lines(lang, pair.keep)
        details.append({"text": f"{shown(pair.other.display_name, 60)} (#{pair.other.id})"})
        details += _lines(lang, pair.other)
        details.append({"text": word(lang, "why", reasons=reasons_text(lang, pair.reasons))})
        rows.append(
            {
                "name": " ↔ ".join(shown(c.display_name, 40) for c in (pair.keep, pair.other)),
                "details": details,
                "button": word(lang, "merge_button"),
                "data": button_data(
                    Action.MERGE_PREVIEW, nonce, contact_id=pair.keep.id, other_id=pair.other.id
                ),
                "url": None,
                "open": "",
            }
        )
    return render(
        "contact_list",
        {
            "title": word(lang, "pairs_title"),
            "intro": word(lang, "pairs_intro", count=len(pairs)),
            "rows": rows,
            "actions": [],
        },
    )


def merge_card(
    lang: str,
    nonce: str,
    keep: Contact,
    other: Contact,
    values: Mapping[str, str],
    pending_id: str,
    *,
    chosen: bool = False,
) -> Card:
    """Which contact stays, the values the merged contact will have, that it cannot be undone;
    Confirm merge / Keep the other instead / Cancel."""
    facts = [
        {"title": field_label(lang, name), "value": shown(display_value(lang, name, values[name]))}
        for name in dict.fromkeys(("email", *EDITABLE_PROPERTIES))
        if name in values
    ]
    keep_name = f"{keep.display_name} (#{keep.id})"
    other_name = f"{other.display_name} (#{other.id})"
    return render(
        "facts",
        {
            "title": word(lang, "merge_title"),
            "name": shown(keep_name, 80),
            "intro": word(
                lang,
                "merge_intro_chosen" if chosen else "merge_intro",
                keep=shown(keep_name, 60),
                other=shown(other_name, 60),
            ),
            "facts": facts,
            "actions": [
                button(
                    word(lang, "confirm_merge"),
                    button_data(Action.MERGE_CONFIRM, nonce, pending_id=pending_id),
                    style="positive",
                ),
                button(
                    word(lang, "keep_other", name=shown(other.display_name, 40)),
                    button_data(Action.MERGE_SWAP, nonce, pending_id=pending_id),
                    needs_inputs=False,
                ),
                button(
                    word(lang, "cancel"),
                    button_data(Action.MERGE_CANCEL, nonce, pending_id=pending_id),
                    needs_inputs=False,
                ),
            ],
        },
    )
