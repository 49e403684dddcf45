"""Words that point at a contact already on screen: "her", "that one", "그분", "첫 번째".

Why a table of its own: the parser keeps what stands where a contact is named as typed (an
email, a name, or one of these words); the router asks `reference(target)` whether that is a
name to look up or a pointer to the conversation's focus (flows/state.py), and which one of
several ("the second one"). English and Korean, as people write them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Point at the focus as a whole: one contact in focus is meant; several need a choice.
_POINTERS = frozenset(
    {
        "her",
        "him",
        "them",
        "it",
        "she",
        "he",
        "this",
        "that",
        "this one",
        "that one",
        "this contact",
        "that contact",
        "the contact",
        "this person",
        "that person",
        "same one",
        "same contact",
        "same person",
        "그",
        "그분",
        "그 분",
        "이분",
        "이 분",
        "저분",
        "저 분",
        "그 사람",
        "이 사람",
        "저 사람",
        "그사람",
        "이사람",
        "걔",
        "얘",
        "쟤",
        "그녀",
        "그 연락처",
        "이 연락처",
        "해당 연락처",
        "그 고객",
        "이 고객",
    }
)
# Point at one of several, by its place in the list shown (0-based; -1 the last).
_ORDINALS = {
    "first": 0,
    "1st": 0,
    "second": 1,
    "2nd": 1,
    "third": 2,
    "3rd": 2,
    "fourth": 3,
    "4th": 3,
    "fifth": 4,
    "5th": 4,
    "last": -1,
    "첫": 0,
    "첫째": 0,
    "첫번째": 0,
    "1번째": 0,
    "1번": 0,
    "두": 1,
    "둘째": 1,
    "두번째": 1,
    "2번째": 1,
    "2번": 1,
    "세": 2,
    "셋째": 2,
    "세번째": 2,
    "3번째": 2,
    "3번": 2,
    "네": 3,
    "넷째": 3,
    "네번째": 3,
    "4번째": 3,
    "다섯번째": 4,
    "5번째": 4,
    "마지막": -1,
}
_FILLERS = re.compile(r"\b(the|one|contact|person|on the list|in the list)\b")
_KO_TAIL = re.compile(r"(번째)?\s*(사람|분|연락처|거|것|고객)?(을|를|이|가|은|는|의|님)?$")


@dataclass(frozen=True)
class Reference:
    """A pointer at the focus; `index` picks one of several by its place (None: the focus)."""

    index: int | None = None


def reference(target: str) -> Reference | None:
    """What `target` points at, or None when it names a contact to look up (an email, an id,
    a name). An empty target points at the focus: "change the company to Acme"."""
    words = " ".join(target.strip().lower().replace("'s", "").split())
    if not words or words in _POINTERS:
        return Reference()
    if words.rstrip("을를이가은는의") in _POINTERS:
        return Reference()
    english = " ".join(_FILLERS.sub(" ", words).split())
    if english in _ORDINALS:
        return Reference(_ORDINALS[english])
    korean = _KO_TAIL.sub("", words.replace(" ", ""))
    if korean in _ORDINALS:
        return Reference(_ORDINALS[korean])
    return None
