"""Chat messages, validation reasons and locale handling in English and Korean."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import cards
from cards.labels import REASONS, UI
from cards.lifecycle import STATUS
from cards.messages import MESSAGES
from contacts.errors import (
    ContactChanged,
    ContactNotFound,
    DuplicateContact,
    HubSpotRejectedToken,
    HubSpotUnavailable,
    InvalidContact,
    RateLimited,
)
from contacts.model import Contact

HANGUL = re.compile("[\uac00-\ud7a3]")
REQUIRED_KEYS = (
    "chose_search",
    "chose_create",
    "chose_update",
    "no_results",
    "created_same_name_warning",
    "duplicate",
    "card_used",
    "card_replaced",
    "update_cancelled",
    "update_changed",
    "nothing_to_change",
    "invalid_field",
    "not_found",
    "hubspot_unavailable",
    "hubspot_rate_limited",
    "write_unknown",
    "stale_card",
    "bad_submit",
    "message_too_long",
    "read_only",
    "typing",
)


@pytest.mark.parametrize(
    ("locale", "default", "expected"),
    [
        ("ko", "en", "ko"),
        ("ko-KR", "en", "ko"),
        ("KO_kr", "en", "ko"),
        ("en-US", "ko", "en"),
        ("de-DE", "ko", "en"),
        ("kok-IN", "en", "en"),
        (None, "ko", "ko"),
        ("", "en", "en"),
        ("  ", "ko", "ko"),
        (None, "fr", "en"),
    ],
)
def test_language_for(locale, default, expected):
    assert cards.language_for(locale, default) == expected


def test_all_required_keys_exist_in_both_languages():
    for key in REQUIRED_KEYS:
        assert key in MESSAGES, key
    for table in (MESSAGES, UI, REASONS, STATUS):
        for key, entry in table.items():
            assert set(entry) == {"en", "ko"}, key
            assert not HANGUL.search(entry["en"]), key
            assert HANGUL.search(entry["ko"]), key
            # Both languages take the same placeholders.
            names = [set(re.findall(r"\{(\w+)\}", entry[lang])) for lang in ("en", "ko")]
            assert names[0] == names[1], key


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "Search contacts — tell me what to look for."),
        ("ko", "연락처 검색 — 무엇을 찾을지 알려 주세요."),
        ("fr", "Search contacts — tell me what to look for."),
    ],
)
def test_text_by_key(lang, expected):
    assert cards.text(lang, "chose_search") == expected


def test_text_fills_values_safely():
    assert cards.text("en", "not_found", query="Jane Doe") == (
        "I couldn't find a contact matching Jane Doe."
    )
    assert (
        cards.text("ko", "not_found", query="김민수") == "일치하는 연락처를 찾지 못했어요: 김민수"
    )
    assert cards.text("en", "message_too_long", length=5000, limit=4000) == (
        "That message is too long (5000 characters; the limit is 4000). Please shorten it."
    )
    hostile = cards.text(
        "en", "not_found", query="[x](https://evil.test) {0} {query}\n" + "a" * 500
    )
    assert "](" not in hostile and "\n" not in hostile and len(hostile) < 260
    assert cards.text("en", "not_found") == (  # a forgotten value stays visible
        "I couldn't find a contact matching {query}."
    )
    with pytest.raises(KeyError):
        cards.text("en", "no_such_key")


@pytest.mark.parametrize(
    ("lang", "error", "expected"),
    [
        (
            "en",
            InvalidContact("email", "invalid_email", "bad"),
            "Email: not a valid email address. Nothing was saved.",
        ),
        (
            "ko",
            InvalidContact("phone", "invalid_phone", "bad"),
            "전화번호: 올바른 전화번호가 아니에요 (국가 번호 포함, 예: +82). "
            "아무것도 저장하지 않았어요.",
        ),
        (
            "en",
            InvalidContact("*", "empty", "no change"),
            "Those values are already set, so there is nothing to change.",
        ),
        (
            "en",
            InvalidContact("hs_object_id", "read_only", "ro"),
            "Record ID cannot be changed here. Nothing was saved.",
        ),
        (
            "en",
            InvalidContact("favourite_colour", "unknown_property", "?"),
            "favourite_colour: not a field this assistant can change. Nothing was saved.",
        ),
        (
            "en",
            DuplicateContact(Contact("5", {"email": "jane@acme.com"})),
            "A contact with the email jane@acme.com already exists, "
            "so I did not create another one.",
        ),
        (
            "en",
            DuplicateContact(None, "77"),
            "A contact with that email already exists (record #77), "
            "so I did not create another one.",
        ),
        ("ko", ContactNotFound("x@y.com"), "일치하는 연락처를 찾지 못했어요: x@y.com"),
        (
            "en",
            RateLimited(2.0),
            "HubSpot is busy (its rate limit was reached). Please try again in a few seconds.",
        ),
        (
            "en",
            HubSpotUnavailable(),
            "HubSpot isn't answering right now. Nothing was changed; please try again in a minute.",
        ),
        (
            "en",
            HubSpotRejectedToken(401),
            "I can't use HubSpot: this bot's HubSpot access is not set up correctly, so trying "
            "again will not help. Nothing was changed. Please tell whoever runs this bot.",
        ),
    ],
)
def test_error_text_for_every_contacts_error(lang, error, expected):
    assert cards.error_text(lang, error) == expected


def test_write_unknown_and_changed_say_so():
    unknown = cards.error_text("en", HubSpotUnavailable(write_may_have_happened=True))
    assert "may or may not have been saved" in unknown
    changed = cards.error_text("ko", ContactChanged(Contact("1", {"firstname": "민수"})))
    assert "민수" in changed and "저장하지 않았어요" in changed


def test_every_reason_code_is_translated():
    for code in (
        "invalid_email",
        "invalid_phone",
        "too_long",
        "unknown_property",
        "read_only",
        "empty",
        "invalid_value",
    ):
        assert cards.reason_text("en", code) != cards.reason_text("ko", code)
    assert cards.reason_text("en", "brand_new_code") == "not an accepted value"


def test_no_string_is_dead():
    """Every message and label is used by the code (a key left behind by a removed feature
    is a translation nobody maintains). Keys built as f"headline_{...}" count as used."""
    root = Path(__file__).resolve().parents[2]
    source = (
        "\n".join(
            path.read_text(encoding="utf-8")
            for folder in ("app.py", "bots", "flows", "agent", "cards", "webchat", "contacts")
            for path in (
                [root / folder] if folder.endswith(".py") else (root / folder).rglob("*.py")
            )
            if path.name not in ("strings.py", "labels.py", "messages.py")
        )
        + (root / "cards" / "strings.py").read_text(encoding="utf-8").split("def ", 1)[1]
    )
    dead = [
        key
        for table in (MESSAGES, UI, REASONS)
        for key in table
        if not re.search(rf"[\"']{re.escape(key)}[\"']", source) and not key.startswith("headline_")
    ]
    assert dead == []
