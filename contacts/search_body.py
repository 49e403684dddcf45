"""Turns what a user searches by (SearchCriteria) into a HubSpot search body.

HubSpot ORs filter groups and ANDs the filters inside a group, and allows at most 5 groups,
6 filters per group and 18 in all. "Kim" must match a first *or* a last name, and every word of
"Kim Minji" must match one of the two, so the name becomes a few alternative groups (first name
first, family name first — both orders are common among our users); a phone matches `phone` or
`mobilephone`. The other criteria are ANDed into every group. If a search cannot fit, the user
is told to narrow it rather than getting silently different results.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from typing import Any

import phonenumbers

from contacts.errors import InvalidContact
from contacts.korean import hangul_splits
from contacts.model import SearchCriteria
from contacts.validation import normalise_email, normalise_phone

MAX_GROUPS = 5
MAX_FILTERS_PER_GROUP = 6
MAX_FILTERS = 18
MAX_QUERY_CHARS = 3000
MAX_LIMIT = 100
_PHONE_CHARS = re.compile(r"^[\d\s().\-]+$")
_WORDS = re.compile(r"[^\W_]+(?:[.'\-][^\W_]+)*", re.UNICODE)
# Most recently touched first: the contact someone is looking for is usually a current one.
DEFAULT_SORTS = ({"propertyName": "lastmodifieddate", "direction": "DESCENDING"},)

Filter = dict[str, Any]


def _token(name: str, value: str) -> Filter:
    return {"propertyName": name, "operator": "CONTAINS_TOKEN", "value": value}


def _eq(name: str, value: str) -> Filter:
    return {"propertyName": name, "operator": "EQ", "value": value}


def name_alternatives(name: str) -> list[list[Filter]]:
    """Ways the words of a name can split over firstname/lastname, most likely first.

    One word: first name, or last name; an unspaced Hangul name is first tried as family name +
    given name ("김민수": lastname 김, firstname 민수; a two-syllable one, which is as likely a
    given name alone, after the first-name reading). Several words: "given names + family
    name", "family name + given names" (Korean order), then every other split. Each word is a
    whole-token match.
    """
    words = [w.lower() for w in _WORDS.findall(name)]
    if not words:
        return []
    if len(words) == 1:
        whole = [[_token("firstname", words[0])], [_token("lastname", words[0])]]
        korean = [
            [_token("lastname", family), _token("firstname", given)]
            for family, given in hangul_splits(words[0])
        ]
        if len(words[0]) == 2:
            return whole[:1] + korean + whole[1:]
        return korean + whole
    splits: list[tuple[list[str], list[str]]] = [
        (words[:-1], words[-1:]),  # first ... last
        (words[1:], words[:1]),  # last first ...
        ([], words),
        (words, []),  # all in one field ("Mary Ann" as a first name)
    ]
    splits += [(words[:k], words[k:]) for k in range(1, len(words) - 1)]
    out: list[list[Filter]] = []
    seen: set[tuple[Any, ...]] = set()
    for first, last in splits:
        key = (tuple(first), tuple(last))
        if key in seen:
            continue
        seen.add(key)
        out.append([_token("firstname", w) for w in first] + [_token("lastname", w) for w in last])
    return out


def email_filter(value: str) -> Filter:
    """A whole address is an exact match; `@acme.com` or a part is a token match."""
    text = value.strip()
    try:
        return _eq("email", normalise_email(text))
    except InvalidContact:
        pass
    text = text.lower()
    if not text or any(c.isspace() for c in text):
        raise InvalidContact(
            "email", "invalid_email", f"That isn't an email address or part of one: {value!r}."
        )
    return _token("email", "*" + text if text.startswith("@") else text)


def phone_alternatives(value: str, *, region: str, by_digits: bool = True) -> list[list[Filter]]:
    """`phone` or `mobilephone` equal to the E.164 form (how this app stores numbers), and, with
    `by_digits`, containing the national digits as a token, which finds numbers typed into
    HubSpot in other formats ("+1 415-555-0100", "(415) 555 0100"). HubSpot indexes phone
    values by their digits without the country code (its hs_searchable_calculated_* copies);
    that CONTAINS_TOKEN reaches that index is UNCONFIRMED, so the exact match stays first."""
    try:
        e164 = normalise_phone(value, region=region)
    except InvalidContact:
        # A local number from another country ("051-356-3621" typed in an English chat) is
        # still worth looking up by its digits; the trunk 0 is not part of the stored number.
        digits = "".join(re.findall(r"\d+", value)).lstrip("0")
        if not by_digits or not _PHONE_CHARS.match(value.strip()) or not 7 <= len(digits) <= 15:
            raise
        return [[_token("phone", digits)], [_token("mobilephone", digits)]]
    alternatives = [[_eq("phone", e164)], [_eq("mobilephone", e164)]]
    if by_digits:
        national = str(phonenumbers.parse(e164, None).national_number)
        alternatives += [[_token("phone", national)], [_token("mobilephone", national)]]
    return alternatives


def build_search_body(
    criteria: SearchCriteria, *, region: str, limit: int = 10, after: str | None = None
) -> dict[str, Any]:
    """The HubSpot search request for `criteria`. Raises InvalidContact for a value that cannot
    be searched (bad phone) or a search too big for HubSpot's filter limits."""
    common: list[Filter] = []
    if criteria.email:
        common.append(email_filter(criteria.email))
    for word in _WORDS.findall(criteria.company):
        common.append(_token("company", word.lower()))
    for raw in criteria.filters:
        common.append(_raw_filter(raw))

    choices: list[list[list[Filter]]] = []
    names = name_alternatives(criteria.name)
    if criteria.phone:
        # With a name too, the digit tokens would multiply the name splits past HubSpot's limit.
        choices.append(phone_alternatives(criteria.phone, region=region, by_digits=not names))
    groups = _groups(common, choices)
    # Keep as many name splits as HubSpot's limits allow, most likely first; never fewer than
    # two, or "Kim" would silently stop matching family names.
    for keep in range(len(names), min(2, len(names)) - 1, -1) if names else ():
        groups = _groups(common, [*choices, names[:keep]])
        if _fits(groups):
            break
    if not _fits(groups):
        raise InvalidContact(
            "search",
            "invalid_value",
            "That search has too many parts for HubSpot. Try fewer words or fewer fields.",
        )
    body: dict[str, Any] = {
        "limit": max(1, min(int(limit), MAX_LIMIT)),
        "sorts": [dict(s) for s in DEFAULT_SORTS],
    }
    if groups:
        body["filterGroups"] = [{"filters": g} for g in groups]
    text = criteria.text.strip()
    if text:
        if len(text) > MAX_QUERY_CHARS:
            raise InvalidContact(
                "text", "too_long", f"Search text can be at most {MAX_QUERY_CHARS:,} characters."
            )
        body["query"] = text
        body.pop("sorts")  # HubSpot ranks free-text results itself (oldest first)
    if after:
        body["after"] = str(after)
    return body


def _groups(common: list[Filter], choices: list[list[list[Filter]]]) -> list[list[Filter]]:
    """Every combination of one alternative per choice, each ANDed with the common filters."""
    groups = [common + [f for part in combo for f in part] for combo in itertools.product(*choices)]
    return [g for g in groups if g]


def _fits(groups: list[list[Filter]]) -> bool:
    return (
        len(groups) <= MAX_GROUPS
        and all(len(g) <= MAX_FILTERS_PER_GROUP for g in groups)
        and sum(len(g) for g in groups) <= MAX_FILTERS
    )


def _raw_filter(raw: Mapping[str, Any]) -> Filter:
    """A caller-supplied HubSpot filter, passed through after a shape check."""
    name = str(raw.get("propertyName") or "").strip()
    operator = str(raw.get("operator") or "").strip().upper()
    if not name or not operator:
        raise InvalidContact(
            "search", "invalid_value", "A search filter needs a property name and an operator."
        )
    out: Filter = {"propertyName": name, "operator": operator}
    for key in ("value", "highValue"):
        if raw.get(key) is not None:
            out[key] = str(raw[key])
    if raw.get("values") is not None:
        out["values"] = [str(v) for v in raw["values"]]
    return out
