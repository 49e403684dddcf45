"""What people see on the cards, in English and Korean, and the data each button sends back."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import cards
from cards.render import TemplateError, render
from contacts.model import EDITABLE_PROPERTIES, Change, Contact, PendingUpdate, SearchPage
from tests.cards.test_cards_schema import (
    CRITERIA,
    EVIL,
    HOSTILE,
    JANE,
    KIM,
    LONG,
    LONGC,
    NONCE,
    PENDING,
)
from tests.support.cardread import element_text, facts, heading


def _texts(node: Any) -> list[str]:
    """Every string a person can read on the card (text, titles, labels, facts, values)."""
    out: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in (
                "text",
                "title",
                "label",
                "value",
                "placeholder",
                "errorMessage",
            ) and isinstance(value, str):
                out.append(value)
            elif key != "data":
                out.extend(_texts(value))  # TextRuns in "inlines" too
    elif isinstance(node, list):
        for value in node:
            out.extend(_texts(value))
    return out


def _actions(node: Any) -> list[dict[str, Any]]:
    from tests.cards.test_cards_schema import _actions as find

    return find(node)


def _inputs(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in card["body"] if e.get("type") == "Input.Text"}


@pytest.mark.parametrize(
    ("lang", "title", "buttons"),
    [
        (
            "en",
            "HubSpot Contact Assistant",
            ["Search contacts", "Create contact", "Update contact"],
        ),
        ("ko", "HubSpot 연락처 도우미", ["연락처 검색", "연락처 만들기", "연락처 수정"]),
    ],
)
def test_welcome_card_has_title_sentence_and_three_buttons(lang, title, buttons):
    card = cards.welcome_card(lang, NONCE)
    assert heading(card) == title
    assert len(card["body"]) == 2 and card["body"][1]["text"].endswith(".")
    assert [a["title"] for a in card["actions"]] == buttons
    assert [a["data"] for a in card["actions"]] == [
        {"action": "start_search", "nonce": NONCE},
        {"action": "start_create", "nonce": NONCE},
        {"action": "start_update", "nonce": NONCE},
    ]


def test_search_form_asks_for_the_five_criteria_with_labels_and_styles():
    card = cards.search_form("en", NONCE, {"company": "Acme"})
    inputs = _inputs(card)
    assert list(inputs) == ["email", "name", "company", "phone", "text"]
    assert inputs["email"]["style"] == "email" and inputs["phone"]["style"] == "tel"
    assert inputs["company"]["value"] == "Acme" and "value" not in inputs["name"]
    assert all(i["label"] for i in inputs.values())
    assert card["actions"][0]["data"] == {"action": "search_submit", "nonce": NONCE}


def test_results_card_shows_ten_rows_the_range_and_more():
    people = [
        Contact(
            str(i),
            {
                "firstname": f"P{i}",
                "email": f"p{i}@x.com",
                "company": "Acme",
                "phone": f"+1415555{i:04d}",
            },
        )
        for i in range(12)
    ]
    card = cards.results_card("en", NONCE, SearchPage(37, people, "10"), CRITERIA)
    assert card["body"][1]["text"] == "Showing 1–10 of 37"
    rows = card["body"][2:]
    assert len(rows) == 10
    first = rows[0]["items"]  # name; email; phone · company; the buttons under them
    assert element_text(first[0]) == "P0"
    assert [element_text(e) for e in first[1:3]] == ["p0@x.com", "+1 415-555-0000 · Acme"]
    button = first[3]["columns"][0]["items"][0]["actions"][0]
    assert button["title"] == "Update"
    assert button["data"] == {"action": "update_pick", "nonce": NONCE, "contact_id": "0"}
    more = card["actions"][0]
    assert more["title"] == "More results"
    assert more["data"] == {
        "action": "search_more",
        "nonce": NONCE,
        "after": "10",
        "offset": 10,
        "criteria": CRITERIA,
    }


def test_results_card_second_page_counts_from_offset_and_has_no_more_at_the_end():
    card = cards.results_card("ko", NONCE, SearchPage(37, [JANE] * 7, None), CRITERIA, offset=30)
    assert card["body"][1]["text"] == "전체 37개 중 31–37"
    assert [a["data"]["action"] for a in card["actions"]] == ["start_search"]


def test_no_results_card_offers_create():
    card = cards.no_results_card("en", NONCE)
    # The line above it says nothing matched; the card offers what next.
    assert "or create the contact" in " ".join(_texts(card))
    assert {"action": "start_create", "nonce": NONCE} in [a["data"] for a in card["actions"]]


@pytest.mark.parametrize(
    ("headline", "en"),
    [
        ("created", "Contact created"),
        ("updated", "Contact updated"),
        ("existing", "This contact already exists"),
        ("found", "Contact"),
    ],
)
def test_contact_card_lists_fields_as_facts(headline, en):
    card = cards.contact_card("en", NONCE, JANE, headline)
    assert heading(card) == en
    assert element_text(card["body"][1]) == "Jane Doe"
    rows = facts(card)
    assert rows["Email"] == "jane@acme.com" and rows["Job title"] == "CTO"
    assert "Mobile phone" not in rows  # empty fields are not shown
    assert card["actions"][0]["data"] == {
        "action": "update_pick",
        "nonce": NONCE,
        "contact_id": "101",
    }


def test_korean_contact_card_uses_korean_labels():
    assert facts(cards.contact_card("ko", NONCE, KIM, "found")) == {
        "이름": "민수",
        "성": "김",
        "이메일": "minsu@example.kr",
        "휴대폰 번호": "010-1234-5678",  # a Korean number, shown as Koreans write it
        "회사": "한빛",
    }


def test_duplicate_card_shows_the_existing_contact_and_offers_update():
    card = cards.duplicate_card("ko", NONCE, JANE)
    assert "jane@acme.com" in _texts(card)
    assert card["actions"][0]["data"]["action"] == "update_pick"
    assert card["actions"][0]["data"]["contact_id"] == "101"


def test_create_form_prefills_and_shows_the_error_in_attention():
    card = cards.create_form(
        "en",
        NONCE,
        {"firstname": "Jane", "email": "jane@"},
        error="Email: not a valid email address",
    )
    inputs = _inputs(card)
    assert list(inputs) == [
        *("firstname", "lastname", "email", "phone", "company", "jobtitle"),
        "owner_email",  # not a property: who owns the new contact, when not the creator
    ]
    assert inputs["firstname"]["value"] == "Jane" and inputs["email"]["value"] == "jane@"
    assert inputs["email"]["style"] == "email" and "isRequired" not in inputs["email"]
    error = [
        run for e in card["body"] for run in e.get("inlines", []) if run.get("color") == "Attention"
    ]
    assert [run["text"] for run in error] == ["Email: not a valid email address"]
    assert card["actions"][0]["data"] == {"action": "create_submit", "nonce": NONCE}
    assert not [e for e in cards.create_form("en", NONCE)["body"] if e.get("color")]


def test_create_form_keeps_a_mobile_number_from_a_typed_command():
    card = cards.create_form(
        "ko", NONCE, {"email": "hong@example.com", "mobilephone": "010-1111-2222"}
    )
    inputs = _inputs(card)
    assert inputs["mobilephone"]["value"] == "010-1111-2222"
    assert inputs["mobilephone"]["label"] == "휴대폰 번호"
    assert inputs["mobilephone"]["style"] == "tel"


def test_update_find_form_has_one_required_query():
    card = cards.update_find_form("ko", NONCE)
    assert list(_inputs(card)) == ["query"] and _inputs(card)["query"]["isRequired"]
    assert card["actions"][0]["data"] == {"action": "update_find", "nonce": NONCE}


@pytest.mark.parametrize(
    ("lang", "form", "title", "button"),
    [
        ("en", "create", "Create contact", "Use a form"),
        ("ko", "update", "연락처 수정", "양식으로 입력"),
    ],
)
def test_use_form_card_names_the_job_and_opens_its_form(lang, form, title, button):
    card = cards.use_form_card(lang, NONCE, form)
    assert heading(card) == title
    [action] = card["actions"]
    assert action["title"] == button
    assert action["data"] == {"action": "open_form", "nonce": NONCE, "form": form}


def test_refusal_text_says_the_reason_or_the_generic_no_never_the_key():
    assert cards.refusal_text("en", "not_allowed").startswith("Sorry, you are not allowed")
    assert cards.refusal_text("ko", "no_such_reason") == cards.text("ko", "not_allowed")
    assert cards.refusal_text("en", "read_only_user").startswith("You have read-only access")


def test_pick_contact_card_has_one_pick_per_contact():
    card = cards.pick_contact_card("en", NONCE, [JANE, KIM])
    picks = [a["data"] for a in _actions(card["body"])]
    assert picks == [
        {"action": "update_pick", "nonce": NONCE, "contact_id": "101"},
        {"action": "update_pick", "nonce": NONCE, "contact_id": "102"},
    ]


def test_update_form_is_prefilled_with_current_values_untruncated():
    card = cards.update_form("en", NONCE, LONGC)
    inputs = _inputs(card)
    assert list(inputs) == [
        "firstname",
        "lastname",
        "email",
        "phone",
        "mobilephone",
        "company",
        "jobtitle",
        "website",
        "city",
        "country",
    ]
    assert inputs["company"]["value"] == LONG  # submitting must not cut the stored value
    assert "value" not in inputs["country"]
    assert card["actions"][0]["data"] == {
        "action": "update_submit",
        "nonce": NONCE,
        "contact_id": "104",
    }
    assert len(heading(card)) < 100  # the title shows a shortened name


@pytest.mark.parametrize(
    ("lang", "empty", "confirm", "cancel"),
    [("en", "(empty)", "Confirm", "Cancel"), ("ko", "(없음)", "확인", "취소")],
)
def test_confirm_card_lists_old_to_new_with_confirm_and_cancel(lang, empty, confirm, cancel):
    card = cards.confirm_update_card(lang, NONCE, PENDING, "p-1")
    rows = list(facts(card).items())
    assert rows[0] == (cards.field_label(lang, "phone"), "+1 415-555-0100 → +1 415-555-0199")
    assert rows[1][1] == f"Acme → {empty}" and rows[2][1] == f"{empty} → VP Sales"
    assert [a["title"] for a in card["actions"]] == [confirm, cancel]
    assert [a["data"] for a in card["actions"]] == [
        {"action": "update_confirm", "nonce": NONCE, "pending_id": "p-1"},
        {"action": "update_cancel", "nonce": NONCE, "pending_id": "p-1"},
    ]
    assert "Jane Doe" in heading(card)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_help_card_explains_the_key_only_in_guided_mode(lang):
    guided = " ".join(_texts(cards.help_card(lang, NONCE, model_configured=False)))
    with_model = " ".join(_texts(cards.help_card(lang, NONCE, model_configured=True)))
    # Users are told free-form requests are off here; setting a key up is the README's job.
    assert "OPENAI_API_KEY" not in guided + with_model
    assert cards.ui(lang, "help_no_model") in guided
    assert cards.ui(lang, "help_no_model") not in with_model
    example = "find jane@acme.com" if lang == "en" else "김민수 찾아줘"
    assert example in guided
    assert len(cards.help_card(lang, NONCE, False)["actions"]) == 3


def test_contact_data_is_shown_as_text_never_as_structure_or_links():
    card = cards.contact_card("en", NONCE, EVIL, "found")
    rows = facts(card)
    assert list(rows) == ["First name", "Last name", "Email", "Company"]
    assert rows["Last name"] == "${$root.nonce}"  # not filled in from the card's data
    assert rows["Company"] == "{name} {0} %s"
    assert rows["First name"] == " ".join(HOSTILE.split())  # one line, otherwise as stored
    assert [a["type"] for a in _actions(card)] == ["Action.Submit"]
    form = _inputs(cards.update_form("en", NONCE, EVIL))
    assert form["firstname"]["value"] == HOSTILE  # inputs keep the exact value


def test_long_values_are_truncated_for_display():
    card = cards.contact_card("en", NONCE, LONGC, "found")
    assert all(len(t) <= 120 for t in _texts(card))
    assert next(iter(facts(card).values())).endswith("…")


def test_every_editable_property_has_a_label_in_both_languages():
    for name in EDITABLE_PROPERTIES:
        en, ko = cards.field_label("en", name), cards.field_label("ko", name)
        assert en != name and ko != name and en != ko


def test_render_refuses_a_template_naming_missing_data():
    with pytest.raises(TemplateError):
        render("menu", {"title": "x"})
    with pytest.raises(TemplateError):
        render("../strings", {})


def test_confirm_card_without_display_name_uses_the_id():
    card = cards.confirm_update_card(
        "en", NONCE, PendingUpdate("9", {}, (Change("city", "", ""),), ""), "p"
    )
    assert "#9" in heading(card)


def test_cards_and_typed_commands_do_not_load_the_bot_framework():
    code = (
        "import sys, cards, typed; "
        "print(sorted(m for m in sys.modules if m.startswith(('botbuilder', 'botframework'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parents[2],
    )
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("lang", "stage", "phone"),
    [
        ("en", "Marketing qualified lead", "+1 415-555-0100"),
        ("ko", "마케팅 적격 리드", "+1 415-555-0100"),
    ],
)
def test_stored_values_read_as_people_write_them_and_forms_show_phones_as_cards_do(
    lang, stage, phone
):
    contact = Contact(
        id="7",
        properties={
            "firstname": "Jane",
            "phone": "+14155550100",
            "lifecyclestage": "marketingqualifiedlead",
        },
    )
    shown_card = json.dumps(cards.contact_card(lang, "n", contact, "found"), ensure_ascii=False)
    assert stage in shown_card and phone in shown_card
    assert "marketingqualifiedlead" not in shown_card
    form = cards.update_form(lang, "n", contact)
    prefilled = {i["id"]: i.get("value") for i in form["body"] if i.get("type") == "Input.Text"}
    # As the card shows it; sent back unchanged it is no change (tests/flows/).
    assert prefilled["phone"] == phone
