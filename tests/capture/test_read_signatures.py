"""Every signature and business card of the data set is read field for field as a person would
fill the form: name (either order, honorifics off), email, mobile vs office number, company,
job title, website, city, country; and the reader names exactly the doubts it should."""

from __future__ import annotations

import pytest

from capture import FIELDS, ContactDraft, read_block
from tests.capture.cases import signature_cases

CASES = signature_cases()


def test_the_data_set_is_big_enough_in_both_languages():
    assert len(CASES) >= 40
    assert sum(c.lang == "en" for c in CASES) >= 20
    assert sum(c.lang == "ko" for c in CASES) >= 20
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_every_field_is_read(case):
    draft = read_block(case.text, case.region)
    got = {name: draft.get(name) for name in FIELDS}
    want = {name: case.expect.get(name, "") for name in FIELDS}
    assert got == want
    assert draft.other_emails == case.other_emails
    assert {(d.field, d.reason) for d in draft.doubts} == case.doubts


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_each_field_says_where_in_the_paste_it_was_read(case):
    draft = read_block(case.text, case.region)
    for name in FIELDS:
        assert draft.read_from_paste(name) == bool(case.expect.get(name))
        if draft.read_from_paste(name):
            assert draft.fields[name].source in case.text


def test_a_draft_survives_conversation_state():
    draft = read_block(CASES[0].text)
    assert ContactDraft.from_dict(draft.to_dict()) == draft


def test_what_is_not_a_person_gives_no_name():
    draft = read_block("Best regards,\n\nSent from my iPhone")
    assert draft.properties() == {}
    assert {(d.field, d.reason) for d in draft.doubts} == {
        ("email", "not_found"),
        ("firstname", "not_found"),
    }


def test_a_fax_number_is_never_stored():
    draft = read_block("Jane Doe\nFax: +1 212 555 0199\njane@acme.com")
    assert draft.get("phone") == draft.get("mobilephone") == ""


def test_a_local_number_without_a_country_is_kept_as_written_and_doubted():
    draft = read_block("Jane Doe\nMobile: (415) 555-0100\njane@acme.com")
    assert draft.get("mobilephone") == "(415) 555-0100"
    assert ("mobilephone", "phone_needs_country") in {(d.field, d.reason) for d in draft.doubts}
    assert read_block("Jane Doe\nMobile: (415) 555-0100", "US").get("mobilephone") == (
        "+14155550100"
    )


def test_the_command_a_paste_follows_is_no_field():
    english = read_block("add Jane Doe | Head of Sales | Acme Inc. | jane@acme.com")
    korean = read_block("새 연락처\n김민수 과장\n(주)한빛소프트\nminsu@hanbit.co.kr")
    assert english.properties() == {
        "firstname": "Jane",
        "lastname": "Doe",
        "email": "jane@acme.com",
        "company": "Acme Inc.",
        "jobtitle": "Head of Sales",
    }
    assert korean.properties() == {
        "firstname": "민수",
        "lastname": "김",
        "email": "minsu@hanbit.co.kr",
        "company": "(주)한빛소프트",
        "jobtitle": "과장",
    }
    assert read_block("Addison Lee\naddison@lee.com").get("firstname") == "Addison"
    assert read_block("New Horizons Inc.\nJane Doe").get("company") == "New Horizons Inc."
