"""Korean names win where a name stands: every common given name (all of GIVEN_NAMES, the 200
most common first), after a common family name, in the create and update patterns people type,
is read as that name, even when its syllables spell a verb (지우 "erase", 수정 "edit") or a word
(하늘, 보람, 바다)."""

from __future__ import annotations

import pytest

from contacts.korean import COMPOUND_FAMILY_NAMES
from contacts.korean_names import FAMILY_NAMES, GIVEN_NAMES, common_name_split
from typed import parse_command

# The family names most Koreans have, and two-syllable ones, cycled through the given names.
FAMILIES = ("김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신",
            "권", "황", "안", "송", "전", "홍", "유", "고", "문", "양", "손", "배", "남궁", "제갈",
            "선우", "독고")  # fmt: skip
EMAIL = "new.person@example.com"
PHONE = "010-2345-6789"
CREATES = (
    "새 연락처 추가 {name} {email} {phone}",
    "연락처 추가 {name} {email} {phone}",
    "새 연락처 {name} {email} {phone}",
    "{name} {email} {phone} 등록해줘",
    "{name} {email} {phone} 연락처 등록해 주세요",
    "{name}, {email}, {phone} 추가해줘",
    "신규 고객 {name} {email} {phone} 등록",
    "{name} {email} {phone} 연락처에 넣어줘",
    "{name} {email} {phone} 새로 만들어줘",
    "add {name} {email} {phone}",
    "new contact {name} {email} {phone}",
)
UPDATES = (
    ("{name} 회사 카카오로 수정", {"company": "카카오"}),
    ("{name} 직함 팀장으로 바꿔줘", {"jobtitle": "팀장"}),
    ("{name}의 이메일을 {email}로 변경해 주세요", {"email": EMAIL}),
    ("{name} 전화번호 {phone}으로 업데이트", {"phone": PHONE}),
    ("update {name} company Kakao", {"company": "Kakao"}),
)


def _family(i: int, given: str) -> str:
    """A family name for the i-th given name; never one that makes the name read two ways
    (황 + 보람 is also 황보 + 람: both are names, so that create asks, see below)."""
    for k in range(len(FAMILIES)):
        family = FAMILIES[(i + k) % len(FAMILIES)]
        name = family + given
        if common_name_split(name) == (family, given) and name[:2] not in COMPOUND_FAMILY_NAMES:
            return family
    raise AssertionError(given)


NAMES = [(_family(i, given), given) for i, given in enumerate(GIVEN_NAMES)]


@pytest.mark.parametrize(("family", "given"), NAMES, ids=[f + g for f, g in NAMES])
def test_a_common_korean_name_is_created_in_every_create_pattern(family, given):
    name = family + given
    for pattern in CREATES:
        line = pattern.format(name=name, email=EMAIL, phone=PHONE)
        command = parse_command(line)
        assert (command.kind, command.certain, command.doubts) == ("create", True, {}), line
        assert command.properties == {
            "lastname": family,
            "firstname": given,
            "email": EMAIL,
            "phone": PHONE,
        }, line


@pytest.mark.parametrize(("family", "given"), NAMES, ids=[f + g for f, g in NAMES])
def test_a_common_korean_name_is_the_contact_of_an_update(family, given):
    name = family + given
    for pattern, changes in UPDATES:
        line = pattern.format(name=name, email=EMAIL, phone=PHONE)
        command = parse_command(line)
        assert (command.kind, command.target, command.properties) == (
            "update",
            name,
            changes,
        ), line


def test_the_name_lists_are_as_the_parser_and_the_paste_reader_need_them():
    assert len(FAMILY_NAMES) >= 100 and len(GIVEN_NAMES) >= 200
    assert len(set(GIVEN_NAMES)) == len(GIVEN_NAMES)
    assert {"남궁", "제갈", "선우", "황보", "독고"} <= FAMILY_NAMES
    assert {"김", "이", "박", "최", "정"} <= FAMILY_NAMES
    collide = {"지우", "수정", "하늘", "민수", "서연", "예준", "도윤", "지호", "은비", "보람"}
    assert collide <= set(GIVEN_NAMES)
    assert all(2 <= len(g) <= 3 for g in GIVEN_NAMES)


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("김민수 지워줘", "unsupported"),  # 지워 with an ending is the verb: not a name
        ("한지우 삭제해줘", "unsupported"),  # the name is 한지우, the verb 삭제
        ("김민수 회사 카카오로 수정", "update"),  # 수정 alone at the end is the verb
        ("이수정 찾아줘", "search"),
    ],
)
def test_a_verb_that_is_not_where_a_name_stands_is_still_a_verb(line, kind):
    assert parse_command(line).kind == kind


@pytest.mark.parametrize(
    ("line", "family", "given"),
    [
        ("황보람 boram@x.kr 010-1234-5678 등록", "황보", "람"),
        ("선우진 woojin@x.kr 추가", "선우", "진"),
    ],
)
def test_a_name_that_reads_two_ways_is_not_created_on_a_guess(line, family, given):
    """황보 + 람 or 황 + 보람: both are names. The form asks; the two-syllable family name
    (as HubSpot search tries first) is what it shows."""
    command = parse_command(line)
    assert (command.kind, command.certain, command.doubts) == (
        "create",
        False,
        {"name": "unsure_name"},
    )
    assert (command.properties["lastname"], command.properties["firstname"]) == (family, given)
