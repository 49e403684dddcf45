"""The parser first: which typed lines the typed parser reads with certainty, in model mode too.

Why: a model call costs seconds (a local model, 2-30 s a turn) and a small model misreads what
the parser reads exactly ("김민준 찾아 줘", "yes"). So a line the parser reads with certainty runs
without the model; the model gets what the parser cannot read. Certain means:

    yes / no, history      always (with nothing waiting the bot says so, not the model)
    help, hello, thanks    always; a job this bot does not do (delete, send an email...) too:
                           the bot's own answer says what it does instead
    a find                 by an email or a phone alone; by a name or a company when every
                           word of the line is accounted for ("can you look up Priya
                           Natarajan", "show me our contacts at Globex")
    a create               the parser's own `certain` (an email, a clear name, no doubt) and
                           every word accounted for ("Product Lead at Brightwave" is not: the
                           parser would keep "Product" and drop "Lead"), no value that reads
                           as part of a sentence (a company "she works with Jane Doe")
    an update              values and a contact (or the focus), every word accounted for
                           ("jane@acme.com has moved to Denver, please update her city" is
                           not: "moved" and "city" are not in what the parser read)

A word is accounted for when it is in a value the parser read, a label of a field it read, or a
filler word ("please", "change", "줘"); a Korean word with its particle ("직함을", "부산으로")
counts as the word. Anything else goes to the model, which sees the whole line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from typed import Command
from typed.references import reference

_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
_SPLIT = re.compile(r"[\s,;:!?()\"“”]+")
_FILLERS = frozenset(
    """a an the for please pls can could would you i me my we our to is are was be of and with
    at now new contact contacts add create make change set update edit modify find search look
    up show who whose whom what is it his her him their them its named called as also ok just
    details info information number person people everyone anyone work works working
    새 새로 연락처 추가 추가해 추가해줘 만들어 만들어줘 등록 등록해 줘 주세요 해 해줘 바꿔 바꿔줘
    변경 변경해 수정 수정해 찾아 찾아줘 검색 검색해 보여 알려 누구 누구야 좀 그분 이분 그 정보
    담당자 직원 사람 사람들 분들
    """.split()
)
_LABELS = {
    "email": ("email", "e-mail", "mail", "address", "이메일", "메일", "주소"),
    "phone": ("phone", "tel", "telephone", "number", "전화", "전화번호", "번호", "연락처"),
    "mobilephone": ("mobile", "cell", "phone", "number", "휴대폰", "휴대전화", "핸드폰", "번호"),
    "firstname": ("name", "first", "이름"),
    "lastname": ("name", "last", "surname", "이름", "성"),
    "company": ("company", "organization", "employer", "회사", "소속"),
    "jobtitle": ("job", "title", "position", "role", "직함", "직책", "직급", "직위"),
    "city": ("city", "도시"),
    "website": ("website", "site", "웹사이트", "홈페이지"),
    "lifecyclestage": ("stage", "lifecycle", "단계"),
}
# Words of a sentence, not of a name, a company or a title: a value holding one was cut from a
# sentence ("she works with Jane Doe" read as a company).
_SENTENCE = frozenset(
    "she he they we i you her his him their them it is are was were works work working with "
    "who which that please".split()
)
# Korean particles and endings a word may carry ("직함을", "부산으로", "박지호요"), longest first.
_PARTICLES = tuple(
    sorted(
        "을 를 은 는 이 가 으로 로 에 의 요 이요 이에요 예요 입니다 과 와 도 님 씨".split(),
        key=len,
        reverse=True,
    )
)


def _compact(text: str) -> str:
    return _NOT_WORD.sub("", text.casefold())


def _words(message: str) -> list[str]:
    out = []
    for word in _SPLIT.split(message.casefold()):
        word = word.strip(".'’").removesuffix("'s").removesuffix("’s")
        if word:
            out.append(word)
    return out


def accounted(message: str, values: Iterable[str], fields: Iterable[str] = ()) -> bool:
    """Is every word of `message` a filler, a label of one of `fields`, or part of `values`?"""
    known = set(_FILLERS)
    for name in fields:
        known.update(_LABELS.get(name, ()))
    said = "|".join(_compact(v) for v in values if v)
    digits = re.sub(r"\D", "", " ".join(values))

    def fits(word: str) -> bool:
        if word in known:
            return True
        compact = _compact(word)
        if not compact:
            return True
        if compact.lstrip("+").isdigit():
            return compact in digits
        return compact in said

    for word in _words(message):
        if fits(word):
            continue
        stems = [word[: -len(p)] for p in _PARTICLES if word.endswith(p) and len(word) > len(p)]
        if not any(fits(stem) for stem in stems):
            return False
    return True


def _names(properties: dict[str, str]) -> list[str]:
    """A Korean name as typed, family name first and unspaced ("정다은")."""
    first, last = properties.get("firstname", ""), properties.get("lastname", "")
    return [last + first, f"{first} {last}"] if first or last else []


def clean_value(value: str) -> bool:
    """A value as a person would type it alone: no sentence word in it, no filler at its ends
    ("Procurement Lead now" was cut from a sentence; "Head of Marketing" was not)."""
    words = _words(value)
    if _SENTENCE & set(words):
        return False
    return not words or (words[0] not in _FILLERS and words[-1] not in _FILLERS)


def _names_one(target: str) -> bool:
    """An update's target that names a contact: an email, a record id, "her" / the focus, or
    a name of at most three words, each capitalized when written in Latin letters
    ("Robert Stone", "이서연"; not "Omar got promoted")."""
    target = target.strip()
    if "@" in target or target.isdigit() or reference(target) is not None:
        return True
    words = target.split()
    return (
        0 < len(words) <= 3
        and all(w[:1].isupper() or not w[:1].isascii() for w in words if w[:1].isalpha())
        and clean_value(target)
    )


def parser_reads(command: Command, message: str) -> bool:
    """Does the parser read `message` (parsed as `command`) with certainty?"""
    kind = command.kind
    if kind in ("yes", "no", "history", "help", "hello", "thanks"):
        return True
    if kind == "unsupported":
        return command.topic != "off_topic"  # a question off the subject: the model answers
    if kind == "search":
        criteria = command.criteria
        if criteria is None or command.mine or criteria.filters or criteria.text:
            return False
        given = [v for v in (criteria.email, criteria.phone, criteria.name, criteria.company) if v]
        if len(given) != 1:
            return False
        if criteria.email or criteria.phone:
            return True
        return accounted(message, given)
    values = [*command.properties.values(), *_names(command.properties)]
    if not all(clean_value(v) for v in command.properties.values()):
        return False
    if kind == "create":
        return (
            command.certain
            and not command.doubts
            and accounted(message, values, command.properties)
        )
    if kind == "update":
        return (
            bool(command.properties)
            and _names_one(command.target)
            and accounted(message, [*values, command.target], command.properties)
        )
    return False
