"""Phone numbers in a line, each with the label written before it.

"T. 02-555-1234  F. 02-555-1235  M. 010-1234-5678" holds three numbers; the words between one
number and the next say what the next one is (labels.py: mobile, office, direct, main, fax).
A number with no label before it may have one after it ("+1 206 555 0177 (m)", "... mobile").
A number with no label goes by its shape: phonenumbers knows a Korean 010 is a mobile and an
02 a landline; a North American number could be either, so it goes to the office number with a
doubt. Numbers become E.164 (what contacts.validation stores); one that cannot be read is kept
as written, with a doubt saying why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

from capture.draft import DraftBuilder
from capture.labels import MOBILE, OFFICE, PHONE_LABEL, PHONE_LABELS

_NUMBER = re.compile(r"(?<![\w+])\+?\(?\d[\d ().\-]{5,24}\d(?![\d])")
# After the number, when none stands before it: "(m)", "(office)", or a last word "mobile".
_AFTER_LABEL = re.compile(r"\s*(?:\(\s*([^()\d]{1,12}?)\s*\)|([A-Za-z가-힣]{1,10})\s*(?=$|[|,;]))")
_GUESSED_RANK = 3


@dataclass(frozen=True)
class PhoneRead:
    prop: str | None  # mobilephone, phone, or None for a fax
    rank: int  # among office numbers: direct 0, office 1, main 2, unlabelled 3
    value: str  # E.164, or as written when it could not be read
    problem: str  # '', 'phone_invalid' or 'phone_needs_country'
    guessed: bool  # no label, and its shape could not tell mobile from office
    start: int  # where its label (or the number) starts in the line
    end: int


def find_phones(line: str, region: str | None) -> list[PhoneRead]:
    found: list[PhoneRead] = []
    previous_end = 0
    for match in _NUMBER.finditer(line):
        digits = sum(ch.isdigit() for ch in match.group())
        if not 7 <= digits <= 15:
            continue
        before = line[max(previous_end, match.start() - 40) : match.start()]
        label = PHONE_LABEL.search(before)
        start = match.start() - len(before) + label.start() if label else match.start()
        end = match.end()
        word = label.group(1).lower() if label else ""
        after = None if word else _AFTER_LABEL.match(line, end)
        if after and (after.group(1) or after.group(2)).lower() in PHONE_LABELS:
            word, end = (after.group(1) or after.group(2)).lower(), after.end()
        written = match.group().strip()
        value, problem, shape = normalise_number(written, region)
        if word:
            prop, rank = PHONE_LABELS[word]
            guessed = False
        elif shape == "mobile":
            prop, rank, guessed = MOBILE, 0, False
        else:
            prop, rank, guessed = OFFICE, _GUESSED_RANK, shape in ("either", "")
        found.append(PhoneRead(prop, rank, value, problem, guessed, start, end))
        previous_end = end
    return found


def normalise_number(written: str, region: str | None) -> tuple[str, str, str]:
    """(value, problem, shape): shape is 'mobile', 'fixed', 'either' or 'other'."""
    if not written.startswith("+") and region is None:
        return written, "phone_needs_country", ""
    try:
        number = phonenumbers.parse(written, None if written.startswith("+") else region)
    except phonenumbers.NumberParseException:
        return written, "phone_invalid", ""
    if not phonenumbers.is_valid_number(number):
        return written, "phone_invalid", ""
    kind = phonenumbers.number_type(number)
    shape = {
        phonenumbers.PhoneNumberType.MOBILE: "mobile",
        phonenumbers.PhoneNumberType.FIXED_LINE: "fixed",
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE: "either",
    }.get(kind, "other")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return e164, "", shape


def put_phones(draft: DraftBuilder, phones: list[tuple[PhoneRead, str]]) -> None:
    """The best number of each kind into the draft (the first mobile; the most direct office
    number); the others are named as doubts, so the preview can offer them."""
    for prop in (MOBILE, OFFICE):
        mine = [(p, src) for p, src in phones if p.prop == prop]
        if not mine:
            continue
        best, source = min(mine, key=lambda item: item[0].rank)
        draft.put(prop, best.value, source)
        if best.problem:
            draft.doubt(prop, best.problem, best.value)
        if best.guessed:
            draft.doubt(prop, "phone_kind_guessed", best.value)
        for other, _ in mine:
            if other is not best and other.value != best.value:
                draft.doubt(prop, "several_phones", other.value)
