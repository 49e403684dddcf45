"""Slots: what a field word claims, and the words left over, grouped.

One pass reads the slots for every intent (`read`): a field word claims the value after it
(or, in Korean, the word before it: `Acme 회사`); emails, phone numbers and ids stay typed
entities; the words left over are grouped by commas. A value is cut out of the line as typed
(`value`): its inner punctuation and spacing are kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from contacts.korean import has_hangul, is_hangul, looks_like_korean_name, split_korean_name
from typed.korean import name_stem
from typed.tokens import Tok
from typed.words import (
    CONNECTORS,
    FIELD_WORDS,
    FILLERS,
    INTENTS,
    KO_COMPANY_MARKERS,
    NEW_MARKERS,
    POLITE,
    SEARCH_ONLY_FIELDS,
    UPDATE_CONNECTORS,
)

Phrases = list[tuple[tuple[str, ...], str]]


def table(entries: dict[str, tuple[str, ...]]) -> Phrases:
    rows = [(tuple(p.lower().split()), name) for name, phrases in entries.items() for p in phrases]
    return sorted(rows, key=lambda row: -len(row[0]))


FIELDS = table(FIELD_WORDS)
SEARCH_FIELDS = sorted(FIELDS + table(SEARCH_ONLY_FIELDS), key=lambda row: -len(row[0]))
# An update reads "moved to Initech" as the company: the verb names its field.
UPDATE_FIELDS = sorted(
    FIELDS + table({INTENTS["moved"].slot: INTENTS["moved"].en}), key=lambda row: -len(row[0])
)
_MOVED = frozenset(phrase for phrase, _ in table({"company": INTENTS["moved"].en}))
_VALUE_FIELDS = ("company", "jobtitle", "city", "country")  # may stand after their value (ko)


def phrase_at(tokens: list[Tok], i: int, table: Phrases) -> tuple[str, int] | None:
    for phrase, name in table:
        keys = tuple(t.key if t.kind == "word" else "\0" for t in tokens[i : i + len(phrase)])
        if keys == phrase:
            return name, len(phrase)
    return None


@dataclass
class Reading:
    values: list[tuple[str, list[Tok]]] = field(default_factory=list)
    groups: list[list[Tok]] = field(default_factory=lambda: [[]])  # words no field claimed
    entities: list[Tok] = field(default_factory=list)  # emails, phones, ids no field claimed
    target: list[Tok] = field(default_factory=list)  # update: "title of jane@acme.com"
    marked: bool = False  # "is", "new", "moved to": a verbless line that is an update
    first_field: int = -1  # group index where the first field word stood


def read(line: str, tokens: list[Tok], table: Phrases, intent: str) -> Reading:
    r = Reading()
    n = len(tokens)
    i = 0
    while i < n:
        tok = tokens[i]
        hit = phrase_at(tokens, i, table) if tok.kind == "word" else None
        if hit is None:
            if tok.kind in ("email", "phone", "id", "domain"):
                r.entities.append(tok)
                r.groups.append([])
            else:
                r.groups[-1].append(tok)
                if tok.sep:
                    r.groups.append([])
            i += 1
            continue
        prop, width = hit
        if r.first_field < 0:
            r.first_field = len(r.groups) - 1
        words = tuple(t.key for t in tokens[i : i + width])
        if i and tokens[i - 1].key in NEW_MARKERS or words in _MOVED:
            r.marked = True
        j = i + width
        of = j < n and tokens[j].kind == "word" and tokens[j].key in ("of", "for")
        if of and intent != "create":  # a quoted "FOR" is a value, not "company of ..."
            k = j + 1
            while k < n and tokens[k].key not in CONNECTORS and not phrase_at(tokens, k, table):
                k += 1
                if tokens[k - 1].sep:
                    break
            if intent == "update":
                r.target = r.target or tokens[j + 1 : k]
                j = k
            else:  # "the email of Mia Chen": what is asked for, not a criterion
                i = j + 1
                continue
        while j < n and tokens[j].kind == "word" and tokens[j].key in CONNECTORS:
            r.marked = r.marked or tokens[j].key in UPDATE_CONNECTORS
            j += 1
        end = _value_end(tokens, j, prop, table, intent)
        if end > j:
            r.values.append((prop, tokens[j:end]))
        elif prop in _VALUE_FIELDS and r.groups[-1] and has_hangul(tokens[i].text):
            r.values.append((prop, r.groups[-1]))  # "Acme 회사", "한빛소프트 직함"
            r.groups[-1] = []
        r.groups.append([])
        i = max(end, j, i + width)
    return r


def _value_end(tokens: list[Tok], j: int, prop: str, table: Phrases, intent: str) -> int:
    n = len(tokens)
    if j >= n:
        return j
    first = tokens[j]
    if first.kind == "quoted":
        return j + 1
    if prop in ("phone", "mobilephone", "email"):
        if first.kind in ("phone", "email", "domain") or (
            first.kind == "word" and any(c.isdigit() or c == "@" for c in first.text)
        ):
            return j + 1
        return j
    if first.kind == "word" and not first.text[:1].isupper() and NOISE & {first.key, first.bare}:
        return j  # "Acme 회사 연락처 검색": 연락처 is not the company
    end = j
    while end < n:
        tok = tokens[end]
        if tok.kind not in ("word", "quoted") or (end > j and phrase_at(tokens, end, table)):
            break
        if tok.key in ("for", "of") and end + 1 < n and tokens[end + 1].kind in ("email", "id"):
            break  # "company to Globex for jane@acme.com"
        if intent == "search" and end > j and tok.key in NOISE and not tok.text[:1].isupper():
            break  # "anyone at Contoso please"
        end += 1
        if tok.sep or tok.particle in ("로", "으로"):
            break  # "Globex," / Korean "Globex로" closes the value
    while end > j and tokens[end - 1].key in ("and", "&", "그리고", "please"):
        end -= 1
    return end


def value_of(line: str, tokens: list[Tok]) -> str:
    if len(tokens) == 1 and tokens[0].kind == "quoted":
        return tokens[0].text
    return line[tokens[0].start : tokens[-1].vend].strip()


NOISE = FILLERS | CONNECTORS | POLITE | KO_COMPANY_MARKERS


def meaningful(group: list[Tok]) -> list[Tok]:
    """The words of a group that mean something (filler, connectors, markers off)."""
    return [t for t in group if t.kind == "quoted" or not (t.key in NOISE or t.bare in NOISE)]


def name_word(tok: Tok) -> str:
    return name_stem(tok.bare) if has_hangul(tok.bare) else tok.bare


def looks_like_name(words: list[str]) -> bool:
    if len(words) == 1:
        return looks_like_korean_name(words[0])
    if all(has_hangul(w) for w in words):
        return len(words) == 2 and all(1 <= len(w) <= 3 for w in words)
    return 2 <= len(words) <= 3 and all(
        w[:1].isupper() and w.replace("-", "").replace("'", "").isalpha() for w in words
    )


def split_name(words: list[str]) -> dict[str, str]:
    """Korean names: family name first (김민수 -> 김 + 민수); others: given name first."""
    if not words:
        return {}
    if len(words) == 1 and looks_like_korean_name(words[0]):
        family, given = split_korean_name(words[0])
        return {"lastname": family, "firstname": given}
    if len(words) == 2 and all(
        looks_like_korean_name(w) or len(w) == 1 and is_hangul(w) for w in words
    ):
        return {"lastname": words[0], "firstname": words[1]}
    if len(words) == 1:
        return {"firstname": words[0]}
    return {"firstname": words[0], "lastname": " ".join(words[1:])}


def put_value(props: dict[str, str], prop: str, value: str) -> None:
    if prop == "name":
        props.update(split_name(value.split()))
    elif value:
        props[prop] = value
