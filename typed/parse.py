"""Reading a typed line: small talk and answers first, then the intent, then its slots.

One pass reads the slots for every intent (`_read`): a field word claims the value after it
(or, in Korean, the word before it: `Acme 회사`); emails, phone numbers and ids fill their
own fields; the words left over are grouped by commas and read per intent (a name, a company,
a Korean job title). Values are cut out of the line as typed (`typed.tokens`).
"""

from __future__ import annotations

import difflib
import re

from contacts.korean import has_hangul, is_hangul
from contacts.korean_names import is_common_given_name
from typed.command import Command, Kind
from typed.create import read_create
from typed.duplicates import read_duplicates
from typed.korean import is_common_name, verb
from typed.questions import question
from typed.search import read_search
from typed.slots import (
    FIELDS,
    UPDATE_FIELDS,
    Reading,
    looks_like_name,
    meaningful,
    name_word,
    phrase_at,
    put_value,
    read,
    table,
    value_of,
)
from typed.tokens import Tok, tokenize
from typed.words import (
    ANSWER_EXTRAS,
    ANSWERS,
    CONNECTORS,
    EMAIL_NOUNS,
    FILLER_PHRASES,
    FILLERS,
    HELP_WORDS,
    HISTORY_EN,
    HISTORY_KO,
    HISTORY_KO_ENDINGS,
    INTENTS,
    KO_NEW_CONTACT,
    MINE,
    NOT_ONE_NAME,
    OWNED,
    POLITE,
    SMALL_TALK,
    TYPO_VERBS,
    UNSUPPORTED,
)

# Longer lines are not commands (and a 1 MB paste must cost nothing).
MAX_COMMAND_CHARS = 500

OPENERS = table(
    {name: i.en for name, i in INTENTS.items() if name != "moved"}
    | {name: i.en for name, i in UNSUPPORTED.items()}
)
_ANYWHERE = [(name, i.anywhere) for name, i in (INTENTS | UNSUPPORTED).items() if i.anywhere]
_NOUNS = [(name, frozenset(i.nouns)) for name, i in UNSUPPORTED.items() if i.nouns]
# A bare word that is a name ("Taylor", "O'Neil"): a search, as a bare email or number is.
_ONE_NAME = re.compile(r"^[A-Z][a-z]*(?:['’-][A-Za-z]+)*$")
_NOT_ONE = NOT_ONE_NAME | FILLERS | POLITE | CONNECTORS


def _alternatives(phrases: tuple[str, ...]) -> str:
    """A regex alternation of `phrases`, longest first, a space matching any spacing."""
    ordered = sorted(phrases, key=len, reverse=True)
    return "|".join(r"\s*".join(map(re.escape, p.split())) for p in ordered)


_HISTORY_EN = re.compile(
    rf"^(?:show\s+(?:me\s+)?)?(?:the\s+)?(?:{_alternatives(HISTORY_EN)})"
    rf"(?:\s+(?:of|for))?(?:\s+(?P<target>.+?))?$",
    re.IGNORECASE,
)
_KO_ASK = rf"(?:{_alternatives(HISTORY_KO)})(?:\s*(?:{_alternatives(HISTORY_KO_ENDINGS)}))?"
_HISTORY_KO = (  # the contact after the words, or before them ("jane@acme.com의 변경 이력")
    re.compile(rf"^{_KO_ASK}(?:\s+(?P<target>.+?))?$"),
    re.compile(rf"^(?P<target>.+?)\s*(?:의\s*)?{_KO_ASK}$"),
)


def parse_command(text: str) -> Command:
    """Parse e.g. `find jane@acme.com`, `김민수 찾아줘`, `add Jane Doe jane@acme.com Acme`,
    `jane@acme.com 전화번호 010-9876-5432로 변경`, `yes`, `취소`, `delete Tom`."""
    line = (text or "")[: MAX_COMMAND_CHARS + 1]
    language = "ko" if has_hangul(line) else "en"
    if not line.strip():
        return Command("help", language=language)
    if len(line) > MAX_COMMAND_CHARS:
        return Command("unknown", language=language)
    if line.strip() in HELP_WORDS:
        return Command("help", language=language)  # "?"
    chat = " ".join(line.lower().split()).strip(" !.~?,^")
    for talk, lines in SMALL_TALK.items():
        if chat in lines:
            return Command(talk, language=language)  # type: ignore[arg-type]
    answer = _answer(chat)
    if answer:
        return Command(answer, language=language)
    dupes = read_duplicates(line)
    if dupes is not None:  # "find duplicates at Acme": not a search for "duplicates"
        return Command("duplicates", target=dupes[0], mine=dupes[1], language=language)
    history = _history(line)
    if history is not None:
        return Command("history", target=history, language=language)
    tokens = _without_filler_phrases(tokenize(line, language))
    if not tokens:
        return Command("unknown", language=language)
    asked = question(line, tokens)
    if asked == "off_topic":  # "what's the weather in Seoul?": not a search for Seoul
        return Command("unsupported", language=language, topic="off_topic")
    if asked == "help" or any(t.kind == "word" and t.key in HELP_WORDS for t in tokens[:3]):
        topic = _asked_for(tokens) if asked else ""  # "how do I delete a contact?"
        if topic:
            return Command("unsupported", language=language, topic=topic)
        return Command("help", language=language)
    intent, rest = _intent(tokens)
    topic = _unsupported(tokens, intent)
    if topic:
        return Command("unsupported", language=language, topic=topic)
    owned = _owned(rest) if intent in ("search", "") else None
    if owned is not None:  # "my contacts at Acme", "내 연락처 보여줘"
        return Command("search", criteria=read_search(line, owned), language=language, mine=True)
    if intent == "search":
        return Command("search", criteria=read_search(line, rest), language=language)
    if intent == "create":
        properties, doubts = read_create(line, rest)
        certain = "email" in properties and not doubts
        return Command(
            "create", properties=properties, language=language, certain=certain, doubts=doubts
        )
    if intent in ("update", "moved"):
        reading = read(line, rest, UPDATE_FIELDS, "update")
        target, properties = _update(line, reading, moved=intent == "moved")
        return Command("update", target=target, properties=properties, language=language)
    return _without_verb(line, tokens, language)


# -- the whole line ----------------------------------------------------------------------------


def _history(line: str) -> str | None:
    """ "history jane@acme.com", "change history of 42", "jane@acme.com 변경 이력 보여줘":
    the contact asked about ("" when none is named), or None when the line asks no history."""
    text = " ".join(line.split()).strip(" ?!.~")
    match = _HISTORY_EN.match(text)
    if match:
        return (match.group("target") or "").strip(" ?!.~,")
    for pattern in _HISTORY_KO:
        match = pattern.match(text)
        if match:
            return (match.group("target") or "").strip(" ?!.~,")
    return None


def _answer(chat: str) -> Kind | None:
    """ "yes", "네 저장해 주세요", "nope, never mind", "취소할게요": an answer to the card."""
    words = [w for w in re.split(r"[\s,.!?~]+", chat) if w]
    if not words:
        return None
    for kind in ("yes", "no"):
        phrases = ANSWERS[kind]
        if chat in phrases:
            return kind
        first = next((n for n in (3, 2, 1) if " ".join(words[:n]) in phrases), 0)
        if not first and _answer_word(words[0], phrases):
            first = 1
        if first and all(
            w in ANSWER_EXTRAS or w in phrases or _answer_word(w, phrases) for w in words[first:]
        ):
            return kind
    return None


def _answer_word(word: str, phrases: tuple[str, ...]) -> bool:
    """`취소할게요`, `확인해줘`: a Korean answer word with a verb ending."""
    return is_hangul(word) and any(
        len(p) >= 2 and is_hangul(p) and word.startswith(p) and len(word) - len(p) <= 4
        for p in phrases
    )


def _value_words(tokens: list[Tok]) -> set[int]:
    """Where a field's value stands ("company [to] Over Easy", "company HubSpot"): a filler
    phrase there is the value, not filler."""
    inside: set[int] = set()
    for i in range(len(tokens)):
        hit = phrase_at(tokens, i, UPDATE_FIELDS) if tokens[i].kind == "word" else None
        if hit is None:
            continue
        j = i + hit[1]
        while j < len(tokens) and tokens[j].kind == "word" and tokens[j].key in CONNECTORS:
            j += 1
        while j < len(tokens) and tokens[j].kind == "word":
            inside.add(j)
            if tokens[j].sep:
                break
            j += 1
    return inside


def _without_filler_phrases(tokens: list[Tok]) -> list[Tok]:
    out: list[Tok] = []
    values = _value_words(tokens)
    i = 0
    while i < len(tokens):
        for phrase in () if i in values else FILLER_PHRASES:
            keys = tuple(t.key for t in tokens[i : i + len(phrase)] if t.kind == "word")
            if keys == phrase:
                if out and tokens[i + len(phrase) - 1].sep:
                    out[-1].sep = True
                i += len(phrase)
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


# -- the intent --------------------------------------------------------------------------------


def _intent(tokens: list[Tok]) -> tuple[str, list[Tok]]:
    """The intent's name and the tokens left once its verb is removed ("" when no verb)."""
    start = 0
    while start < len(tokens) - 1 and tokens[start].kind == "word" and tokens[start].key in POLITE:
        start += 1
    hit = phrase_at(tokens, start, OPENERS)
    if hit and hit[0] == "create" and tokens[start].key == "new":
        if phrase_at(tokens, start + 1, FIELDS):
            hit = None  # "new email for Carlos is ...": an update without a verb
    if hit:
        return hit[0], tokens[start + hit[1] :]
    first = tokens[start]
    if first.kind == "word" and len(first.key) >= 4 and first.key.isascii():
        typo = difflib.get_close_matches(first.key, TYPO_VERBS, n=1, cutoff=0.8)
        if typo:  # "updat jane@acme.com title CEO"
            found = phrase_at([Tok("word", 0, 0, typo[0], typo[0], typo[0], typo[0])], 0, OPENERS)
            if found:
                return found[0], tokens[start + 1 :]
    verbs = [i for i in range(len(tokens) - 1, -1, -1) if tokens[i].kind == "word"]
    verbs = [i for i in verbs if verb(tokens[i].text) and not is_common_name(tokens[i].text)]
    # "추가해줘 지우 jiwoo@x.kr": 지우 stands where a name does, 추가 is the verb
    i = next((i for i in verbs if not _name_slot(tokens, i)), verbs[0] if verbs else -1)
    if i >= 0:
        return verb(tokens[i].text) or "", tokens[:i] + tokens[i + 1 :]
    keys = [t.key if t.kind == "word" else "" for t in tokens]
    if any(tuple(keys[i : i + len(p)]) == p for p in KO_NEW_CONTACT for i in range(len(keys))):
        return "create", tokens  # "새 연락처 홍길동 hong@example.com": no verb, still a create
    for i, tok in enumerate(tokens):
        for name, words in _ANYWHERE:
            if tok.kind == "word" and tok.key in words:
                return name, tokens[:i] + tokens[i + 1 :]
    return "", tokens


def _name_slot(tokens: list[Tok], i: int) -> bool:
    """Where a Korean given name may stand: next to an email or a phone number ("지우
    jiwoo@x.kr"). Its syllables are a verb only when no other word is."""
    tok = tokens[i]
    beside = tokens[max(i - 1, 0) : i] + tokens[i + 1 : i + 2]
    return is_common_given_name(tok.stem) and any(t.kind in ("email", "phone") for t in beside)


def _unsupported(tokens: list[Tok], intent: str) -> str:
    """The job asked for when this bot does not do it ("" when it does)."""
    keys = {t.key for t in tokens if t.kind == "word"}
    if intent == "email":
        return "email" if keys & EMAIL_NOUNS or tokens[0].key == "write" else ""
    if intent in UNSUPPORTED:
        return intent
    for name, nouns in _NOUNS + [(n, frozenset(w)) for n, w in _ANYWHERE if n in UNSUPPORTED]:
        if keys & nouns:
            return name
    return ""


def _asked_for(tokens: list[Tok]) -> str:
    """The job this bot does not do that a how-to question names, wherever it stands."""
    for i, tok in enumerate(tokens):
        hit = phrase_at(tokens, i, OPENERS) if tok.kind == "word" else None
        name = hit[0] if hit else verb(tok.text) if tok.kind == "word" else None
        topic = _unsupported(tokens, name) if name in UNSUPPORTED else ""
        if topic:
            return topic
    return _unsupported(tokens, "")


def _owned(tokens: list[Tok]) -> list[Tok] | None:
    """The tokens without "my contacts" / "내 연락처" when the line asks for the user's own
    contacts; None when it does not."""
    for i in range(len(tokens) - 1):
        mine, noun = tokens[i], tokens[i + 1]
        if mine.kind == noun.kind == "word" and mine.key in MINE:
            if noun.key in OWNED or noun.key.startswith("담당"):
                return tokens[:i] + tokens[i + 2 :]
    return None


# -- the three jobs ----------------------------------------------------------------------------


def _update(line: str, r: Reading, *, moved: bool = False) -> tuple[str, dict[str, str]]:
    props: dict[str, str] = {}
    for prop, toks in r.values:
        if prop not in props:
            put_value(props, prop, value_of(line, toks))
    if moved and "company" not in props:  # "강하늘 네이버로 이직했어요"
        for group in r.groups:
            to = next((t for t in group if t.particle in ("로", "으로")), None)
            if to is not None:
                props["company"] = value_of(line, [to])
                group.remove(to)
                break
    phones = [t for t in r.entities if t.kind == "phone"]
    if phones and not {"phone", "mobilephone"} & props.keys():
        props["phone"] = phones[0].text  # "정민호 010-4444-5555로 바꿔줘"
    keyed = [t for t in r.target + r.entities if t.kind in ("email", "id")]
    if keyed:
        return keyed[0].text, props
    before = r.groups[: r.first_field + 1] if r.first_field >= 0 else r.groups
    target = r.target or [t for g in before for t in g]
    if not meaningful(target):  # "국가 대한민국으로 김민수 수정": the contact comes after
        target = [t for g in r.groups for t in g]
    names = [name_word(t) for t in meaningful(target) if t.kind == "word"]
    return " ".join(names), props


def _without_verb(line: str, tokens: list[Tok], language: str) -> Command:
    """A line with no verb: an update when it says what is new ("Tom's phone is ...",
    "Ben now works at Initech"), a lookup when it is only an email, a number or a name."""
    reading = read(line, tokens, UPDATE_FIELDS, "update")
    target, properties = _update(line, reading)
    if properties and target and reading.marked:
        return Command("update", target=target, properties=properties, language=language)
    words = [t for t in tokens if t.kind == "word" and t.key not in FILLERS]
    if not words and any(t.kind in ("email", "phone", "domain", "id") for t in tokens):
        return Command("search", criteria=read_search(line, tokens), language=language)
    plain = all(t.kind == "word" for t in tokens)  # "김민수 연락처", "Jane Doe contact"
    if words and plain and looks_like_name([name_word(t) for t in words]):
        if len(words) > 1 or has_hangul(words[0].text):
            return Command("search", criteria=read_search(line, tokens), language=language)
    if len(tokens) == 1 and _ONE_NAME.match(tokens[0].bare) and tokens[0].key not in _NOT_ONE:
        return Command("search", criteria=read_search(line, tokens), language=language)  # "Taylor"
    return Command("unknown", language=language)
