"""Every card, in both languages, with ordinary, empty, long and hostile contact data, is a valid
Adaptive Card 1.5 (the official schema, JSON draft-06) — what Teams, Web Chat and the Emulator
need to render it at all."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import cards
from cards.actions import Action
from cards.duplicate_cards import duplicate_pairs_card, merge_card, possible_duplicates_card
from cards.paste import paste_list_card, paste_updates_card
from contacts.duplicates import SAME_NAME_COMPANY, SAME_PHONE, SIMILAR_NAME_COMPANY, DuplicatePair
from contacts.model import Change, Contact, PendingUpdate, SearchPage
from flows.submits import parse_submit
from tests.support.cardread import heading

# microsoft/AdaptiveCards schemas/1.5.0/adaptive-card.json (MIT, licence next to it).
SCHEMA_PATH = Path(__file__).parents[1] / "data" / "adaptivecards" / "adaptive-card-1.5.schema.json"

NONCE = "n0nce-3f9a"
LONG = "Very long value " * 400
HOSTILE = '"}], "actions": [{"type": "Action.OpenUrl"}] ${nonce} [click](https://evil.test) \n x'

JANE = Contact(
    "101",
    {
        "firstname": "Jane",
        "lastname": "Doe",
        "email": "jane@acme.com",
        "phone": "+14155550100",
        "company": "Acme",
        "jobtitle": "CTO",
        "website": "https://acme.com",
        "city": "Seoul",
        "country": "South Korea",
        "lifecyclestage": "lead",
        "mobilephone": None,
    },
)
KIM = Contact(
    "102",
    {
        "firstname": "민수",
        "lastname": "김",
        "email": "minsu@example.kr",
        "mobilephone": "+821012345678",
        "company": "한빛",
    },
)
EMPTY = Contact("103", {})
LONGC = Contact(
    "104",
    {
        name: LONG
        for name in (
            "firstname",
            "lastname",
            "email",
            "company",
            "phone",
            "jobtitle",
            "website",
            "city",
        )
    },
)
EVIL = Contact(
    "105",
    {
        "firstname": HOSTILE,
        "lastname": "${$root.nonce}",
        "email": HOSTILE,
        "company": "{name} {0} %s",
    },
)
PEOPLE = [JANE, KIM, EMPTY, LONGC, EVIL] * 3  # 15: more than a page
PAIRS = [
    DuplicatePair(keep=JANE, other=KIM, reasons=(SAME_PHONE,)),
    DuplicatePair(keep=LONGC, other=EVIL, reasons=(SAME_NAME_COMPANY, SIMILAR_NAME_COMPANY)),
]
PREFILL = {"firstname": "Jenifer", "lastname": "Tailor", "email": "x" * 300 + "@a.example"}
PENDING = PendingUpdate(
    contact_id="101",
    properties={"phone": "+14155550199", "company": "", "city": LONG},
    changes=(
        Change("phone", "+14155550100", "+14155550199"),
        Change("company", "Acme", ""),
        Change("jobtitle", "", "VP Sales"),
        Change("city", "Seoul", LONG),
        Change("firstname", HOSTILE, "Jane"),
    ),
    expected_version="2024-01-01T00:00:00Z",
    display_name="Jane Doe",
)
CRITERIA = {
    "email": "",
    "name": "Kim",
    "company": "Acme",
    "phone": "",
    "text": "",
    "filters": [{"propertyName": "city", "operator": "EQ", "value": "Seoul"}],
}


PASTE_ROWS = [
    {"row": n, "name": name, "email": "a@b.co", "company": "", "status": status, "why": why}
    for n, (name, status, why) in enumerate(
        [("Jane Doe", "new", ""), (HOSTILE, "existing", ""), ("", "invalid", LONG)] * 8, 2
    )
]


@dataclass(frozen=True)
class CardCase:
    name: str
    build: Callable[[str], dict[str, Any]]


def _build(make: Callable[..., dict[str, Any]], args: tuple[Any, ...], lang: str) -> dict[str, Any]:
    """One card of a family, per language (a partial, not a lambda: loop variables bind now)."""
    return make(lang, NONCE, *args)


CASES = [
    CardCase("welcome", lambda lang: cards.welcome_card(lang, NONCE)),
    *[
        CardCase(f"use_form_{form}", partial(_build, cards.use_form_card, (form,)))
        for form in ("search", "create", "update")
    ],
    CardCase("help_with_model", lambda lang: cards.help_card(lang, NONCE, True)),
    CardCase("help_guided", lambda lang: cards.help_card(lang, NONCE, False)),
    CardCase("search_form", lambda lang: cards.search_form(lang, NONCE)),
    CardCase(
        "search_form_prefill",
        lambda lang: cards.search_form(
            lang, NONCE, {"name": "Kim", "company": LONG, "text": HOSTILE}
        ),
    ),
    CardCase(
        "results_first_page",
        lambda lang: cards.results_card(lang, NONCE, SearchPage(37, PEOPLE, "10"), CRITERIA),
    ),
    CardCase(
        "results_last_page",
        lambda lang: cards.results_card(
            lang, NONCE, SearchPage(37, PEOPLE[:7], None), CRITERIA, offset=30
        ),
    ),
    CardCase(
        "results_empty", lambda lang: cards.results_card(lang, NONCE, SearchPage(0, [], None), {})
    ),
    CardCase("no_results", lambda lang: cards.no_results_card(lang, NONCE)),
    CardCase("near_matches", lambda lang: cards.near_matches_card(lang, NONCE, PEOPLE, PREFILL)),
    *[
        CardCase(
            f"contact_{headline}_{c.id}",
            partial(_build, cards.contact_card, (c, headline)),
        )
        for headline in ("created", "updated", "existing", "found", "other")
        for c in (JANE, KIM, EMPTY, LONGC, EVIL)
    ],
    *[
        CardCase(f"duplicate_{c.id}", partial(_build, cards.duplicate_card, (c,)))
        for c in (JANE, EMPTY, LONGC, EVIL)
    ],
    CardCase("create_form", lambda lang: cards.create_form(lang, NONCE)),
    CardCase(
        "create_form_prefill_error",
        lambda lang: cards.create_form(
            lang,
            NONCE,
            {
                "firstname": "Jane",
                "email": "not-an-email",
                "company": LONG,
                "mobilephone": "010-1111-2222",
            },
            error=cards.text(lang, "invalid_field", field="Email", reason=HOSTILE),
        ),
    ),
    CardCase("update_find_form", lambda lang: cards.update_find_form(lang, NONCE)),
    CardCase("pick_contact", lambda lang: cards.pick_contact_card(lang, NONCE, PEOPLE)),
    CardCase("pick_contact_none", lambda lang: cards.pick_contact_card(lang, NONCE, [])),
    *[
        CardCase(f"update_form_{c.id}", partial(_build, cards.update_form, (c,)))
        for c in (JANE, KIM, EMPTY, LONGC, EVIL)
    ],
    CardCase("update_form_error", lambda lang: cards.update_form(lang, NONCE, JANE, error=LONG)),
    CardCase("confirm_update", lambda lang: cards.confirm_update_card(lang, NONCE, PENDING, "p-1")),
    CardCase(
        "confirm_update_no_name",
        lambda lang: cards.confirm_update_card(lang, NONCE, PendingUpdate("9", {}, (), ""), "p-2"),
    ),
    # A pasted list's preview and its updates (cards/paste.py), hostile and long values too.
    CardCase(
        "paste_list",
        lambda lang: paste_list_card(lang, NONCE, "l-1", PASTE_ROWS, intro=HOSTILE),
    ),
    CardCase(
        "paste_updates",
        lambda lang: paste_updates_card(
            lang, NONCE, "l-2", [("Jane Doe", [("company", "", LONG)]), (HOSTILE, [])] * 12
        ),
    ),
    # Duplicates (issue 28): offered before a create, pairs to merge, a merge's preview.
    CardCase(
        "possible_duplicates",
        lambda lang: possible_duplicates_card(lang, NONCE, PAIRS, HOSTILE, "h-1"),
    ),
    CardCase("duplicate_pairs", lambda lang: duplicate_pairs_card(lang, NONCE, PAIRS)),
    CardCase(
        "merge",
        lambda lang: merge_card(lang, NONCE, JANE, EVIL, {"firstname": HOSTILE}, "h-2"),
    ),
]


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft6Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-06/schema#"
    jsonschema.Draft6Validator.check_schema(schema)
    return jsonschema.Draft6Validator(schema)


def _problems(validator: jsonschema.Draft6Validator, card: dict[str, Any]) -> list[str]:
    problems = []
    for error in validator.iter_errors(card):
        # anyOf errors hide the real cause; the deepest context names the bad element.
        causes = sorted(error.context or [error], key=lambda e: len(e.absolute_path))
        cause = causes[-1]
        problems.append(f"{'/'.join(map(str, cause.absolute_path))}: {cause.message[:200]}")
    return problems


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_every_card_is_valid_adaptive_card_1_5(validator, case: CardCase, lang: str):
    card = case.build(lang)
    assert _problems(validator, card) == []
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
    assert card["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json"
    # A card is what a bot sends over HTTP: it must survive JSON unchanged.
    assert json.loads(json.dumps(card)) == card


def test_the_validator_rejects_a_broken_card(validator):
    """Guards the test above: the schema really is strict about element properties."""
    card = cards.create_form("en", NONCE)
    card["body"][-1]["colour"] = "red"
    assert _problems(validator, card)
    card = cards.welcome_card("en", NONCE)
    del card["body"][0]["text"]
    assert _problems(validator, card)


def test_every_action_carries_an_action_name_and_the_nonce():
    names = set()
    for case in CASES:
        for lang in ("en", "ko"):
            for action in _actions(case.build(lang)):
                assert action["type"] == "Action.Submit", case.name
                assert action["title"].strip(), case.name
                assert action["data"]["nonce"] == NONCE, case.name
                names.add(action["data"]["action"])
                # What the bot's parser reads back is the action the card meant.
                assert parse_submit(_filled(action["data"])).action == action["data"]["action"]
    # The protocol has no action no card sends, and the cards send nothing outside it.
    assert names == {action.value for action in Action}


def _filled(data: dict[str, Any]) -> dict[str, Any]:
    """The submit a client posts for this button: its data plus the one required input."""
    return {"query": "jane@acme.com", **data}


def _elements(node: Any, wanted: Callable[[str], bool]) -> list[dict[str, Any]]:
    """Every element of the card whose `type` is `wanted`, depth first."""
    found = []
    if isinstance(node, dict):
        if wanted(str(node.get("type", ""))):
            found.append(node)
        for value in node.values():
            found.extend(_elements(value, wanted))
    elif isinstance(node, list):
        for value in node:
            found.extend(_elements(value, wanted))
    return found


def _actions(node: Any) -> list[dict[str, Any]]:
    return _elements(node, lambda kind: kind.startswith("Action."))


MARKUP_PROPERTIES = {
    "firstname": "**Bold**",
    "lastname": "_Lee_",
    "email": "ann@evil.example",
    "company": "https://evil.example/login",
    "jobtitle": "[click](https://evil.example)",
    "city": "www.evil.example",
    "website": "# Heading",
}
MARKUP = Contact("106", dict(MARKUP_PROPERTIES))
MARKUP_VALUES = [v for v in MARKUP_PROPERTIES.values() if v != "ann@evil.example"]


def _markup_cards(lang: str) -> list[dict[str, Any]]:
    pending = PendingUpdate(
        contact_id=MARKUP.id,
        properties={"company": "**Acme**"},
        changes=(Change("company", MARKUP.get("company"), "**Acme**"),),
        expected_version="1",
        display_name=MARKUP.display_name,
    )
    page = SearchPage(total=1, results=[MARKUP])
    return [
        *(cards.contact_card(lang, NONCE, MARKUP, h) for h in ("created", "updated", "found")),
        cards.duplicate_card(lang, NONCE, MARKUP),
        cards.pick_contact_card(lang, NONCE, [MARKUP]),
        cards.results_card(lang, NONCE, page, {"company": "evil"}),
        cards.update_form(lang, NONCE, MARKUP),
        cards.confirm_update_card(lang, NONCE, pending, "p-1"),
        cards.create_form(lang, NONCE, dict(MARKUP_PROPERTIES), error="_Lee_ **Bold**"),
    ]


def _text_elements(node: Any) -> list[dict[str, Any]]:
    return _elements(node, lambda kind: kind in ("TextBlock", "FactSet", "TextRun"))


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_crm_values_are_shown_as_text_never_as_markup(lang):
    """Teams and Web Chat read TextBlock and FactSet text as markdown (bold, links, bare URLs
    made clickable). A CRM value must only ever sit in a TextRun, which no host reads as
    markup, and there it is shown exactly as stored."""
    runs: list[str] = []
    for card in _markup_cards(lang):
        for element in _text_elements(card):
            if element["type"] == "TextRun":
                runs.append(element["text"])
                continue
            shown_as_markdown = json.dumps(element, ensure_ascii=False)
            leaked = [v for v in MARKUP_VALUES + ["**Acme**"] if v in shown_as_markdown]
            assert leaked == [], (heading(card), element)
    shown = " | ".join(runs)
    for value in MARKUP_VALUES + ["**Acme**"]:
        assert value in shown, value  # shown, unaltered, as text
