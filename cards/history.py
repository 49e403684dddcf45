"""The change-history card an admin asks for: a contact's audit entries, newest first.

Every value on it that came from a user (names, emails, field values) goes into RichTextBlock
TextRuns through `shown`, as on every other card; only the bot's own words are TextBlocks.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from cards.labels import field_label, ui
from cards.render import render, shown
from cards.times import from_timestamp, local_time
from cards.values import display_value

if TYPE_CHECKING:
    from store.base import AuditEntry

MAX_ENTRIES = 20  # the card's length; the audit command shows the rest
_COLORS = {
    "applied": None,
    "refused": "Attention",
    "may-have-been-written": "Warning",
    "attempted": "Warning",
    "not-done": "Attention",
}
# (outcome, action) -> the caption's key; a refusal's reason -> its key
_WHAT = {
    ("applied", "create"): "history_create",
    ("applied", "update"): "history_update",
    ("refused", "create"): "history_refused_create",
    ("refused", "update"): "history_refused_update",
    ("may-have-been-written", "create"): "history_doubt_create",
    ("may-have-been-written", "update"): "history_doubt_update",
    ("attempted", "create"): "history_attempt_create",
    ("attempted", "update"): "history_attempt_update",
    ("not-done", "create"): "history_not_done_create",
    ("not-done", "update"): "history_not_done_update",
}
_REASONS = {
    "read_only": "history_reason_read_only",
    "not_allowed": "history_reason_not_allowed",
    "invalid": "history_reason_invalid",
    "duplicate": "history_reason_duplicate",
    "changed": "history_reason_changed",
}


def history_card(
    lang: str,
    name: str,
    contact_id: str,
    entries: Sequence[AuditEntry],
    *,
    more: bool = False,
    zone: str = "",
) -> dict[str, Any]:
    """`entries` newest first, at most MAX_ENTRIES shown; `more` when there are others. Times
    are in the reader's `zone` (cards/times.py; UTC when "")."""
    shown_entries = [_entry(lang, e, zone) for e in entries[:MAX_ENTRIES]]
    return render(
        "history",
        {
            "title": ui(lang, "history_title"),
            "name": shown(name, 60),
            "empty": ui(lang, "history_empty"),
            "entries": shown_entries,
            "more": ui(lang, "history_more", count=len(shown_entries), id=contact_id)
            if more
            else None,
        },
    )


def _entry(lang: str, entry: AuditEntry, zone: str) -> dict[str, Any]:
    when = local_time(lang, from_timestamp(entry.at), zone)
    what = ui(lang, _WHAT.get((entry.outcome, entry.action), "history_update"))
    reason = _REASONS.get(entry.reason.split(":", 1)[0])
    if entry.outcome == "refused" and reason:
        what += f" ({ui(lang, reason)})"
    who = ", ".join(v for v in (entry.actor_name, entry.actor_email) if v) or entry.actor_id
    empty = ui(lang, "empty_value")
    changes = []
    for key, new in entry.properties.items():
        old = entry.old.get(key, "")
        new_text = shown(display_value(lang, key, new), 80) or empty
        line = f"{field_label(lang, key)}: "
        if entry.action == "update":
            line += f"{shown(display_value(lang, key, old), 80) or empty} → "
        changes.append({"line": line + new_text})
    return {
        "when": when,
        "what": what,
        "color": _COLORS.get(entry.outcome),
        "who": f"{shown(who, 80)} · {shown(entry.channel, 20)}",
        "changes": changes,
    }
