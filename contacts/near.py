"""Near matches for a name that found nothing: "Tayler", "Jenifer Tailor", "김민중" (for 김민준).

Two pure halves, no HubSpot call here (ContactsService.near makes the calls):

  near_searches(name)     the HubSpot search bodies that may catch the misspelt name
  rank(name, contacts)    which of the contacts they found are close, closest first

Why prefixes and suffixes: HubSpot search has no fuzzy operator, but CONTAINS_TOKEN takes a
`*` wildcard on a token ("tay*", "*lor"). A typo seldom hits both the first and the last
letters of a word, so a word's first few letters or its last few catch the intended name;
rapidfuzz then measures each candidate and only close ones are offered. A few searches at most
(HubSpot allows 5 searches a second for the whole account, shared by every user).

Why jamo: a Hangul syllable is one code point made of two or three letters (jamo): 중 is
ㅈ+ㅜ+ㅇ, 준 is ㅈ+ㅜ+ㄴ. Counted by syllables, 김민중 is as far from 김민준 as from 김민수; counted
by jamo (compound vowels and final clusters split too: ㅘ = ㅗ+ㅏ), 김민준 is one letter away and
김민수 two. Latin names are compared with optimal string alignment (Levenshtein plus a swap of
two neighbouring letters, "Tyalor"), after case and accents are folded.

That HubSpot's tokenizer keeps a Hangul word whole (so "민*" matches 민준) is UNCONFIRMED; the
local API does.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, Levenshtein

from contacts.korean import hangul_splits, is_hangul
from contacts.model import Contact
from contacts.search_body import DEFAULT_SORTS, MAX_FILTERS, MAX_GROUPS, MAX_LIMIT

MAX_SEARCHES = 2  # HubSpot searches one near-match attempt may make
MAX_SUGGESTIONS = 5
MAX_COMPANY_WORDS = 3
_COMPANY_WORDS = re.compile(r"[^\W_]+(?:[.'\-][^\W_]+)*", re.UNICODE)  # as contacts.search_body
_WORDS = re.compile(r"[^\W\d_]+(?:['\-][^\W\d_]+)*", re.UNICODE)

# Hangul syllable arithmetic (Unicode 3.12): S = 0xAC00 + (L * 21 + V) * 28 + T.
_FIRST_SYLLABLE, _LAST_SYLLABLE = 0xAC00, 0xD7A3
_INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_MEDIALS = (
    "ㅏ", "ㅐ", "ㅑ", "ㅒ", "ㅓ", "ㅔ", "ㅕ", "ㅖ", "ㅗ", "ㅗㅏ", "ㅗㅐ",
    "ㅗㅣ", "ㅛ", "ㅜ", "ㅜㅓ", "ㅜㅔ", "ㅜㅣ", "ㅠ", "ㅡ", "ㅡㅣ", "ㅣ",
)  # fmt: skip
_FINALS = (
    "", "ㄱ", "ㄲ", "ㄱㅅ", "ㄴ", "ㄴㅈ", "ㄴㅎ", "ㄷ", "ㄹ", "ㄹㄱ", "ㄹㅁ", "ㄹㅂ", "ㄹㅅ",
    "ㄹㅌ", "ㄹㅍ", "ㄹㅎ", "ㅁ", "ㅂ", "ㅂㅅ", "ㅅ", "ㅆ", "ㅇ", "ㅈ", "ㅊ", "ㅋ", "ㅌ",
    "ㅍ", "ㅎ",
)  # fmt: skip

Filter = dict[str, Any]


def jamo(text: str) -> str:
    """`text` with every Hangul syllable spelt out in its letters: "김민준" -> "ㄱㅣㅁㅁㅣㄴㅈㅜㄴ",
    "과" -> "ㄱㅗㅏ". Anything else is kept as it is."""
    out: list[str] = []
    for ch in text:
        code = ord(ch)
        if _FIRST_SYLLABLE <= code <= _LAST_SYLLABLE:
            index = code - _FIRST_SYLLABLE
            initial, rest = divmod(index, 21 * 28)
            medial, final = divmod(rest, 28)
            out.append(_INITIALS[initial] + _MEDIALS[medial] + _FINALS[final])
        else:
            out.append(ch)
    return "".join(out)


def fold(text: str) -> str:
    """Lower case without accents ("José" -> "jose"); Hangul is left whole."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", plain)  # Hangul syllables composed again


def name_words(name: str) -> list[str]:
    """The folded words of a typed name (digits and punctuation are not part of a name)."""
    return _WORDS.findall(fold(name))


def distance(typed: str, stored: str) -> int:
    """Edits between a typed word and a stored one: jamo edits when either is Hangul
    (Levenshtein), letter edits otherwise (optimal string alignment: a swap counts once)."""
    a, b = fold(typed), fold(stored)
    if _has_hangul(a) or _has_hangul(b):
        return int(Levenshtein.distance(jamo(a), jamo(b)))
    return int(OSA.distance(a, b))


def allowance(word: str) -> int:
    """How many edits a typed word may be off and still be offered: none for one or two
    letters, one up to five letters (one or two Hangul syllables), two beyond."""
    if _has_hangul(word):
        return 1 if len(word) <= 2 else 2
    if len(word) <= 2:
        return 0
    return 1 if len(word) <= 5 else 2


# -- the searches -----------------------------------------------------------------------------


def near_searches(name: str, *, company: str = "", limit: int = MAX_LIMIT) -> list[dict[str, Any]]:
    """At most MAX_SEARCHES HubSpot search bodies, most promising first, that together find
    the contacts a misspelt `name` may mean; [] when the name is too short to guess from.
    `company` ("Tayler at Soylent") must match as typed, word by word, as in a plain search."""
    words = name_words(name)
    if not words or all(allowance(w) == 0 for w in words):
        return []
    if len(words) == 1 and is_hangul(words[0]) and hangul_splits(words[0]):
        groups = _korean_groups(words[0])
    elif len(words) == 1:
        groups = _one_word_groups(words[0])
    else:
        groups = _two_word_groups(words[0], words[-1])
    at = [_token("company", w) for w in _COMPANY_WORDS.findall(company.lower())]
    if len(at) > MAX_COMPANY_WORDS:
        return []  # a long company name is not a typo hunt's job: the plain search said no
    groups = [g + at for g in groups]
    bodies: list[dict[str, Any]] = []
    for chunk in _chunks(_unique(groups)):
        bodies.append(
            {
                "filterGroups": [{"filters": g} for g in chunk],
                "sorts": [dict(s) for s in DEFAULT_SORTS],
                "limit": max(1, min(limit, MAX_LIMIT)),
            }
        )
    return bodies[:MAX_SEARCHES]


def _one_word_groups(word: str) -> list[list[Filter]]:
    """A first or a last name by its first or last letters: longer stems first (fewer
    contacts, so the one meant is within the page), shorter ones, which a swap of two
    letters cannot break, in the second search."""
    groups = []
    for swaps in (False, True):
        patterns = (_prefix(word, swaps=swaps), _suffix(word, swaps=swaps))
        groups += [[_token(f, p)] for p in patterns for f in ("firstname", "lastname")]
    return groups


def _korean_groups(word: str) -> list[list[Filter]]:
    """An unspaced Korean name: the family name as typed with the given name's first or last
    syllable, or the given name as typed (a typo in the family name). A two-syllable word is
    as likely a given name alone, so that reading comes first."""
    groups: list[list[Filter]] = []
    if len(word) == 2:
        groups.append([_token("firstname", word[:1] + "*")])
        groups.append([_token("firstname", "*" + word[-1:])])
    for family, given in hangul_splits(word):
        groups.append([_token("lastname", family), _token("firstname", given[:1] + "*")])
        groups.append([_token("lastname", family), _token("firstname", "*" + given[-1:])])
        groups.append([_token("firstname", given)])
    groups.append([_token("firstname", word[:2] + "*")])  # the whole name kept in firstname
    return groups


def _two_word_groups(a: str, b: str) -> list[list[Filter]]:
    """The first and last words of a name, each by a prefix or a suffix: in the order typed
    first (given name, family name), then family name first, then both in the first name."""
    groups: list[list[Filter]] = []
    for first, last in ((a, b), (b, a)):
        for fp, lp in (
            (_prefix, _prefix),
            (_prefix, _suffix),
            (_suffix, _prefix),
            (_suffix, _suffix),
        ):
            groups.append([_token("firstname", fp(first)), _token("lastname", lp(last))])
    groups.append([_token("firstname", _prefix(a)), _token("firstname", _prefix(b))])
    return groups


def _stem(word: str, *, swaps: bool) -> int:
    """How many letters a prefix or suffix pattern keeps: so few that one typo anywhere
    leaves the prefix or the suffix whole ("Jaxie": "ja*" still finds Jamie; with `swaps`,
    also a swap of two letters: "Talyor": "ta*"), and at most three. A Hangul syllable is
    2-3 letters already: one."""
    if _has_hangul(word):
        return 1
    return max(1, min(3, (len(word) - 1 if swaps else len(word)) // 2))


def _prefix(word: str, *, swaps: bool = True) -> str:
    return word if allowance(word) == 0 else word[: _stem(word, swaps=swaps)] + "*"


def _suffix(word: str, *, swaps: bool = True) -> str:
    return word if allowance(word) == 0 else "*" + word[-_stem(word, swaps=swaps) :]


def _token(name: str, value: str) -> Filter:
    return {"propertyName": name, "operator": "CONTAINS_TOKEN", "value": value}


def _unique(groups: Iterable[list[Filter]]) -> list[list[Filter]]:
    seen: set[tuple[tuple[str, str], ...]] = set()
    out = []
    for group in groups:
        key = tuple(sorted((f["propertyName"], f["value"]) for f in group))
        if key not in seen:
            seen.add(key)
            out.append(group)
    return out


def _chunks(groups: list[list[Filter]]) -> list[list[list[Filter]]]:
    """Groups packed into searches within HubSpot's limits (5 groups, 18 filters)."""
    out: list[list[list[Filter]]] = []
    for group in groups:
        if (
            not out
            or len(out[-1]) >= MAX_GROUPS
            or sum(map(len, out[-1])) + len(group) > MAX_FILTERS
        ):
            out.append([])
        out[-1].append(group)
    return out


# -- the ranking ------------------------------------------------------------------------------


def closeness(name: str, contact: Contact) -> int | None:
    """Total edits between the typed name and the contact's name, every typed word matched
    within its allowance; None when the contact is not close."""
    typed = name_words(name)
    first, last = name_words(contact.get("firstname")), name_words(contact.get("lastname"))
    stored = [*first, *last]
    if not typed or not stored:
        return None
    if len(typed) == 1:  # an unspaced name: 김민준 (last + first), or "jennifertaylor"
        stored += ["".join(last + first), "".join(first + last)]
    total = 0
    for word in typed:
        best = min(distance(word, s) for s in stored)
        if best > allowance(word):
            return None
        total += best
    return total


def rank(name: str, contacts: Sequence[Contact], limit: int = MAX_SUGGESTIONS) -> list[Contact]:
    """The contacts close to `name`, closest first (fewest edits, then the most similar whole
    name by rapidfuzz's ratio, then the most recently changed, as HubSpot returned them)."""
    typed = " ".join(name_words(name))
    scored: list[tuple[int, float, int, Contact]] = []
    seen: set[str] = set()
    for order, contact in enumerate(contacts):
        if contact.id in seen:
            continue
        seen.add(contact.id)
        edits = closeness(name, contact)
        if edits is None:
            continue
        whole = " ".join(name_words(contact.full_name))
        similar = fuzz.ratio(jamo(typed), jamo(whole))
        scored.append((edits, -similar, order, contact))
    scored.sort(key=lambda item: item[:3])
    return [item[3] for item in scored[:limit]]


def _has_hangul(text: str) -> bool:
    return any(_FIRST_SYLLABLE <= ord(ch) <= _LAST_SYLLABLE for ch in text)
