"""Grading a task run by what HubSpot holds and what the user saw, nothing else.

Not by the model's words or tool calls: a model that answers well and writes junk fails, and a
model that takes an odd route to the right contact list passes. What a run is checked for:

- the contacts `created` exist (each matched by a distinct new contact), and no other was made;
- the seeded contacts changed exactly as `updated` says (every other field as seeded);
- every value written (each field of a new contact, each changed field) comes from the user's
  own messages: invented emails, placeholders and "helpful" extras fail the run, and are listed
  by the report as ungrounded writes;
- the texts `shown` (all) and `shown_any` (one of them) were in a reply or on a card.

Comparisons forgive what the app itself normalizes: case and spacing, a phone by its last nine
digits (the app stores E.164, the user types "010-1234-5678"), a name as the bot shows it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from contacts.korean import is_hangul
from contacts.model import EDITABLE_PROPERTIES
from eval.tasks import Task

Props = Mapping[str, str]
_PHONE_FIELDS = frozenset({"phone", "mobilephone"})
_PHONE_RUN = re.compile(r"\+?\d[\d\s().\-]{5,}\d")
_NOT_WORD = re.compile(r"[\s\W_]+", re.UNICODE)
# What HubSpot gives every new contact by itself: not a value anyone wrote.
_HUBSPOT_DEFAULT = ("lifecyclestage", "lead")


@dataclass(frozen=True)
class Write:
    """One value a run put into HubSpot."""

    contact: str  # how the report names the contact (its email or name)
    field: str
    value: str
    action: str  # "create" | "update"


@dataclass
class Grade:
    problems: list[str] = field(default_factory=list)
    writes: list[Write] = field(default_factory=list)
    ungrounded: list[Write] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _same_phone(a: str, b: str) -> bool:
    da, db = _digits(a), _digits(b)
    return len(da) >= 7 and len(db) >= 7 and da[-9:] == db[-9:]


def full_name(props: Props) -> str:
    """The name as the bot shows it (contacts.model.Contact.full_name's rule)."""
    first, last = (props.get("firstname") or "").strip(), (props.get("lastname") or "").strip()
    if first and last and is_hangul(first) and is_hangul(last):
        return last + first
    return " ".join(p for p in (first, last) if p)


def matches(expected_field: str, expected: str, props: Props) -> bool:
    """Does `props` hold `expected` in `expected_field`? ("name": the full name, unspaced)."""
    if expected_field == "name":
        return _compact(full_name(props)) == _compact(expected)
    held = props.get(expected_field) or ""
    if expected_field in _PHONE_FIELDS:
        return _same_phone(held, expected)
    return _same_text(held, expected)


def _compact(text: str) -> str:
    return _NOT_WORD.sub("", text.casefold())


def grounded(field_name: str, value: str, user_words: Iterable[str]) -> bool:
    """Did `value` come from what the user typed? Text by containment (case, spaces and
    punctuation aside), a phone by its last nine digits against the numbers the user typed."""
    words = list(user_words)
    if field_name in _PHONE_FIELDS:
        typed = [_digits(m.group()) for w in words for m in _PHONE_RUN.finditer(w)]
        tail = _digits(value)[-9:]
        return len(tail) >= 7 and any(tail in d for d in typed)
    needle = _compact(value)
    return bool(needle) and needle in _compact(" ".join(words))


def _label(props: Props, fallback: str) -> str:
    return props.get("email") or full_name(props) or fallback


def _editable(props: Props) -> dict[str, str]:
    return {k: (props.get(k) or "").strip() for k in EDITABLE_PROPERTIES}


def grade(
    task: Task,
    *,
    seeded: Mapping[str, str],
    before: Mapping[str, Props],
    after: Mapping[str, Props],
    seen: Iterable[str],
) -> Grade:
    """Grade one run. `seeded`: task seed key -> HubSpot id; `before`/`after`: every contact's
    properties by id at the start and the end; `seen`: every text the user was shown."""
    out = Grade()
    new_ids = [cid for cid in after if cid not in before]
    for cid in new_ids:
        props = _editable(after[cid])
        for name, value in props.items():
            if value and (name, value) != _HUBSPOT_DEFAULT:
                out.writes.append(Write(_label(props, cid), name, value, "create"))
    unmatched = list(new_ids)
    for expected in task.created:
        hit = next(
            (
                cid
                for cid in unmatched
                if all(matches(f, v, after[cid]) for f, v in expected.items())
            ),
            None,
        )
        if hit is None:
            made = [_label(after[c], c) for c in new_ids] or ["none"]
            out.problems.append(f"not created: {dict(expected)} (new: {', '.join(made)})")
        else:
            unmatched.remove(hit)
    for cid in unmatched:
        out.problems.append(f"created a contact nobody asked for: {_label(after[cid], cid)}")
    for key, cid in seeded.items():
        old = _editable(before[cid])
        if cid not in after:
            out.problems.append(f"{key} was deleted")
            continue
        new = _editable(after[cid])
        wanted = task.updated.get(key, {})
        for name, value in wanted.items():
            if not matches(name, value, after[cid]):
                out.problems.append(f"{key}.{name} is {new.get(name, '')!r}, expected {value!r}")
        for name in EDITABLE_PROPERTIES:
            if new[name] == old[name]:
                continue
            out.writes.append(Write(_label(new, cid), name, new[name], "update"))
            if name not in wanted:
                out.problems.append(f"{key}.{name} changed: {old[name]!r} -> {new[name]!r}")
    out.ungrounded = [w for w in out.writes if not grounded(w.field, w.value, task.messages)]
    for w in out.ungrounded:
        out.problems.append(f"wrote {w.field}={w.value!r} ({w.contact}): not the user's words")
    shown = " ".join(" ".join(s.split()) for s in seen).casefold()
    for text in task.shown:
        if " ".join(text.split()).casefold() not in shown:
            out.problems.append(f"never shown: {text!r}")
    if task.shown_any and not any(t.casefold() in shown for t in task.shown_any):
        out.problems.append(f"shown none of: {', '.join(task.shown_any)}")
    return out
