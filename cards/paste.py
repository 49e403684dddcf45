"""What a paste turns into in the chat: the words around a prefilled form and the list preview.

Kept apart from cards/messages.py because a paste has its own vocabulary (what was read, what
the reader doubted, each row's fate) and cards/ may not import capture/: the flows hand over
plain values (field names, doubt reason codes, row dicts), and this module words them in
English and Korean. Every card is Adaptive Card 1.5 (tests/cards/test_paste_cards_schema.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cards.actions import Action
from cards.labels import field_label, pick
from cards.parts import button_data, korean_order
from cards.render import CARD_VERSION, SCHEMA_URL, printable, shown

Card = dict[str, Any]
ROWS_SHOWN = 20  # of a pasted list, the rows a card shows; the rest are counted

LINES: dict[str, dict[str, str]] = {
    "read": {
        "en": "Read from your paste: {fields}.",
        "ko": "붙여 넣은 글에서 읽은 항목: {fields}.",
    },
    "read_nothing": {
        "en": "I could not read a name or an email from your paste: fill in the form.",
        "ko": "붙여 넣은 글에서 이름이나 이메일을 찾지 못했어요. 양식을 채워 주세요.",
    },
    "existing": {
        "en": "{email} is already in HubSpot ({name}): here is what your paste would change.",
        "ko": "{email} 연락처가 이미 HubSpot에 있어요({name}). 붙여 넣은 내용으로 바뀌는 "
        "항목이에요.",
    },
    "existing_same": {
        "en": "{email} is already in HubSpot ({name}) with these values: nothing to change.",
        "ko": "{email} 연락처가 이미 HubSpot에 같은 내용으로 있어요({name}). 바꿀 것이 없어요.",
    },
    "list_intro": {
        "en": "Read {count} rows from your paste: {new} new, {existing} already in HubSpot, "
        "{invalid} invalid. Nothing is saved yet.",
        "ko": "붙여 넣은 글에서 {count}행을 읽었어요: 새 연락처 {new}, HubSpot에 있음 "
        "{existing}, 잘못됨 {invalid}. 아직 저장하지 않았어요.",
    },
    "over_limit": {
        "en": "One message may hold {limit} rows: the {more} after them were not read.",
        "ko": "한 메시지에 {limit}행까지 읽어요. 그 뒤의 {more}행은 읽지 않았어요.",
    },
    "list_gone": {
        "en": "That list was already used (or is too old): nothing was written.",
        "ko": "이미 사용했거나 오래된 목록이에요. 아무것도 저장하지 않았어요.",
    },
    "created_all": {
        "en": "Created {created} of {asked} new contacts.",
        "ko": "새 연락처 {asked}개 중 {created}개를 만들었어요.",
    },
    "updated_all": {
        "en": "Updated {updated} of {asked} contacts.",
        "ko": "연락처 {asked}개 중 {updated}개를 수정했어요.",
    },
    "row_failed": {"en": "Row {row} ({who}): {why}", "ko": "{row}행({who}): {why}"},
    "nothing_new": {
        "en": "No row of that list is new: nothing to create.",
        "ko": "그 목록에 새 연락처가 없어요. 만들 것이 없어요.",
    },
    "nothing_changes": {
        "en": "The contacts already in HubSpot already have those values: nothing to update.",
        "ko": "HubSpot에 있는 연락처가 이미 같은 내용이에요. 수정할 것이 없어요.",
    },
    "vcard_link": {
        "en": "That vCard came as a link to a file, which I don't download: paste its text "
        "(BEGIN:VCARD …) instead.",
        "ko": "그 vCard는 파일 링크로 와서 내려받지 않아요. 대신 내용(BEGIN:VCARD …)을 붙여 넣어 "
        "주세요.",
    },
    "update_preview": {
        "en": "{count} contacts would change as below. Nothing is saved before Confirm.",
        "ko": "아래처럼 연락처 {count}개가 바뀌어요. 확인을 누르기 전에는 저장하지 않아요.",
    },
}
# Why the reader doubted a value (capture.draft's Doubt.reason); {field} and {value} filled in.
DOUBTS: dict[str, dict[str, str]] = {
    "not_found": {"en": "no {field} found", "ko": "{field} 없음"},
    "several_emails": {
        "en": "several emails; the others: {value}",
        "ko": "이메일이 여러 개예요. 나머지: {value}",
    },
    "several_phones": {"en": "another number left out: {value}", "ko": "빠진 번호: {value}"},
    "phone_kind_guessed": {
        "en": "{field} guessed (no label said mobile or office)",
        "ko": "{field}: 라벨이 없어 추측했어요",
    },
    "phone_invalid": {
        "en": "{field} {value} is no valid number",
        "ko": "{field} {value}: 잘못된 번호",
    },
    "phone_needs_country": {
        "en": "{field} {value} has no country code",
        "ko": "{field} {value}: 국가 번호가 없어요",
    },
    "company_guessed": {"en": "company guessed: {value}", "ko": "회사 추측: {value}"},
    "invalid_email": {"en": "not an email address: {value}", "ko": "잘못된 이메일: {value}"},
    "no_name_or_email": {"en": "neither a name nor an email", "ko": "이름도 이메일도 없어요"},
    "columns": {"en": "more cells than the header", "ko": "머리글보다 칸이 많아요"},
    "duplicate_in_paste": {
        "en": "the same email as an earlier row",
        "ko": "앞의 행과 같은 이메일",
    },
    "too_long": {"en": "the row is too long", "ko": "행이 너무 길어요"},
    "unreadable": {"en": "an unreadable card", "ko": "읽을 수 없는 카드"},
}
LABELS: dict[str, dict[str, str]] = {
    "title": {"en": "Contacts from your paste", "ko": "붙여 넣은 연락처"},
    "new": {"en": "new", "ko": "새 연락처"},
    "existing": {"en": "already in HubSpot", "ko": "HubSpot에 있음"},
    "invalid": {"en": "invalid", "ko": "잘못됨"},
    "more": {"en": "… and {count} more rows", "ko": "… 외 {count}행"},
    "create_all": {"en": "Create all new ({count})", "ko": "새 연락처 모두 만들기({count})"},
    "update_existing": {"en": "Update existing… ({count})", "ko": "기존 연락처 수정…({count})"},
    "confirm_all": {"en": "Confirm", "ko": "확인"},
    "cancel": {"en": "Cancel", "ko": "취소"},
    "update_title": {"en": "Update contacts from your paste", "ko": "붙여 넣은 내용으로 수정"},
}


def paste_text(lang: str, key: str, **values: Any) -> str:
    return pick(lang, LINES[key]).format(**{k: shown(str(v), 200) for k, v in values.items()})


def read_fields_text(lang: str, fields: Sequence[str]) -> str:
    """'Read from your paste: First name, Email, ...' or the line saying nothing was read."""
    if not fields:
        return paste_text(lang, "read_nothing")
    names = ", ".join(field_label(lang, f) for f in korean_order(lang, fields))
    return paste_text(lang, "read", fields=names)


def doubts_text(lang: str, doubts: Sequence[tuple[str, str, str]]) -> str:
    """Each (field, reason, value) the reader was not sure of, worded; '' when none."""
    said = []
    for field, reason, value in doubts:
        entry = DOUBTS.get(reason)
        if entry is None:
            continue
        label = field_label(lang, field) if field != "*" else ""
        said.append(pick(lang, entry).format(field=label, value=shown(value, 100)).strip())
    return "; ".join(said) + ("." if said else "")


def _label(lang: str, key: str, **values: Any) -> str:
    return pick(lang, LABELS[key]).format(**values)


def _text(value: str, **extra: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": shown(value, 300), "wrap": True, **extra}


def _rich(value: str, **run: Any) -> dict[str, Any]:
    """User data (names, emails) as a TextRun: never read as markdown."""
    return {
        "type": "RichTextBlock",
        "inlines": [{"type": "TextRun", "text": shown(value, 300), **run}],
    }


def _submit(title: str, data: dict[str, Any], style: str | None = None) -> dict[str, Any]:
    action: dict[str, Any] = {"type": "Action.Submit", "title": title, "data": data}
    if style:
        action["style"] = style
    return action


def _card(body: list[dict[str, Any]], actions: list[dict[str, Any]]) -> Card:
    card: Card = {"type": "AdaptiveCard", "$schema": SCHEMA_URL, "version": CARD_VERSION}
    card["body"] = body
    if actions:
        card["actions"] = actions
    return printable(card)  # type: ignore[no-any-return]


def paste_list_card(
    lang: str,
    nonce: str,
    list_id: str,
    rows: Sequence[Mapping[str, Any]],
    *,
    intro: str,
) -> Card:
    """The rows as they will be written, each marked new / already in HubSpot / invalid (why).
    A row: {"row": n, "name", "email", "company", "status": new|existing|invalid, "why"}."""
    body: list[dict[str, Any]] = [
        _text(_label(lang, "title"), size="Medium", weight="Bolder"),
        _text(intro),
    ]
    colours = {"new": "Good", "existing": "Accent", "invalid": "Attention"}
    for row in rows[:ROWS_SHOWN]:
        status = str(row["status"])
        who = " · ".join(str(row[k]) for k in ("name", "email", "company") if row.get(k)) or "—"
        mark = _label(lang, status) + (f": {row['why']}" if row.get("why") else "")
        body.append(
            {
                "type": "ColumnSet",
                "separator": True,
                "columns": [
                    {"type": "Column", "width": "auto", "items": [_text(f"{row['row']}.")]},
                    {
                        "type": "Column",
                        "width": "stretch",
                        "items": [
                            _rich(who),
                            _rich(mark, color=colours.get(status, "Default")),
                        ],
                    },
                ],
            }
        )
    if len(rows) > ROWS_SHOWN:
        body.append(_text(_label(lang, "more", count=len(rows) - ROWS_SHOWN), isSubtle=True))
    new = sum(1 for r in rows if r["status"] == "new")
    existing = sum(1 for r in rows if r["status"] == "existing")
    actions = []
    if new:
        actions.append(
            _submit(
                _label(lang, "create_all", count=new),
                button_data(Action.PASTE_CREATE_ALL, nonce, list_id=list_id),
                "positive",
            )
        )
    if existing:
        actions.append(
            _submit(
                _label(lang, "update_existing", count=existing),
                button_data(Action.PASTE_UPDATE_EXISTING, nonce, list_id=list_id),
            )
        )
    return _card(body, actions)


def paste_updates_card(
    lang: str,
    nonce: str,
    list_id: str,
    updates: Sequence[tuple[str, Sequence[tuple[str, str, str]]]],
) -> Card:
    """Old -> new for each contact a list would update: (name, [(field, old, new)]), with
    Confirm / Cancel; nothing is written before Confirm."""
    body: list[dict[str, Any]] = [
        _text(_label(lang, "update_title"), size="Medium", weight="Bolder"),
        _text(paste_text(lang, "update_preview", count=len(updates))),
    ]
    for name, changes in updates[:ROWS_SHOWN]:
        body.append({**_rich(name, weight="Bolder"), "separator": True})
        for field, old, new in changes:
            body.append(_rich(f"{field_label(lang, field)}: {old or '—'} → {new}"))
    if len(updates) > ROWS_SHOWN:
        body.append(_text(_label(lang, "more", count=len(updates) - ROWS_SHOWN), isSubtle=True))
    return _card(
        body,
        [
            _submit(
                _label(lang, "confirm_all"),
                button_data(Action.PASTE_UPDATE_CONFIRM, nonce, list_id=list_id),
                "positive",
            ),
            _submit(
                _label(lang, "cancel"),
                button_data(Action.PASTE_UPDATE_CANCEL, nonce, list_id=list_id),
            ),
        ],
    )
