"""The likely-duplicate rules, as cases: two contacts, and the reasons they pair (or none)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from contacts.duplicates import (
    SAME_NAME_COMPANY,
    SAME_NAME_EMAIL_DOMAIN,
    SAME_PHONE,
    SIMILAR_NAME_COMPANY,
    company_key,
    likely_pairs,
    match,
    pairs_with,
    shared_lines,
)
from contacts.model import Contact
from contacts.names import name_key


@dataclass(frozen=True)
class Case:
    why: str
    a: dict[str, str]
    b: dict[str, str]
    reasons: tuple[str, ...]
    region: str = "US"
    extra: dict[str, str] = field(default_factory=dict)


JON = {"firstname": "Jon", "lastname": "Smith", "company": "Acme", "phone": "+1 415 555 0100"}
CASES = [
    Case(
        "the issue's example: phone typed two ways, short first name, company with Inc.",
        JON,
        {
            "firstname": "Jonathan",
            "lastname": "Smith",
            "company": "ACME Inc.",
            "phone": "(415) 555-0100",
        },
        (SAME_PHONE, SIMILAR_NAME_COMPANY),
    ),
    Case(
        "the same mobile number stored as phone on one, mobile on the other",
        {"firstname": "Ann", "mobilephone": "+14155550199"},
        {"firstname": "Annie", "lastname": "Lee", "phone": "415.555.0199"},
        (SAME_PHONE,),
    ),
    Case(
        "a Korean number with and without its country code (read in KR)",
        {"firstname": "민지", "lastname": "김", "phone": "010-1234-5678"},
        {"firstname": "Minji", "lastname": "Kim", "phone": "+82 10 1234 5678"},
        (SAME_PHONE,),
        region="KR",
    ),
    Case(
        "same name, Western order swapped and upper-cased, same company",
        {"firstname": "Maria", "lastname": "Garcia", "company": "Globex"},
        {"firstname": "GARCIA", "lastname": "MARIA", "company": "globex corp"},
        (SAME_NAME_COMPANY,),
    ),
    Case(
        "same Korean name in one field and in two, same company (주식회사 and (주) ignored)",
        {"firstname": "민지", "lastname": "김", "company": "(주)한빛"},
        {"firstname": "김민지", "company": "한빛 주식회사"},
        (SAME_NAME_COMPANY,),
    ),
    Case(
        "same Korean name with family and given name swapped between the fields",
        {"firstname": "민지", "lastname": "김", "email": "minji@hanbit.co.kr"},
        {"firstname": "김", "lastname": "민지", "email": "m.kim@hanbit.co.kr"},
        (SAME_NAME_EMAIL_DOMAIN,),
    ),
    Case(
        "same Korean name whose given name sorts before its family name, one field and two",
        {"firstname": "서윤", "lastname": "조", "company": "Hanbit Partners"},
        {"firstname": "조서윤", "company": "(주)Hanbit Partners"},
        (SAME_NAME_COMPANY,),
    ),
    Case(
        "a two-syllable family name with a one-syllable given name, swapped fields",
        {"firstname": "민", "lastname": "남궁", "company": "한빛"},
        {"firstname": "남궁", "lastname": "민", "company": "한빛"},
        (SAME_NAME_COMPANY,),
    ),
    Case(
        "same name, accents and spacing folded, same work email domain",
        {"firstname": "José", "lastname": "Álvarez", "email": "jose@initech.com"},
        {"firstname": "Jose ", "lastname": " Alvarez", "email": "j.alvarez@INITECH.com"},
        (SAME_NAME_EMAIL_DOMAIN,),
    ),
    Case(
        "a typo in the last name at the same company",
        {"firstname": "Katherine", "lastname": "Johnson", "company": "Umbrella"},
        {"firstname": "Katherine", "lastname": "Jonhson", "company": "Umbrella Ltd"},
        (SIMILAR_NAME_COMPANY,),
    ),
    Case(
        "Bob is Robert, at the same company",
        {"firstname": "Robert", "lastname": "Chen", "company": "Hooli"},
        {"firstname": "Bob", "lastname": "Chen", "company": "HOOLI"},
        (SIMILAR_NAME_COMPANY,),
    ),
    Case(
        "the same number with an initial for the given name",
        {"firstname": "J.", "lastname": "Smith", "phone": "+14155550100"},
        {"firstname": "Jonathan", "lastname": "Smith", "phone": "415-555-0100"},
        (SAME_PHONE,),
    ),
    # -- not duplicates ------------------------------------------------------------------------
    Case(
        "colleagues sharing the office line",
        {"firstname": "Jane", "lastname": "Doe", "company": "Acme", "phone": "+14155550000"},
        {"firstname": "Jon", "lastname": "Smith", "company": "Acme", "phone": "(415) 555-0000"},
        (),
    ),
    Case(
        "Korean colleagues sharing the office line",
        {"firstname": "민지", "lastname": "김", "phone": "+82 2 1234 5678"},
        {"firstname": "서준", "lastname": "이", "phone": "02-1234-5678"},
        (),
        region="KR",
    ),
    Case(
        "same name at different companies and free-mail domains",
        {"firstname": "Minji", "lastname": "Kim", "email": "mk@gmail.com", "company": "A"},
        {"firstname": "Minji", "lastname": "Kim", "email": "kimminji@gmail.com", "company": "B"},
        (),
    ),
    Case(
        "Korean names one syllable apart at the same company",
        {"firstname": "민지", "lastname": "김", "company": "한빛"},
        {"firstname": "민재", "lastname": "김", "company": "한빛"},
        (),
    ),
    Case(
        "different people at the same company",
        {"firstname": "Jon", "lastname": "Smith", "company": "Acme"},
        {"firstname": "Jane", "lastname": "Doe", "company": "Acme"},
        (),
    ),
    Case(
        "same family name, different given names at the same company",
        {"firstname": "Daniel", "lastname": "Park", "company": "Acme"},
        {"firstname": "Diana", "lastname": "Park", "company": "Acme"},
        (),
    ),
    Case(
        "a similar name but another company",
        {"firstname": "Jon", "lastname": "Smith", "company": "Acme"},
        {"firstname": "Jonathan", "lastname": "Smith", "company": "Acme Foods"},
        (),
    ),
    Case(
        "one letter apart in short names is another name (Mark, Mary)",
        {"firstname": "Mark", "lastname": "Garcia", "company": "Acme"},
        {"firstname": "Mary", "lastname": "Garcia", "company": "Acme"},
        (),
    ),
    Case(
        "a family name that contains another is another family (Martin, Martinez)",
        {"firstname": "Michael", "lastname": "Martin", "company": "Acme"},
        {"firstname": "Michael", "lastname": "Martinez", "company": "Acme"},
        (),
    ),
    Case(
        "same name, nothing else in common",
        {"firstname": "Jon", "lastname": "Smith"},
        {"firstname": "Jon", "lastname": "Smith"},
        (),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.why)
def test_rules(case: Case) -> None:
    a = Contact("1", case.a, created_at="2024-01-01T00:00:00.000Z")
    b = Contact("2", case.b, created_at="2025-01-01T00:00:00.000Z")
    assert match(a, b, case.region) == case.reasons
    assert match(b, a, case.region) == case.reasons
    pairs = likely_pairs([b, a], case.region)
    assert [(p.keep.id, p.other.id, p.reasons) for p in pairs] == (
        [("1", "2", case.reasons)] if case.reasons else []
    )


def test_name_and_company_keys() -> None:
    assert name_key(Contact("1", {"firstname": "Mary  Ann", "lastname": "SMITH"})) == (
        "ann mary smith"
    )
    korean = [("민지", "김"), ("김민지", ""), ("김", "민지"), ("", "김민지")]
    assert {name_key(Contact("1", {"firstname": f, "lastname": la})) for f, la in korean} == {
        "김민지"
    }
    assert name_key(Contact("1", {"email": "x@y.com"})) == ""
    assert company_key("ACME, Inc.") == company_key("acme") == "acme"
    assert company_key("Inc.") == ""


def test_a_list_pairs_each_duplicate_once_and_keeps_the_older() -> None:
    people = [
        Contact(
            "10",
            {"firstname": "Jon", "lastname": "Smith", "company": "Acme", "phone": "+14155550100"},
            created_at="2023-05-01T00:00:00.000Z",
        ),
        Contact(
            "11",
            {
                "firstname": "Jonathan",
                "lastname": "Smith",
                "company": "Acme",
                "phone": "4155550100",
            },
            created_at="2022-01-01T00:00:00.000Z",
        ),
        Contact(
            "12",
            {"firstname": "Jane", "lastname": "Doe", "company": "Acme"},
            created_at="2021-01-01T00:00:00.000Z",
        ),
    ]
    [pair] = likely_pairs(people)
    assert (pair.keep.id, pair.other.id) == ("11", "10")  # 11 was created first
    assert pair.reasons == (SAME_PHONE, SIMILAR_NAME_COMPANY)
    assert pairs_with(people[2], people) == []
    assert [p.other.id for p in pairs_with(people[0], people)] == ["10"]


def test_a_number_three_contacts_share_is_an_office_line() -> None:
    line = "+12125550000"
    office = [
        Contact("20", {"firstname": "Brian", "lastname": "Lee", "phone": line}),
        Contact("21", {"firstname": "주원", "lastname": "장", "phone": "(212) 555-0000"}),
        Contact("22", {"firstname": "Ann", "phone": "212.555.0000"}),
    ]
    assert shared_lines(office) == {line}
    assert likely_pairs(office) == []
    assert pairs_with(office[1], office) == []
    # two on one number whose names cannot tell (two scripts): still shown
    [pair] = likely_pairs(office[:2])
    assert pair.reasons == (SAME_PHONE,)
