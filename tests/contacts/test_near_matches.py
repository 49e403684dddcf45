"""Near matches, the pure half (contacts/near.py): jamo, distances, which searches a misspelt
name makes and how the contacts they find are ranked. A typo anywhere in a name must still be
caught by the searches (checked here against a token matcher with HubSpot's `*` semantics, and
against the local HubSpot's parser for the limits), and only close names are ever offered."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contacts.model import Contact
from contacts.near import (
    MAX_SEARCHES,
    allowance,
    closeness,
    distance,
    jamo,
    near_searches,
    rank,
)
from contacts.search_body import MAX_FILTERS, MAX_FILTERS_PER_GROUP, MAX_GROUPS
from hubspot_local.options import SearchLimits
from hubspot_local.search import parse_search


def _contact(cid: str, first: str, last: str) -> Contact:
    return Contact(cid, {"firstname": first, "lastname": last})


def _caught(bodies: list[dict], contact: Contact) -> bool:
    """Would HubSpot return `contact` for any of these bodies? Groups are ORed, filters
    ANDed; CONTAINS_TOKEN is a `*` glob over the value's lower-case word tokens."""
    for body in bodies:
        for group in body["filterGroups"]:
            if all(
                any(
                    fnmatch.fnmatchcase(tok, f["value"])
                    for tok in re.findall(r"[^\W_]+", contact.get(f["propertyName"]).lower())
                )
                for f in group["filters"]
            ):
                return True
    return False


# -- jamo and distances -----------------------------------------------------------------------


def test_jamo_spells_out_syllables_and_splits_compound_letters():
    assert jamo("김민준") == "ㄱㅣㅁㅁㅣㄴㅈㅜㄴ"
    assert jamo("과") == "ㄱㅗㅏ"  # ㅘ is ㅗ + ㅏ
    assert jamo("닭") == "ㄷㅏㄹㄱ"  # ㄺ is ㄹ + ㄱ
    assert jamo("Kim 김") == "Kim ㄱㅣㅁ"


def test_every_syllable_spells_differently():
    spelt = {jamo(chr(code)) for code in range(0xAC00, 0xD7A4)}
    assert len(spelt) == 11172
    assert all(2 <= len(s) <= 6 for s in spelt)


def test_distances_count_letters_not_syllables():
    assert distance("김민중", "김민준") == 1  # ㅇ for ㄴ
    assert distance("김민중", "김민수") == 2
    assert distance("Tayler", "taylor") == 1
    assert distance("Tyalor", "Taylor") == 1  # a swap is one edit
    assert distance("José", "jose") == 0
    assert distance("Kim", "김") > 2


@pytest.mark.parametrize(
    ("word", "edits"),
    [("Al", 0), ("Bob", 1), ("Jenny", 1), ("Jenifer", 2), ("민준", 1), ("김민중", 2)],
)
def test_longer_words_may_be_further_off(word, edits):
    assert allowance(word) == edits


# -- ranking ----------------------------------------------------------------------------------


PEOPLE = [
    _contact("1", "Jennifer", "Taylor"),
    _contact("2", "민준", "김"),
    _contact("3", "민수", "김"),
    _contact("4", "Jane", "Doe"),
    _contact("5", "José", "Núñez"),
    _contact("6", "Bob", "Lee"),
    _contact("7", "서연", "남궁"),
]


@dataclass(frozen=True)
class Case:
    typed: str
    offered: list[str]  # full names, closest first


RANKING = [
    Case("Tayler", ["Jennifer Taylor"]),
    Case("Jenifer Tailor", ["Jennifer Taylor"]),
    Case("Taylor Jenifer", ["Jennifer Taylor"]),  # family name first
    Case("jenifer", ["Jennifer Taylor"]),
    Case("김민중", ["김민준", "김민수"]),  # one letter off first
    Case("긴민준", ["김민준"]),  # a typo in the family name
    Case("민중", ["김민준"]),  # a given name alone
    Case("김 민중", ["김민준"]),
    Case("남궁서윤", ["남궁서연"]),
    Case("Jose Nunes", ["José Núñez"]),
    Case("Bobb Lee", ["Bob Lee"]),
    Case("Jone Doe", ["Jane Doe"]),
    Case("Xavier", []),
    Case("Smith", []),
    Case("Kim", []),  # a Latin word is not a Hangul name
]


@pytest.mark.parametrize("case", RANKING, ids=lambda c: c.typed)
def test_only_close_names_are_offered_closest_first(case):
    assert [c.full_name for c in rank(case.typed, PEOPLE)] == case.offered


def test_ranking_keeps_at_most_the_limit_and_no_contact_twice():
    many = [_contact(str(i), "Jennifer", "Taylor") for i in range(9)]
    offered = rank("Jenifer Tailor", [*many, *many], limit=5)
    assert [c.id for c in offered] == ["0", "1", "2", "3", "4"]  # HubSpot's order on a tie


def test_every_typed_word_must_be_close():
    assert closeness("Jenifer Tailor", _contact("1", "Jennifer", "Taylor")) == 2
    assert closeness("Jenifer Smith", _contact("1", "Jennifer", "Taylor")) is None


# -- the searches -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["Tayler", "Jenifer Tailor", "김민중", "민중", "남궁서윤", "Bob Lee Jr", "김 민중", "Lre"],
)
def test_searches_fit_hubspots_limits_and_its_parser(typed):
    bodies = near_searches(typed)
    assert 1 <= len(bodies) <= MAX_SEARCHES
    for body in bodies:
        groups = [g["filters"] for g in body["filterGroups"]]
        assert len(groups) <= MAX_GROUPS
        assert all(len(g) <= MAX_FILTERS_PER_GROUP for g in groups)
        assert sum(map(len, groups)) <= MAX_FILTERS
        parse_search(body, SearchLimits())  # raises what HubSpot would answer with 400


@pytest.mark.parametrize("company", ["Soylent", "Acme Widgets Inc"])
@pytest.mark.parametrize("typed", ["Tayler", "Jenifer Tailor", "김민중", "민중", "남궁서윤"])
def test_searches_with_a_company_fit_too_and_ask_for_it(typed, company):
    bodies = near_searches(typed, company=company)
    assert 1 <= len(bodies) <= MAX_SEARCHES
    for body in bodies:
        parse_search(body, SearchLimits())
        for group in body["filterGroups"]:
            assert {"propertyName": "company", "operator": "CONTAINS_TOKEN", "value": "acme"
                    if company.startswith("Acme") else "soylent"} in group["filters"]  # fmt: skip


def test_a_company_narrows_what_the_searches_catch():
    at_soylent = Contact("1", {"firstname": "Jennifer", "lastname": "Taylor", "company": "Soylent"})
    assert _caught(near_searches("Tayler", company="Soylent"), at_soylent)
    assert not _caught(near_searches("Tayler", company="Acme"), at_soylent)


@pytest.mark.parametrize("typed", ["", "Al", "J", "123", "@@"])
def test_nothing_to_guess_from_makes_no_search(typed):
    assert near_searches(typed) == []


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("Tayler", _contact("1", "Jennifer", "Taylor")),
        ("Kaylor", _contact("1", "Jennifer", "Taylor")),  # the first letter wrong
        ("Jenifer Tailor", _contact("1", "Jennifer", "Taylor")),
        ("Jnnifer Taylro", _contact("1", "Jennifer", "Taylor")),
        ("Taylor Jenifer", _contact("1", "Jennifer", "Taylor")),
        ("김민중", _contact("2", "민준", "김")),
        ("긴민준", _contact("2", "민준", "김")),
        ("김먼준", _contact("2", "민준", "김")),
        ("민중", _contact("2", "민준", "김")),
        ("남궁서윤", _contact("7", "서연", "남궁")),
        ("김민중", _contact("8", "김민준", "")),  # the whole name kept in the first name
    ],
)
def test_the_searches_catch_the_meant_contact(typed, meant):
    assert _caught(near_searches(typed), meant)
    assert rank(typed, [meant]) == [meant]


def test_the_searches_do_not_return_everyone():
    assert not _caught(near_searches("Tayler"), _contact("9", "Bob", "Lee"))
    assert not _caught(near_searches("김민중"), _contact("9", "서연", "박"))


# One typo anywhere in a name, of any kind: caught by the searches and offered.
LATIN = ["Jennifer", "Taylor", "Katherine", "Lee", "Bob", "Jamie", "Mohammed", "Wong", "Olivia"]
LETTERS = "abcdefghijklmnopqrstuvwxyz"


@st.composite
def _typo(draw: st.DrawFn, word: str) -> str:
    i = draw(st.integers(0, len(word) - 1))
    kind = draw(st.sampled_from(["sub", "ins", "del", "swap"]))
    c = draw(st.sampled_from(LETTERS))
    if kind == "sub":
        return word[:i] + c + word[i + 1 :]
    if kind == "ins":
        return word[:i] + c + word[i:]
    if kind == "del" and len(word) > 3:
        return word[:i] + word[i + 1 :]
    if kind == "swap" and i + 1 < len(word):
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + c + word[i + 1 :]


@given(data=st.data(), first=st.sampled_from(LATIN), last=st.sampled_from(LATIN))
def test_one_latin_typo_anywhere_is_caught_and_offered(data, first, last):
    meant = _contact("1", first.title(), last.title())
    which = data.draw(st.sampled_from(["first", "last", "alone"]))
    if which == "alone":
        typed = data.draw(_typo(last.lower()))
    else:
        bad = data.draw(_typo(first.lower() if which == "first" else last.lower()))
        typed = f"{bad} {last}" if which == "first" else f"{first} {bad}"
    assert _caught(near_searches(typed), meant), typed
    assert rank(typed, [meant]) == [meant], typed


FAMILY = ["김", "이", "박", "최", "정", "남궁"]
GIVEN = ["민준", "서연", "지우", "하은", "도윤", "서준", "예은", "건우"]


def _syllable(initial: int, medial: int, final: int) -> str:
    return chr(0xAC00 + (initial * 21 + medial) * 28 + final)


@st.composite
def _jamo_typo(draw: st.DrawFn, word: str) -> str:
    """One jamo of one syllable changed (an initial, a vowel or a final consonant)."""
    i = draw(st.integers(0, len(word) - 1))
    initial, rest = divmod(ord(word[i]) - 0xAC00, 21 * 28)
    medial, final = divmod(rest, 28)
    part = draw(st.sampled_from(["initial", "medial", "final"]))
    if part == "initial":
        initial = draw(st.integers(0, 18).filter(lambda x: x != initial))
    elif part == "medial":
        medial = draw(st.integers(0, 20).filter(lambda x: x != medial))
    else:
        final = draw(st.sampled_from([0, 4, 8, 16, 21]).filter(lambda x: x != final))
    return word[:i] + _syllable(initial, medial, final) + word[i + 1 :]


@given(data=st.data(), family=st.sampled_from(FAMILY), given_name=st.sampled_from(GIVEN))
def test_one_korean_typo_anywhere_is_caught_and_offered(data, family, given_name):
    meant = _contact("1", given_name, family)
    typed = data.draw(_jamo_typo(family + given_name))
    assert _caught(near_searches(typed), meant), typed
    assert rank(typed, [meant]) == [meant], typed
