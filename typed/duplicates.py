""" "Find duplicates" typed, English and Korean: for a contact (an email), a company, or the
user's own contacts.

    find duplicates of jane@acme.com        -> target "jane@acme.com"
    find duplicates at Acme                 -> target "Acme"
    find my duplicates / find duplicates    -> mine
    중복 찾아줘 / 내 중복 연락처 보여줘        -> mine
    Acme 중복 연락처 찾아줘                   -> target "Acme"
    jane@acme.com 중복 확인                   -> target "jane@acme.com"

Read before the general parser: "find duplicates at Acme" is not a search for a contact
named "duplicates". A target with "@" is a contact's email; anything else a company.
"""

from __future__ import annotations

import re

_EN = re.compile(
    r"^(?:please\s+)?(?:find|show|list|check|look\s+for|search\s+for|search)\s+"
    r"(?:me\s+)?(?P<my>my\s+|all\s+|the\s+)?(?:likely\s+|possible\s+)?"
    r"(?:duplicates?|dupes?|duplicate\s+contacts?)"
    r"(?:\s+(?:of|for|at|in|from)\s+(?P<target>.+?))?"
    r"(?P<my2>\s+(?:in|among)\s+my\s+contacts)?\s*(?:please)?[.!?]*$",
    re.IGNORECASE,
)
_KO = re.compile(
    r"^(?P<before>.*?)\s*중복(?:된|인)?\s*(?:연락처)?(?:를|을|이|가)?\s*"
    r"(?:찾아\s*줘|찾아\s*주세요|찾아|찾기|보여\s*줘|보여\s*주세요|확인해\s*줘|확인|목록|있어\?*|있나요\?*)"
    r"\s*[.!?]*$"
)
_KO_TRAILING = re.compile(r"(?:의|에서|에|회사|쪽|에\s*있는)$")
_MINE_KO = ("내", "나의", "제", "저의", "내가 담당하는")


def read_duplicates(line: str) -> tuple[str, bool] | None:
    """(target, mine) when the line asks for duplicates; None when it does not."""
    text = " ".join(line.split())
    found = _EN.match(text)
    if found:
        target = (found.group("target") or "").strip(" '\"")
        mine = bool(found.group("my") and found.group("my").strip().lower() == "my")
        mine = mine or bool(found.group("my2"))
        if target.lower() in ("me", "mine", "my contacts"):
            target, mine = "", True
        return target, mine or not target
    found = _KO.match(text)
    if found:
        before = found.group("before").strip()
        if before in _MINE_KO or not before:
            return "", True
        for word in _MINE_KO:
            if before.startswith(word + " "):
                before = before[len(word) + 1 :]
        before = _KO_TRAILING.sub("", before).strip()
        return before, not before
    return None
