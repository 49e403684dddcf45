"""A contact's history card names an attempt for what it is: "being saved" while nobody knows
how it went, "not saved" when HubSpot did not take it; never "Updated"."""

from __future__ import annotations

from cards import history_card
from store import AuditEntry
from tests.support.cardread import texts


def _entry(outcome: str, action: str = "update") -> AuditEntry:
    return AuditEntry(
        1.0,
        "u1",
        "Ann",
        "msteams",
        "c1",
        action,
        "7",
        {"company": "Globex"},
        old={"company": "Acme"},
        outcome=outcome,
    )


def test_attempted_and_not_done_records_are_not_shown_as_saved():
    card = history_card(
        "en",
        "Jane Doe",
        "7",
        [_entry("attempted"), _entry("not-done"), _entry("not-done", "create")],
    )
    shown = " | ".join(texts(card))
    assert "Change being saved" in shown and "Change not saved" in shown
    assert "Create not saved" in shown and "Updated" not in shown
    korean = " | ".join(texts(history_card("ko", "Jane Doe", "7", [_entry("attempted")])))
    assert "수정 저장 중" in korean
