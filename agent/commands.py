"""Typed commands understood without a model (guided mode), English and Korean.

Why no model: with no OpenAI key the bot must still search, create and update from a typed line.
The parser is keyword tables and a few recognisers: `email-validator` for email addresses,
`phonenumbers` to find phone-number spans (never to rewrite them) and regexes for record ids.
It returns raw values; the bot runs them through `ContactsService.normalise`, which validates,
and every update is confirmed on a card, so a wrong guess costs a click, never data.

How a line is read: ids, emails and phone numbers become single tokens; Korean particles are
cut off the words they follow (`Globex로` -> `Globex`); the verb (`find`, `add`, `change`,
`찾아줘`, `등록해줘`, `변경`...) picks the kind; field keywords (`company`, `회사`, `phone`,
`전화번호`...) claim the words after them (in Korean also a bare word before them: `Acme 회사`).

An empty result means "asked, without details": `search` with empty criteria, `create` with no
properties or `update` with no target are best answered with the matching form.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Literal

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from agent.command_words import (
    CONNECTORS,
    EN_VERBS,
    FIELDS,
    FILLERS,
    GREETINGS,
    HELP_QUESTIONS,
    HELP_WORDS,
    KO_TITLES,
    KO_VERB,
    KO_VERB_KINDS,
    POLITE,
    SEARCH_FIELD,
    SEARCH_FIELDS,
    THANKS,
    TWO_SYLLABLE_SURNAMES,
    TYPO_VERBS,
    split_particle,
)
from contacts.model import SearchCriteria

CommandKind = Literal["search", "create", "update", "help"]

# Longer lines are not commands (and a 1 MB paste must cost nothing): answered with help.
MAX_COMMAND_CHARS = 500
_HANGUL = re.compile("[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_HANGUL_NAME = re.compile("^[\uac00-\ud7a3]{2,4}$")
_EMAIL = re.compile(r"[A-Za-z0-9._%+'\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_DOMAIN = re.compile(r"^@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")
_POSSESSIVE = re.compile(r"(?<=[A-Za-z])['’]s$")
_COMPANY_SUFFIXES = frozenset({"inc", "ltd", "llc", "corp", "co", "gmbh", "plc", "sa", "ag"})
_ID = re.compile(r"(?<![\w#])#(\d{1,20})\b|\bid\s*[:#]?\s*(\d{1,20})\b", re.IGNORECASE)
_EDGE_PUNCT = ",.;:!?\"'()[]{}<>“”‘’「」"


@dataclass(frozen=True)
class Command:
    kind: CommandKind
    criteria: SearchCriteria | None = None  # search
    # create: the new contact; update: the new values. Raw, as typed: normalise before use.
    properties: dict[str, str] = field(default_factory=dict)
    target: str = ""  # update: an email, an id (digits only) or a name
    language: str = "en"  # "ko" when the text has Hangul
    small_talk: str = ""  # help: "hello", "thanks" or "help" when that is all the line says


@dataclass
class _Tok:
    kind: str  # "email" | "phone" | "id" | "word"
    text: str  # as typed (punctuation at the edges removed)
    key: str  # lower-cased, Korean particle removed: what keyword tables match
    ends_group: bool = False  # typed with a comma after it: "Jane Roe, Acme, CTO"


def parse_command(text: str) -> Command:
    """Parse e.g. `find jane@acme.com`, `search Kim`, `김민수 찾아줘`,
    `add Jane Doe jane@acme.com +82 10-1234-5678 Acme`,
    `jane@acme.com 전화번호 010-9876-5432로 변경`. Anything else is kind='help'."""
    head = (text or "")[: MAX_COMMAND_CHARS + 1]
    language = "ko" if _HANGUL.search(head) else "en"
    if len(head) > MAX_COMMAND_CHARS or not head.strip():
        return Command("help", language=language)
    chat = " ".join(head.lower().split()).strip(" !.~?,^")
    for talk, lines in (("hello", GREETINGS), ("thanks", THANKS), ("help", HELP_QUESTIONS)):
        if chat in lines:
            return Command("help", language=language, small_talk=talk)
    tokens = _tokenize(head.strip(), language)
    kind, tokens = _intent(tokens)
    if kind == "help":
        return Command("help", language=language)
    tokens = [t for t in tokens if not (t.kind == "word" and t.key in FILLERS)]
    if kind == "search":
        return Command("search", criteria=_search(tokens), language=language)
    if kind == "create":
        return Command("create", properties=_create(tokens), language=language)
    target, properties = _update(tokens)
    return Command("update", target=target, properties=properties, language=language)


# -- reading the line --------------------------------------------------------------------------


def _tokenize(text: str, language: str) -> list[_Tok]:
    spans: list[tuple[int, int, str, str]] = []
    for m in _ID.finditer(text):
        spans.append((m.start(), m.end(), "id", m.group(1) or m.group(2)))
    for m in _EMAIL.finditer(text):
        if not _overlaps(spans, m.start(), m.end()) and _is_email(m.group()):
            spans.append((m.start(), m.end(), "email", m.group()))
    masked = _mask(text, spans)
    regions = ("KR", "US") if language == "ko" else ("US", "KR")
    for region in regions:
        for found in phonenumbers.PhoneNumberMatcher(
            masked, region, leniency=phonenumbers.Leniency.POSSIBLE
        ):
            if not _overlaps(spans, found.start, found.end):
                spans.append((found.start, found.end, "phone", found.raw_string))
        masked = _mask(text, spans)
    tokens: list[_Tok] = []
    position = 0
    for start, end, kind, value in sorted(spans):
        tokens += _words(text[position:start])
        tokens.append(_Tok(kind, value, value.lower()))
        position = end
    return tokens + _words(text[position:])


def _words(chunk: str) -> list[_Tok]:
    out: list[_Tok] = []
    for raw in chunk.split():
        word = _POSSESSIVE.sub("", raw.strip(_EDGE_PUNCT))  # "Mary Jackson's title"
        stem, particle = split_particle(word)
        if not word or (not stem and particle != "이"):
            if raw.endswith((",", ";")) and out:
                out[-1].ends_group = True
            continue  # a particle left over from "010-9876-5432로" or typed on its own
        out.append(_Tok("word", word, (stem or word).lower(), raw.rstrip().endswith((",", ";"))))
    return out


def _is_email(candidate: str) -> bool:
    try:
        validate_email(candidate, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def _overlaps(spans: list[tuple[int, int, str, str]], start: int, end: int) -> bool:
    return any(start < s_end and s_start < end for s_start, s_end, _, _ in spans)


def _mask(text: str, spans: list[tuple[int, int, str, str]]) -> str:
    chars = list(text)
    for start, end, _, _ in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _intent(tokens: list[_Tok]) -> tuple[str, list[_Tok]]:
    """The kind of command and the tokens left once the verb is removed."""
    if not tokens or any(t.key in HELP_WORDS for t in tokens[:3]):
        return "help", tokens
    start = 0
    while start < len(tokens) and tokens[start].key in POLITE:
        start += 1
    keys = [t.key for t in tokens]
    for phrase, kind in EN_VERBS:
        if tuple(keys[start : start + len(phrase)]) == phrase:
            return kind, tokens[start + len(phrase) :]
    if start < len(tokens) and tokens[start].kind == "word" and len(keys[start]) >= 4:
        typo = difflib.get_close_matches(keys[start], TYPO_VERBS, n=1, cutoff=0.8)
        if typo:  # "updat jane@acme.com title CEO"
            return dict(EN_VERBS)[(typo[0],)], tokens[start + 1 :]
    for i in range(len(tokens) - 1, -1, -1):
        verb = KO_VERB.match(tokens[i].text) if tokens[i].kind == "word" else None
        if verb:
            return KO_VERB_KINDS[verb.group("stem")], tokens[:i] + tokens[i + 1 :]
    words = [t for t in tokens if t.kind == "word" and t.key not in FILLERS]
    if not words and any(t.kind in ("email", "phone") for t in tokens):
        return "search", tokens  # a bare email or number: look it up
    if len(words) == 1 and _DOMAIN.match(words[0].text):
        return "search", tokens  # "@initech.com": everyone at that domain
    if (
        len(words) == len(tokens)
        and words
        and _looks_like_name([w.text for w in words])
        and (len(words) > 1 or _HANGUL.search(words[0].text))
    ):
        return "search", tokens  # a bare name ("조수아", "Mary Jackson"): look them up
    return "help", tokens


def _field_at(
    tokens: list[_Tok], i: int, table: list[tuple[tuple[str, ...], str]] = FIELDS
) -> tuple[str, int] | None:
    """(property, number of tokens) when a field keyword starts at `i`."""
    for phrase, prop in table:
        keys = tuple(t.key if t.kind == "word" else "" for t in tokens[i : i + len(phrase)])
        if keys == phrase:
            return prop, len(phrase)
    return None


def _skip_connectors(tokens: list[_Tok], i: int) -> int:
    """The index of the first token at or after `i` that is not a connector (`to`, `is`, `=`,
    ...): where a field keyword's value starts."""
    while i < len(tokens) and tokens[i].key in CONNECTORS:
        i += 1
    return i


def _value(tokens: list[_Tok]) -> str:
    """Raw value from its tokens, without Korean particles (`Globex로` -> `Globex`) and without
    a dangling `and` (`title Head of CS and city Seoul`)."""
    while tokens and tokens[-1].kind == "word" and tokens[-1].key in ("and", "&", "그리고"):
        tokens = tokens[:-1]
    parts = [t.text for t in tokens]
    if parts and tokens[-1].kind == "word":
        stem, particle = split_particle(parts[-1], value=True)
        if stem and particle:
            parts[-1] = stem
    return " ".join(parts)


# -- the three kinds ---------------------------------------------------------------------------


def _search(tokens: list[_Tok]) -> SearchCriteria:
    found: dict[str, str] = {}
    filters: list[dict[str, str]] = []
    loose: list[_Tok] = []

    def put(prop: str, value: str) -> None:
        if not value:
            return
        slot = SEARCH_FIELD.get(prop)
        if slot and not found.get(slot):
            found[slot] = value
        elif not slot:
            filters.append({"propertyName": prop, "operator": "EQ", "value": value})

    i = 0
    while i < len(tokens):
        tok, hit = tokens[i], _field_at(tokens, i, SEARCH_FIELDS)
        if hit:
            prop, width = hit
            j = _skip_connectors(tokens, i + width)
            end = j
            while end < len(tokens) and not _field_at(tokens, end, SEARCH_FIELDS):
                end += 1
            if end > j:
                put(prop, _value(tokens[j:end]))
            elif loose:  # Korean puts the keyword after its value: "Acme 회사"
                put(prop, _value(loose))
                loose = []
            i = end
            continue
        if tok.kind == "email":
            put("email", tok.text)
        elif tok.kind == "phone":
            put("phone", tok.text)
        elif tok.kind == "id":
            put("hs_object_id", tok.text)
        elif _DOMAIN.match(tok.text):
            put("email", tok.text)
        elif tok.text.endswith("에서") and len(tok.text) > 2:
            put("company", tok.text[:-2])  # "Acme에서 일하는 사람"
        else:
            loose.append(tok)
        i += 1
    words = [_name_word(t.text) for t in loose]
    if words and not found.get("name") and _looks_like_name(words):
        found["name"] = " ".join(words)  # the search tries the readings of an unspaced name
    elif words:
        found["text"] = " ".join([found.get("text", ""), *words]).strip()
    return SearchCriteria(**found, filters=tuple(filters))


def _create(tokens: list[_Tok]) -> dict[str, str]:
    props: dict[str, str] = {}
    groups: list[list[_Tok]] = [[]]
    i = 0
    while i < len(tokens):
        tok, hit = tokens[i], _field_at(tokens, i)
        if hit:
            prop, width = hit
            j = _skip_connectors(tokens, i + width)
            end = j
            while end < len(tokens) and tokens[end].kind == "word" and not _field_at(tokens, end):
                end += 1
            if prop in ("email", "mobilephone", "phone") and end == j and j < len(tokens):
                end = j + 1  # "phone +1 415 555 0100": the number token itself
            if end > j:
                _set(props, prop, _value(tokens[j:end]))
            groups.append([])
            i = end
            continue
        if tok.kind == "word":
            groups[-1].append(tok)
            if tok.ends_group:
                groups.append([])
        else:
            named = {"email": "email", "phone": "phone"}.get(tok.kind)
            if named and named not in props:
                props[named] = tok.text
            groups.append([])
        i += 1
    words = [g for g in groups if g]
    if "jobtitle" not in props:  # "한빛소프트 과장", "김민수 과장": a Korean job title
        for group in words:
            title = next((t for t in group if t.key in KO_TITLES), None)
            if title is not None and (len(group) > 1 or group is not words[0]):
                props["jobtitle"] = _value([title])
                group.remove(title)
                break
        words = [g for g in words if g]
    if words and "firstname" not in props and "lastname" not in props:
        props.update(_split_name([_name_word(t.text) for t in words.pop(0)]))
    if (
        len(words) > 1
        and "jobtitle" not in props
        and words[-2][-1].ends_group
        and words[-1][0].key.rstrip(".") not in _COMPANY_SUFFIXES
    ):
        props["jobtitle"] = _value(words.pop())  # "Jane Roe, jane@acme.com, Acme, CTO"
    if words and "company" not in props:
        props["company"] = " ".join(_value(g) for g in words)
    return props


def _update(tokens: list[_Tok]) -> tuple[str, dict[str, str]]:
    props: dict[str, str] = {}
    target: list[_Tok] = []
    before: list[_Tok] = []
    i = 0
    while i < len(tokens):
        tok, hit = tokens[i], _field_at(tokens, i)
        if not hit:
            if tok.kind == "phone" and before:
                props.setdefault("phone", tok.text)
            else:
                before.append(tok)
            i += 1
            continue
        prop, width = hit
        j = i + width
        if j < len(tokens) and tokens[j].key in ("of", "for") and not target:
            end = j + 1  # "set title of jane@acme.com to VP Sales"
            while (
                end < len(tokens)
                and tokens[end].key not in CONNECTORS
                and not _field_at(tokens, end)
            ):
                end += 1
            target, j = tokens[j + 1 : end], end
        j = _skip_connectors(tokens, j)
        end = j
        while end < len(tokens) and not (end > j and _field_at(tokens, end)):
            if (
                tokens[end].key in ("for", "of")
                and end + 1 < len(tokens)
                and tokens[end + 1].kind in ("email", "id")
            ):
                target = target or [tokens[end + 1]]  # "company to Globex for jane@acme.com"
                break
            end += 1
            if _ends_with_to(tokens[end - 1]):
                break  # Korean "Globex로" closes the value; what follows names the contact
        if end > j:
            _set(props, prop, _value(tokens[j:end]))
        i = end + (2 if end < len(tokens) and tokens[end].key in ("for", "of") else 0)
    target = target or before
    keyed = [t for t in target if t.kind in ("email", "id")]
    if keyed:
        return keyed[0].text, props
    return " ".join(_name_word(t.text) for t in target if t.key not in CONNECTORS), props


def _ends_with_to(tok: _Tok) -> bool:
    return tok.kind == "word" and split_particle(tok.text, value=True)[1] in ("로", "으로")


# -- names -------------------------------------------------------------------------------------


def _set(props: dict[str, str], prop: str, value: str) -> None:
    if prop == "name":
        props.update(_split_name(value.split()))
    elif value:
        props[prop] = value


def _name_word(word: str) -> str:
    """`김민수를` -> `김민수`; only for words long enough that the ending is not the name's own
    last syllable (김지은 keeps its 은)."""
    stem, particle = split_particle(word)
    return stem if particle and _HANGUL_NAME.match(stem or "") and len(stem) >= 3 else word


def _looks_like_name(words: list[str]) -> bool:
    if len(words) == 1:
        return bool(_HANGUL_NAME.match(words[0]))
    if all(_HANGUL.search(w) for w in words):
        return len(words) == 2 and all(1 <= len(w) <= 3 for w in words)
    return 2 <= len(words) <= 3 and all(
        w[:1].isupper() and w.replace("-", "").isalpha() for w in words
    )


def _split_name(words: list[str]) -> dict[str, str]:
    """Korean names: family name first (김민수 -> 김 + 민수); others: given name first."""
    if not words:
        return {}
    if len(words) == 1 and _HANGUL_NAME.match(words[0]):
        name = words[0]
        cut = 2 if len(name) == 4 and name[:2] in TWO_SYLLABLE_SURNAMES else 1
        return {"lastname": name[:cut], "firstname": name[cut:]}
    if len(words) == 2 and all(
        _HANGUL_NAME.match(w) or len(w) == 1 and _HANGUL.match(w) for w in words
    ):
        return {"lastname": words[0], "firstname": words[1]}
    if len(words) == 1:
        return {"firstname": words[0]}
    return {"firstname": words[0], "lastname": " ".join(words[1:])}
