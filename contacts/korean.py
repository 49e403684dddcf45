"""Korean names and Hangul, shared by the contact model, the search body and the typed-command
parser (typed/), so that "is this a Korean name, and where does the family name end" has one
answer everywhere.

Korean users write a name family name first and unspaced ("김민수"); HubSpot keeps it in two
fields (lastname 김, firstname 민수). A few family names have two syllables (남궁, 제갈, ...).
"""

from __future__ import annotations

import re

# Hangul syllables, and the letters (jamo) people type on their own ("ㅋㅋ", "ㄳ").
HANGUL = re.compile("[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
HANGUL_NAME = re.compile("^[\uac00-\ud7a3]{2,4}$")

# Two-syllable Korean family names (the common ones); any other name's family name is taken to
# be its first syllable.
COMPOUND_FAMILY_NAMES = frozenset(
    {"남궁", "제갈", "선우", "황보", "독고", "사공", "서문", "동방", "망절", "어금", "황목"}
)


def is_hangul(text: str) -> bool:
    """Every character a Hangul syllable ("김민수"; '' is not)."""
    return bool(text) and all("\uac00" <= ch <= "\ud7a3" for ch in text)


def has_hangul(text: str) -> bool:
    return HANGUL.search(text) is not None


def looks_like_korean_name(word: str) -> bool:
    """2-4 Hangul syllables: the shape of an unspaced Korean full name."""
    return HANGUL_NAME.match(word) is not None


def hangul_splits(word: str) -> list[tuple[str, str]]:
    """(family name, given name) readings of an unspaced 2–4 syllable Hangul name ("김민수" ->
    김 + 민수), most likely first. A known two-syllable family name (남궁, 제갈, 선우, 황보, ...)
    comes first; a 4-syllable name also tries it otherwise."""
    if not (2 <= len(word) <= 4 and is_hangul(word)):
        return []
    splits = [(word[:1], word[1:])]
    if len(word) >= 3 and word[:2] in COMPOUND_FAMILY_NAMES:
        splits.insert(0, (word[:2], word[2:]))
    elif len(word) == 4:
        splits.append((word[:2], word[2:]))
    return splits


def split_korean_name(word: str) -> tuple[str, str]:
    """The most likely (family name, given name) of an unspaced Hangul name; ('', word) when
    `word` is not one."""
    splits = hangul_splits(word)
    return splits[0] if splits else ("", word)
