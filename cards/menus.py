"""The cards that offer the three jobs: welcome, help, the "didn't get that" menu, model
mode's "use a form" and the no-results card.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cards.actions import Action
from cards.forms import CREATE_FIELDS
from cards.labels import HELP_EXAMPLES, ui
from cards.parts import Card, button, button_data, start_buttons
from cards.render import render

_FORM_TITLES = {"search": "btn_search", "create": "btn_create", "update": "btn_update"}


def welcome_card(lang: str, nonce: str) -> Card:
    return render(
        "menu",
        {
            "title": ui(lang, "app_title"),
            "intro": ui(lang, "welcome_intro"),
            "examples": [],
            "note": None,
            "actions": start_buttons(lang, nonce),
        },
    )


def help_card(lang: str, nonce: str, model_configured: bool) -> Card:
    """Short help for typed commands plus the three buttons; when no model is configured it
    says that free-form requests are not switched on here (setting one up is the README's job,
    not the user's). The examples are TextRuns, so an example email is not made a link."""
    examples = HELP_EXAMPLES.get(lang, HELP_EXAMPLES["en"])
    return render(
        "menu",
        {
            "title": ui(lang, "help_title"),
            "intro": ui(lang, "help_intro"),
            "examples": [{"text": example} for example in examples],
            "note": None if model_configured else ui(lang, "help_no_model"),
            "actions": start_buttons(lang, nonce),
        },
    )


def menu_card(lang: str, nonce: str) -> Card:
    """Just the three buttons, under a short question: what goes with "I didn't get that"."""
    return render(
        "menu",
        {
            "title": ui(lang, "menu_title"),
            "intro": None,
            "examples": [],
            "note": None,
            "actions": start_buttons(lang, nonce),
        },
    )


def use_form_card(lang: str, nonce: str, form: str) -> Card:
    """Model mode's answer to a welcome button comes with this: the job's name and one button
    that opens its guided form instead (`form` is "search", "create" or "update")."""
    title = ui(lang, _FORM_TITLES.get(form, "btn_search"))
    return render(
        "menu",
        {
            "title": title,
            "intro": None,
            "examples": [],
            "note": None,
            "actions": [
                button(
                    ui(lang, "use_form"),
                    button_data(Action.OPEN_FORM, nonce, form=form),
                    needs_inputs=False,
                )
            ],
        },
    )


def no_results_card(lang: str, nonce: str, prefill: Mapping[str, str] | None = None) -> Card:
    """New search, or Create contact with the form filled in with what was searched
    (`prefill`: create fields, e.g. the name searched as firstname/lastname)."""
    return render(
        "menu",
        {
            # The line above the card says that nothing matched (and what was searched).
            "title": ui(lang, "no_results_title"),
            "intro": None,
            "examples": [],
            "note": None,
            "actions": search_or_create(lang, nonce, prefill),
        },
    )


def search_or_create(
    lang: str, nonce: str, prefill: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """New search and Create contact (prefilled): what a search that found no one offers."""
    values = {k: v for k, v in (prefill or {}).items() if k in CREATE_FIELDS and v}
    return [
        button(ui(lang, "new_search"), button_data(Action.START_SEARCH, nonce)),
        button(
            ui(lang, "btn_create"),
            button_data(Action.START_CREATE, nonce, **values),
            style="positive",
        ),
    ]
