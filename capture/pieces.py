"""What one piece of a signature claims to be: a name, a job title, a company, an address.

A piece is what is left of a line once emails, links and phone numbers are cut out, split at
the separators signatures use ("|", "•", " - ", tabs). English pieces are read whole ("Head of
Sales, Acme Inc." / "Head of Sales at Acme" are a title and a company); Korean pieces word by
word, since a Korean card writes company, title and name on one line in any order
("(주)한빛소프트 영업팀 과장 김민수", "김민수 과장"). A piece nothing claims is left over: the
block reader may still take it as the company.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from capture.labels import (
    COUNTRIES,
    DEPARTMENT_WORDS,
    KO_COMPANY_ENDINGS,
    KO_COMPANY_MARKERS,
    KO_DEPARTMENT_ENDINGS,
    KO_DEPARTMENT_WORDS,
    KO_TITLES,
    STRONG_COMPANY,
    TITLE_WORDS,
    WEAK_COMPANY,
)
from capture.names import korean_name, spaced_korean_name, western_name
from capture.places import address_of
from contacts.korean import has_hangul

_STRONG_END = re.compile(
    r"(?:\bco\.?,?\s*ltd|\binc|\bllc|\bl\.l\.c|\bltd|\bcorp|\bcorporation|\bgmbh|\bag|\bs\.a"
    r"|\bplc|\bllp|\blimited|\bincorporated|\bb\.v|\bn\.v|\bk\.k|\bpty)\.?$",
    re.IGNORECASE,
)
# A comma that is not the one in "Co., Ltd." or "Litware, Inc.".
_COMMA = re.compile(
    r",(?!\s*(?:co|ltd|inc|llc|corp|limited|gmbh|plc|l\.l\.c)\b\.?\s*(?:,|$|ltd))\s*", re.IGNORECASE
)
_PRONOUNS = re.compile(r"\s*\(\s*(?:she|he|they|ze|xe)\s*/\s*\w+(?:\s*/\s*\w+)?\s*\)", re.I)
_AT = re.compile(r"\s+(?:at|@)\s+", re.IGNORECASE)
_LATIN_ASIDE = re.compile(r"\(\s*[A-Za-z][A-Za-z .,'\-]*\)")


@dataclass(frozen=True)
class Claim:
    kind: str  # name, jobtitle, company, place, leftover
    value: str = ""
    other: str = ""  # name: the family name; place: the country
    score: int = 0  # a name: how sure (the surest name of a paste is its person)


def claims_of(piece: str, *, first: bool) -> list[Claim]:
    """The claims of one piece; `first` tells a piece that opens the signature."""
    place = None if is_title(piece) and not has_digit(piece) else address_of(piece)
    if place is not None:
        return [Claim("place", place[0], place[1])]
    if has_hangul(piece):
        return _korean(_LATIN_ASIDE.sub(" ", piece))
    return _english(piece, first=first)


def _english(piece: str, *, first: bool) -> list[Claim]:
    piece = _PRONOUNS.sub("", piece).strip()
    at = _AT.split(piece, maxsplit=1)
    if len(at) == 2 and is_title(at[0]):
        return [Claim("jobtitle", at[0].strip()), Claim("company", at[1].strip())]
    name = western_name(piece)
    if name is not None and piece.isupper():  # "JOHN SMITH", but also "SAMSUNG SDS"
        return [Claim("name", name[0], name[1], score=2)] if name[1] else [Claim("leftover", piece)]
    if name is not None and (name[1] or first):
        return [Claim("name", name[0], name[1], score=(3 if name[1] else 1) + int(first))]
    parts = [p.strip() for p in _COMMA.split(piece) if p.strip()]
    lead = western_name(parts[0]) if len(parts) >= 2 else None
    if lead is not None and lead[1]:  # "Emma Wilson, Recruiter, Contoso Ltd"
        claims = [Claim("name", lead[0], lead[1], score=3 + int(first))]
        rest = ", ".join(parts[1:])
        return claims + (_english(rest, first=False) if is_title(rest) else _split_all(parts[1:]))
    if len(parts) >= 2 and is_title(parts[0]) and not _department_only(parts[-1]):
        title = ", ".join(parts[:-1])
        return [Claim("jobtitle", title), Claim("company", parts[-1])]
    if len(parts) >= 2 and is_company(parts[0]) and is_title(", ".join(parts[1:])):
        return [Claim("company", parts[0]), Claim("jobtitle", ", ".join(parts[1:]))]
    if len(parts) == 2 and _department_only(parts[0]) and not _department_only(parts[1]):
        return [Claim("company", parts[1])]  # "Talent Acquisition, Contoso"
    if _STRONG_END.search(piece):
        return [Claim("company", piece)]
    if is_title(piece):
        return [Claim("jobtitle", piece)]
    if is_company(piece):
        return [Claim("company", piece)]
    if _department_only(piece):
        return []
    return [Claim("leftover", piece)]


def _split_all(parts: list[str]) -> list[Claim]:
    return [claim for part in parts for claim in _english(part, first=False)]


def _korean(piece: str) -> list[Claim]:
    tokens = piece.replace(",", " ").replace("/", " ").split()
    spaced = spaced_korean_name(tokens)
    if spaced is not None:
        return [Claim("name", spaced[0], spaced[1], score=3)]
    kinds = [_korean_kind(t) for t in tokens]
    spaced_at = _spaced_name_at(tokens, kinds)
    if spaced_at is not None:  # "품질관리팀 차장 김 민 수"
        start, end = spaced_at
        named = spaced_korean_name(tokens[start:end])
        assert named is not None
        rest = _korean(" ".join(tokens[:start] + tokens[end:])) if end - start < len(tokens) else []
        return [Claim("name", named[0], named[1], score=4)] + rest
    for i, token in enumerate(tokens):  # "주식회사 한결": the word by a bare marker is the name
        if token in KO_COMPANY_MARKERS:
            for j in (i + 1, i - 1):
                if 0 <= j < len(tokens) and kinds[j] in ("name", "other"):
                    kinds[j] = "company"
                    break
    has_title = "title" in kinds
    claims: list[Claim] = []
    for token, kind in zip(tokens, kinds, strict=True):
        if kind == "name":
            named = korean_name(token)
            assert named is not None
            score = 4 if has_title else 3 if len(tokens) == 1 else 2
            claims.append(Claim("name", named[0], named[1], score=score))
    title_at = [i for i, k in enumerate(kinds) if k == "title"]
    if title_at:
        start = title_at[0]
        while start > 0 and kinds[start - 1] == "dept":
            start -= 1
        end = title_at[0] + 1
        while end < len(tokens) and kinds[end] in ("title", "dept"):
            end += 1
        claims.append(Claim("jobtitle", " ".join(tokens[start:end])))
        before = [
            t
            for t, k in zip(tokens[:start], kinds[:start], strict=True)
            if k in ("other", "company")
        ]
        if before:
            claims.append(Claim("company", " ".join(before)))
    marked = [i for i, k in enumerate(kinds) if k == "company"]
    if marked and not any(c.kind == "company" for c in claims):
        claims.append(Claim("company", _company_span(tokens, kinds, marked[0])))
    if not claims and "dept" in kinds and "other" in kinds[: kinds.index("dept")]:
        before = [t for t, k in zip(tokens, kinds, strict=True) if k == "other"]
        claims.append(Claim("company", " ".join(before[: kinds.index("dept")])))
    if not claims and all(k in ("other",) for k in kinds):
        claims.append(Claim("leftover", " ".join(tokens)))
    return claims


def _spaced_name_at(tokens: list[str], kinds: list[str]) -> tuple[int, int] | None:
    """Where a name written apart ("김 민 수", "홍 길동") stands among other words."""
    for start in range(len(tokens)):
        for end in (start + 3, start + 2):
            if end > len(tokens) or any(k != "other" for k in kinds[start:end]):
                continue
            if spaced_korean_name(tokens[start:end]) is not None:
                return start, end
    return None


def _company_span(tokens: list[str], kinds: list[str], at: int) -> str:
    """A marked company with the words around it that are no title or name ("주식회사
    한빛소프트", "한빛 소프트(주)")."""
    start, end = at, at + 1
    while start > 0 and kinds[start - 1] == "other":
        start -= 1
    while end < len(tokens) and kinds[end] in ("other", "company"):
        end += 1
    return " ".join(tokens[start:end])


def _korean_kind(token: str) -> str:
    word = token.strip("()[].,")
    if any(token.startswith(m) or token.endswith(m) for m in KO_COMPANY_MARKERS):
        return "company"
    if word in KO_TITLES:
        return "title"
    if word in KO_DEPARTMENT_WORDS:
        return "dept"
    if korean_name(word) is not None:
        return "name"
    if len(word) >= 3 and word.endswith(KO_COMPANY_ENDINGS):
        return "company"
    if len(word) >= 3 and any(word.endswith(t) for t in KO_TITLES if len(t) >= 2):
        return "title"  # "영업팀장"
    if len(word) >= 2 and word.endswith(KO_DEPARTMENT_ENDINGS):
        return "dept"
    return "other"


def has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


def is_title(text: str) -> bool:
    words = re.split(r"[\s,/&]+", text.lower())
    return any(w.strip(".()") in TITLE_WORDS for w in words) and not _STRONG_END.search(text)


def is_company(text: str) -> bool:
    words = [w.strip(".,()") for w in text.lower().split()]
    if not words:
        return False
    if words[-1] in STRONG_COMPANY or _STRONG_END.search(text):
        return True
    return any(w in WEAK_COMPANY for w in words) and not is_title(text)


def _department_only(text: str) -> bool:
    """ "Finance", "Global Partnerships", "Japan": what follows a title's comma and is still
    the title ("Sales Manager, Japan")."""
    folded = text.lower().strip(" .,()")
    words = [w.strip(".,()") for w in folded.split()]
    return bool(words) and (folded in COUNTRIES or all(w in DEPARTMENT_WORDS for w in words))
