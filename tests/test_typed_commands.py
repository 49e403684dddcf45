"""Typed commands in guided mode (no model): what each line a person types turns into."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.command_words import EN_VERBS, KO_VERB_KINDS
from agent.commands import MAX_COMMAND_CHARS, parse_command
from contacts.model import SearchCriteria


@dataclass(frozen=True)
class Case:
    text: str
    kind: str
    criteria: dict[str, str] = field(default_factory=dict)  # search: the non-empty fields
    properties: dict[str, str] = field(default_factory=dict)
    target: str = ""
    language: str = "en"
    filters: tuple[dict[str, str], ...] = ()


def S(
    line: str, lang: str = "en", /, filters: tuple[dict[str, str], ...] = (), **criteria: str
) -> Case:
    return Case(line, "search", criteria=criteria, language=lang, filters=filters)


def C(text: str, lang: str = "en", **properties: str) -> Case:
    return Case(text, "create", properties=properties, language=lang)


def U(text: str, target: str, lang: str = "en", **properties: str) -> Case:
    return Case(text, "update", properties=properties, target=target, language=lang)


def H(text: str, lang: str = "en") -> Case:
    return Case(text, "help", language=lang)


CASES = [
    # search, English
    S("find jane@acme.com", email="jane@acme.com"),
    S("Find Jane@Acme.com.", email="Jane@Acme.com"),
    S("search Kim", text="Kim"),
    S("look up Acme", text="Acme"),
    S("search company Acme", company="Acme"),
    S("show contacts at Acme", company="Acme"),
    S("find phone 010-1234-5678", phone="010-1234-5678"),
    S("search for Jane Doe", name="Jane Doe"),
    S("please find Kim at Globex", text="Kim", company="Globex"),
    S("who is +1 415 555 0100", phone="+1 415 555 0100"),
    S("jane@acme.com", email="jane@acme.com"),
    S(
        "find contacts in Seoul",
        filters=({"propertyName": "city", "operator": "EQ", "value": "Seoul"},),
    ),
    S(
        "search title CTO company Acme",
        company="Acme",
        filters=({"propertyName": "jobtitle", "operator": "EQ", "value": "CTO"},),
    ),
    S(
        "find",
    ),
    # search, Korean
    S("김민수 찾아줘", "ko", name="김민수"),
    S("김민수 검색", "ko", name="김민수"),
    S("jane@acme.com 찾기", "ko", email="jane@acme.com"),
    S("Acme 회사 연락처 검색", "ko", company="Acme"),
    S("회사 Acme 연락처 찾아 줘", "ko", company="Acme"),
    S("김지은 찾아줘", "ko", name="김지은"),
    S("김민수를 찾아주세요", "ko", name="김민수"),
    S("남궁민수 조회", "ko", name="남궁민수"),
    S("010-1234-5678 조회", "ko", phone="010-1234-5678"),
    S("Acme에서 일하는 사람 찾아줘", "ko", company="Acme"),
    S("이메일 minsu@example.kr 검색해줘", "ko", email="minsu@example.kr"),
    # create, English
    C(
        "add Jane Doe jane@acme.com +82 10-1234-5678 Acme",
        firstname="Jane",
        lastname="Doe",
        email="jane@acme.com",
        phone="+82 10-1234-5678",
        company="Acme",
    ),
    C(
        "create contact John Smith john@x.com",
        firstname="John",
        lastname="Smith",
        email="john@x.com",
    ),
    C(
        "new contact Jane Doe jane@acme.com title CTO company Acme",
        firstname="Jane",
        lastname="Doe",
        email="jane@acme.com",
        jobtitle="CTO",
        company="Acme",
    ),
    C(
        "new contact Mary Ann Smith mary@x.com phone +1 415 555 0100",
        firstname="Mary",
        lastname="Ann Smith",
        email="mary@x.com",
        phone="+1 415 555 0100",
    ),
    C(
        "add jane@acme.com Jane Doe Acme Corp",
        email="jane@acme.com",
        firstname="Jane",
        lastname="Doe Acme Corp",
    ),
    C(
        "add Jane Doe jane@acme.com Acme Corp",
        firstname="Jane",
        lastname="Doe",
        email="jane@acme.com",
        company="Acme Corp",
    ),
    C("create contact"),
    # create, Korean
    C(
        "연락처 추가 홍길동 hong@example.com 010-1111-2222",
        "ko",
        lastname="홍",
        firstname="길동",
        email="hong@example.com",
        phone="010-1111-2222",
    ),
    C(
        "홍길동 hong@example.com 등록해줘",
        "ko",
        lastname="홍",
        firstname="길동",
        email="hong@example.com",
    ),
    C(
        "새 연락처 김민수 minsu@example.kr 한빛 만들어줘",
        "ko",
        lastname="김",
        firstname="민수",
        email="minsu@example.kr",
        company="한빛",
    ),
    C(
        "남궁민수 namgung@example.kr 추가",
        "ko",
        lastname="남궁",
        firstname="민수",
        email="namgung@example.kr",
    ),
    C(
        "연락처 추가 박 지성 park@example.kr 직함 팀장",
        "ko",
        lastname="박",
        firstname="지성",
        email="park@example.kr",
        jobtitle="팀장",
    ),
    # update, English
    U("update jane@acme.com phone +1 415 555 0100", "jane@acme.com", phone="+1 415 555 0100"),
    U("change jane@acme.com company to Globex", "jane@acme.com", company="Globex"),
    U("set title of jane@acme.com to VP Sales", "jane@acme.com", jobtitle="VP Sales"),
    U("change the email of #123 to new@x.com", "123", email="new@x.com"),
    U(
        "update id 987654321 city Seoul country South Korea",
        "987654321",
        city="Seoul",
        country="South Korea",
    ),
    U("change company to Globex for jane@acme.com", "jane@acme.com", company="Globex"),
    U("update Jane Doe job title Head of Sales", "Jane Doe", jobtitle="Head of Sales"),
    U("change jane@acme.com company to Made in Korea", "jane@acme.com", company="Made in Korea"),
    U(
        "edit jane@acme.com name Janet Doe-Smith",
        "jane@acme.com",
        firstname="Janet",
        lastname="Doe-Smith",
    ),
    U("update jane@acme.com office phone 02-555-1234", "jane@acme.com", phone="02-555-1234"),
    U("update jane@acme.com", "jane@acme.com"),
    # update, Korean
    U("jane@acme.com 전화번호 010-9876-5432로 변경", "jane@acme.com", "ko", phone="010-9876-5432"),
    U("김민수 회사 Globex로 수정", "김민수", "ko", company="Globex"),
    U("jane@acme.com 직함 CTO로 바꿔줘", "jane@acme.com", "ko", jobtitle="CTO"),
    U("jane@acme.com의 회사를 Globex로 변경해 주세요", "jane@acme.com", "ko", company="Globex"),
    U("김민수의 직함을 팀장으로 바꿔줘", "김민수", "ko", jobtitle="팀장"),
    U("#42 도시 서울로 업데이트", "42", "ko", city="서울"),
    U("국가 대한민국으로 김민수 수정", "김민수", "ko", country="대한민국"),
    U("김민수 휴대폰 010-2222-3333으로 수정", "김민수", "ko", mobilephone="010-2222-3333"),
    U("김민수 이메일 minsu@new.kr로 변경", "김민수", "ko", email="minsu@new.kr"),
    # found by using the bot as sales, support and marketing people do
    S("민준 찾아줘", "ko", name="민준"),
    S("조수아", "ko", name="조수아"),
    S("Mary Jackson", name="Mary Jackson"),
    S("@initech.com", email="@initech.com"),
    S("find @initech.com", email="@initech.com"),
    S("who works at Pied Piper?", company="Pied Piper"),
    S("contacts at Samsung", company="Samsung"),
    S("show me everyone at Northwind Traders", company="Northwind Traders"),
    S("한빛소프트 직원 찾아줘", "ko", text="한빛소프트"),
    S("Initech 회사 사람들 보여줘", "ko", company="Initech"),
    S("serch Grace", text="Grace"),
    S("i want to find Emma White", name="Emma White"),
    U("updat mary.jackson@fabrikam.com title CEO", "mary.jackson@fabrikam.com", jobtitle="CEO"),
    U("update Mary Jackson's title to VP Marketing", "Mary Jackson", jobtitle="VP Marketing"),
    U("change jane@acme.com's phone to +1 415 555 0100", "jane@acme.com", phone="+1 415 555 0100"),
    U(
        "update emma.white@initech.com title Head of CS and city Seoul",
        "emma.white@initech.com",
        jobtitle="Head of CS",
        city="Seoul",
    ),
    U("김민준 회사를 삼성으로 바꿔줘", "김민준", "ko", company="삼성"),
    C(
        "add contact Jane Roe, jane.roe@acme.com, Acme, CTO",
        firstname="Jane",
        lastname="Roe",
        email="jane.roe@acme.com",
        company="Acme",
        jobtitle="CTO",
    ),
    C(
        "add Ann Lee ann@x.com, Acme, Inc.",
        firstname="Ann",
        lastname="Lee",
        email="ann@x.com",
        company="Acme Inc",
    ),
    C(
        "연락처 추가 이서연 seoyeon@hanbit.kr 010-1234-5678 한빛소프트 과장",
        "ko",
        lastname="이",
        firstname="서연",
        email="seoyeon@hanbit.kr",
        phone="010-1234-5678",
        company="한빛소프트",
        jobtitle="과장",
    ),
    H("hi"),
    H("thanks"),
    H("고마워요", "ko"),
    H("뭐 할 수 있어?", "ko"),
    H("initech.com"),
    # anything else
    H("hello"),
    H("what can you do"),
    H(""),
    H("   "),
    H("help"),
    H("도움말", "ko"),
    H("안녕하세요", "ko"),
    H("thanks!"),
    H("help me find jane@acme.com"),
    # every verb of the word tables, once at least (test_every_command_word_has_a_case)
    S("look for Kim at Globex", text="Kim", company="Globex"),
    S("find me jane@acme.com", email="jane@acme.com"),
    S("who are the contacts at Acme", company="Acme"),
    S("lookup jane@acme.com", email="jane@acme.com"),
    S("list contacts at Acme", company="Acme"),
    S("get jane@acme.com", email="jane@acme.com"),
    S("anyone at Globex?", company="Globex"),
    C(
        "make a contact Ann Lee ann@globex.com",
        firstname="Ann",
        lastname="Lee",
        email="ann@globex.com",
    ),
    C("register Ann Lee ann@globex.com", firstname="Ann", lastname="Lee", email="ann@globex.com"),
    C(
        "insert contact Ann Lee, ann@globex.com",
        firstname="Ann",
        lastname="Lee",
        email="ann@globex.com",
    ),
    U("modify jane@acme.com company Globex", "jane@acme.com", company="Globex"),
    U("fix jane@acme.com phone to +1 415 555 0199", "jane@acme.com", phone="+1 415 555 0199"),
    S("jane@acme.com 정보 알려줘", "ko", email="jane@acme.com"),
    C(
        "김민수 minsu@hanbit.kr 연락처 생성해줘",
        "ko",
        lastname="김",
        firstname="민수",
        email="minsu@hanbit.kr",
    ),
    U("minsu@hanbit.kr 회사를 삼성으로 바꾸기", "minsu@hanbit.kr", "ko", company="삼성"),
    U(
        "minsu@hanbit.kr 전화번호 010-9999-8888로 고쳐줘",
        "minsu@hanbit.kr",
        "ko",
        phone="010-9999-8888",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.text or "<empty>")
def test_typed_command(case: Case):
    command = parse_command(case.text)
    assert command.kind == case.kind
    assert command.language == case.language
    if case.kind == "search":
        assert command.criteria == SearchCriteria(**case.criteria, filters=case.filters)
    else:
        assert command.criteria is None
    assert command.properties == case.properties
    assert command.target == case.target


@pytest.mark.parametrize(
    "line,talk",
    [
        ("hi", "hello"),
        ("Hello!", "hello"),
        ("안녕하세요", "hello"),
        ("thanks", "thanks"),
        ("Thank you!", "thanks"),
        ("감사합니다", "thanks"),
        ("what can you do?", "help"),
        ("뭐 할 수 있어?", "help"),
        ("hello find jane@acme.com", ""),
        ("help", ""),
    ],
)
def test_small_talk_is_recognised(line, talk):
    command = parse_command(line)
    assert command.small_talk == talk
    if talk:
        assert command.kind == "help"


@pytest.mark.parametrize(
    ("words", "kind"),
    [(" ".join(phrase), kind) for phrase, kind in EN_VERBS] + list(KO_VERB_KINDS.items()),
)
def test_every_command_word_has_a_case(words, kind):
    """A verb in the word tables that no case above types is a verb nobody checked: adding
    one to the tables means adding the line a person would type with it."""
    pattern = re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, words.split())) + r"(?!\w)", re.I)
    hangul = not words.isascii()
    typed = [
        c.text
        for c in CASES
        if c.kind == kind and (words in c.text if hangul else pattern.search(c.text))
    ]
    assert typed, f"no {kind} case types {words!r}"


def test_huge_input_is_help():
    """Past MAX_COMMAND_CHARS a line is help, however it starts (its cost is in bench/)."""
    for text in (
        "x" * 1_000_000,
        "find " + "a@b.com " * 150_000,
        "김" * 1_000_000,
        "010-1234-5678 " * 80_000,
    ):
        assert parse_command(text).kind == "help"
    assert parse_command("김" * 1_000_000).language == "ko"
    assert parse_command("find " + "x" * (MAX_COMMAND_CHARS - 5)).kind == "search"
    assert parse_command("find " + "x" * MAX_COMMAND_CHARS).kind == "help"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_parses_to_a_command(text):
    """Whatever is typed: the language follows the Hangul in it, and every value, criterion
    and target comes from what was typed, never made up."""
    command = parse_command(text)
    has_hangul = any(
        "\uac00" <= ch <= "\ud7a3" or "\u1100" <= ch <= "\u11ff" or "\u3130" <= ch <= "\u318f"
        for ch in text
    )
    typed = text.lower()
    values = list(command.properties.values()) + [command.target]
    if command.criteria is not None:
        values += [command.criteria.email, command.criteria.name, command.criteria.company]
        values += [command.criteria.phone, command.criteria.text]
        values += [str(f.get("value", "")) for f in command.criteria.filters]
    for value in values:
        assert all(part.lower() in typed for part in value.split()), (value, text)
    assert command.language == ("ko" if has_hangul else "en")
