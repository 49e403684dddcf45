"""What a user types for a contact, and what is stored or said back (cases as data)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from contacts.errors import InvalidContact
from contacts.model import SearchCriteria
from contacts.search_body import build_search_body
from contacts.validation import normalise_properties


@dataclass(frozen=True)
class Good:
    typed: dict
    stored: dict
    region: str = "US"


GOOD = [
    Good({"email": "  Kim.Minji@Example.COM "}, {"email": "kim.minji@example.com"}),
    Good({"Email": "a+tag@sub.example.co.kr"}, {"email": "a+tag@sub.example.co.kr"}),
    Good({"phone": "010-1234-5678"}, {"phone": "+821012345678"}, region="KR"),
    # Clearly Korean (010-, 02-): read as Korean whatever the client's locale (issue 24).
    Good({"phone": "010-1234-5678"}, {"phone": "+821012345678"}, region="US"),
    Good({"phone": "02-555-1234"}, {"phone": "+8225551234"}, region="US"),
    Good({"phone": "02 312 3456"}, {"phone": "+8223123456"}, region="KR"),
    Good({"mobilephone": "+82 10 9876 5432"}, {"mobilephone": "+821098765432"}, region="US"),
    Good({"phone": "(212) 555-0100"}, {"phone": "+12125550100"}),
    Good({"phone": "+1 415 555 2671"}, {"phone": "+14155552671"}, region="KR"),
    Good(
        {"firstname": "  Mary   Ann ", "lastname": " Smith"},
        {"firstname": "Mary Ann", "lastname": "Smith"},
    ),
    Good({"firstname": "민지", "lastname": "김"}, {"firstname": "민지", "lastname": "김"}),
    Good(
        {"lifecyclestage": "Marketing Qualified Lead"}, {"lifecyclestage": "marketingqualifiedlead"}
    ),
    Good({"lifecyclestage": "customer"}, {"lifecyclestage": "customer"}),
    Good({"lifecyclestage": "SQL"}, {"lifecyclestage": "salesqualifiedlead"}),
    Good(
        {"website": " https://acme.example ", "company": "Acme  Corp"},
        {"website": "https://acme.example", "company": "Acme Corp"},
    ),
    Good({"jobtitle": "x" * 65_536}, {"jobtitle": "x" * 65_536}),
]


@pytest.mark.parametrize("case", GOOD, ids=lambda c: ",".join(c.typed))
def test_good_values_are_stored_normalised(case: Good) -> None:
    assert normalise_properties(case.typed, region=case.region) == case.stored


@dataclass(frozen=True)
class Bad:
    typed: dict
    field: str
    reason: str
    says: str  # part of the message the user reads
    region: str = "US"


BAD = [
    Bad({"email": "kim@"}, "email", "invalid_email", "That email address isn't valid"),
    Bad({"email": "no at sign"}, "email", "invalid_email", "must have an @-sign"),
    Bad({"email": "a@@b.com"}, "email", "invalid_email", "isn't valid"),
    Bad({"email": "a@localhost"}, "email", "invalid_email", "isn't valid"),
    Bad({"phone": "555-0100"}, "phone", "invalid_phone", "isn't valid for region US"),
    Bad({"phone": "0101-234-567"}, "phone", "invalid_phone", "Include the country code"),
    Bad({"mobilephone": "call me"}, "mobilephone", "invalid_phone", "isn't valid"),
    Bad({"phone": "12"}, "phone", "invalid_phone", "isn't valid", region="KR"),
    Bad({"jobtitle": "x" * 65_537}, "jobtitle", "too_long", "the limit is 65,536"),
    Bad(
        {"favourite_color": "blue"}, "favourite_color", "unknown_property", "isn't a contact field"
    ),
    Bad({"hs_object_id": "5"}, "hs_object_id", "read_only", "set by HubSpot"),
    Bad({"createdate": "2024-01-01"}, "createdate", "read_only", "can't be changed"),
    Bad(
        {"lifecyclestage": "best friend"},
        "lifecyclestage",
        "invalid_value",
        "isn't a lifecycle stage",
    ),
    Bad({"firstname": ["Kim"]}, "firstname", "invalid_value", "must be text"),
]


@pytest.mark.parametrize("case", BAD, ids=lambda c: f"{c.field}-{c.reason}")
def test_bad_values_name_the_field_in_plain_words(case: Bad) -> None:
    with pytest.raises(InvalidContact) as caught:
        normalise_properties(case.typed, region=case.region)
    assert caught.value.field == case.field
    assert caught.value.reason_code == case.reason
    assert case.says in caught.value.message


def test_partial_drops_blank_fields_and_full_keeps_them_as_clear() -> None:
    typed = {"firstname": "Kim", "company": "  ", "city": ""}
    assert normalise_properties(typed, region="US", partial=True) == {"firstname": "Kim"}
    assert normalise_properties(typed, region="US") == {
        "firstname": "Kim",
        "company": "",
        "city": "",
    }


def test_one_bad_field_rejects_the_whole_set() -> None:
    with pytest.raises(InvalidContact) as caught:
        normalise_properties({"firstname": "Kim", "email": "bad"}, region="US")
    assert caught.value.field == "email"


def test_a_name_matches_first_or_last_name_in_either_order() -> None:
    body = build_search_body(SearchCriteria(name="Kim Minji"), region="KR")
    groups = [{(f["propertyName"], f["value"]) for f in g["filters"]} for g in body["filterGroups"]]
    assert {("firstname", "kim"), ("lastname", "minji")} in groups
    assert {("firstname", "minji"), ("lastname", "kim")} in groups
    assert all(
        f["operator"] == "CONTAINS_TOKEN" for g in body["filterGroups"] for f in g["filters"]
    )


def test_an_unspaced_korean_name_is_split_family_name_first_within_hubspot_limits() -> None:
    def groups(name: str, phone: str = "") -> list[set[tuple[str, str]]]:
        body = build_search_body(SearchCriteria(name=name, phone=phone), region="KR")
        assert len(body["filterGroups"]) <= 5
        return [
            {
                (f["propertyName"], f["value"])
                for f in g["filters"]
                if f["propertyName"] in ("firstname", "lastname")
            }
            for g in body["filterGroups"]
        ]

    assert groups("김민수") == [
        {("lastname", "김"), ("firstname", "민수")},
        {("firstname", "김민수")},
        {("lastname", "김민수")},
    ]
    assert groups("황보민수")[:2] == [
        {("lastname", "황보"), ("firstname", "민수")},
        {("lastname", "황"), ("firstname", "보민수")},
    ]
    assert groups("선우진")[0] == {("lastname", "선우"), ("firstname", "진")}
    assert {("lastname", "김"), ("firstname", "민")} in groups("김민")
    assert groups("김민")[0] == {("firstname", "김민")}  # as likely a given name alone
    assert groups("Kim") == [{("firstname", "kim")}, {("lastname", "kim")}]
    assert groups("김민수정호") == [{("firstname", "김민수정호")}, {("lastname", "김민수정호")}]
    # With a phone (two alternatives of its own) the likeliest readings are kept.
    assert {("lastname", "김"), ("firstname", "민수")} in groups("김민수", phone="010-1234-5678")


def test_a_search_too_big_for_hubspot_is_refused_with_advice() -> None:
    with pytest.raises(InvalidContact, match="too many parts"):
        build_search_body(SearchCriteria(name="a b c d e f g", company="x y z"), region="US")


def test_a_bad_phone_in_a_search_is_explained() -> None:
    with pytest.raises(InvalidContact) as caught:
        build_search_body(SearchCriteria(phone="12"), region="KR")
    assert caught.value.field == "phone"
