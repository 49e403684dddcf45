"""Is this piece of a signature a person's name, and which part is the family name?

Western names go to `nameparser` (honorifics, middle initials, "Doe, Jane", suffixes such as
PhD). Two habits of Korean cards it does not know: the family name in capitals written first
("KIM Minsu") or a hyphenated given name after it ("Kim Min-su"); both are read family-first.
A Hangul name ("김민수", "남궁민수", "홍 길동") starts with a known family name
(contacts.korean_names) and is split as contacts.korean splits it; its score says how sure we are
it is a person and not a two-syllable company such as 한화: next to a job title or a sign-off it
is sure, alone it is a guess.
"""

from __future__ import annotations

import re

from nameparser import HumanName

from capture.labels import (
    CITIES,
    CLOSINGS,
    COUNTRIES,
    DEPARTMENT_WORDS,
    FIELD_LABELS,
    HONORIFICS,
    KO_DEPARTMENT_WORDS,
    KO_METROS,
    KO_PROVINCES,
    KO_TEAM_ENDINGS,
    KO_TITLES,
    NAME_SUFFIXES,
    PHONE_LABELS,
    STRONG_COMPANY,
    TITLE_WORDS,
    WEAK_COMPANY,
)
from contacts.korean import COMPOUND_FAMILY_NAMES, is_hangul, split_korean_name
from contacts.korean_names import FAMILY_NAMES

# Romanised Korean family names, for "Kim Min-su" (family name first).
ROMAN_FAMILY = frozenset(
    "kim lee yi park pak choi choe jung jeong chung kang cho jo yoon yun jang chang lim im han "
    "oh seo suh shin sin kwon hwang ahn an song jeon jun hong yoo yu ko go moon mun yang son "
    "bae baek paik heo huh nam noh roh ha kwak sung cha joo ju woo koo ku min ryu na jin".split()
)
_NOT_NAME_WORDS = (
    TITLE_WORDS
    | DEPARTMENT_WORDS
    | STRONG_COMPANY
    | WEAK_COMPANY
    | CLOSINGS
    | {w for place in CITIES | COUNTRIES for w in place.split()}
    | {w for w in PHONE_LABELS if len(w) > 2}
    | {w for w in FIELD_LABELS if len(w) > 2}
    | {"senior", "junior", "sr.", "jr", "vice", "general", "staff", "office", "tel", "fax"}
)
_NAME_WORD = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ'’\-.]*$")
_KO_NOT_NAMES = (
    frozenset(KO_TITLES)
    | set(KO_METROS)
    | KO_PROVINCES
    | KO_DEPARTMENT_WORDS
    | {"감사", "대한민국", "한국"}
)


def western_name(piece: str) -> tuple[str, str] | None:
    """(first, last) when `piece` is shaped like a person's name, else None."""
    text = piece.strip().strip(",;")
    if not text or any(ch.isdigit() for ch in text) or "@" in text:
        return None
    head, _, tail = text.partition(",")
    tail_words = tail.replace(",", " ").split()
    if tail_words and not all(_folded(w) in NAME_SUFFIXES for w in tail_words):
        if len(head.split()) == 1 and len(tail_words) <= 2 and _looks_like_words(tail):
            head = f"{tail.strip()} {head.strip()}"  # "Doe, Jane"
        else:
            return None
    words = [w for w in head.split() if _folded(w) not in HONORIFICS]
    if not 1 <= len(words) <= 4 or not all(_NAME_WORD.match(w) for w in words):
        return None
    if any(_folded(w) in _NOT_NAME_WORDS for w in words):
        return None
    if not all(w[:1].isupper() for w in words if _folded(w) not in _PARTICLES):
        return None
    korean = _korean_order(words)
    if korean:
        return korean
    caps = " ".join(words).isupper()
    name = HumanName(" ".join(words))
    if caps:
        name.capitalize(force=True)
    first = " ".join(p for p in (str(name.first), str(name.middle)) if p)
    last = str(name.last)
    if not last and len(words) > 1:
        return None
    return first, last


_PARTICLES = frozenset("de da del della di van von der den la le du dos das bin al".split())


def _korean_order(words: list[str]) -> tuple[str, str] | None:
    if len(words) != 2:
        return None
    a, b = words
    if a.isupper() and a.lower() in ROMAN_FAMILY and not b.isupper():
        return b, a.capitalize()  # "KIM Minsu" ("TJ Miller" stays given-name first)
    if b.isupper() and b.lower() in ROMAN_FAMILY and not a.isupper():
        return a, b.capitalize()  # "Minsu KIM"
    if a.lower() in ROMAN_FAMILY and re.match(r"^[A-Z][a-z]+-[a-z]+$", b):
        return b, a  # "Kim Min-su"
    return None


def korean_name(token: str) -> tuple[str, str] | None:
    """(given, family) of a Hangul name token ("김민수" -> ("민수", "김")), else None."""
    word = token.strip("()[],.")
    if word.endswith("님") and len(word) > 3:
        word = word[:-1]
    if not (2 <= len(word) <= 4 and is_hangul(word)) or word in _KO_NOT_NAMES:
        return None
    if len(word) >= 3 and word.endswith(KO_TEAM_ENDINGS):
        return None
    if word[:2] in COMPOUND_FAMILY_NAMES and len(word) >= 3:
        return word[2:], word[:2]
    if word[:1] not in FAMILY_NAMES or len(word) == 4:
        return None
    family, given = split_korean_name(word)
    return given, family


def spaced_korean_name(tokens: list[str]) -> tuple[str, str] | None:
    """ "홍 길동" / "김 민 수": a family name written apart from the given name."""
    if len(tokens) < 2 or not all(is_hangul(t) for t in tokens):
        return None
    family, given = tokens[0], "".join(tokens[1:])
    if family not in FAMILY_NAMES or not 1 <= len(given) <= 2:
        return None
    if len(tokens) > 3 or (len(tokens) == 3 and not all(len(t) == 1 for t in tokens)):
        return None
    return given, family


def _folded(word: str) -> str:
    return word.lower().strip(",.;:()")


def _looks_like_words(text: str) -> bool:
    return all(_NAME_WORD.match(w) for w in text.split()) and bool(text.split())
