"""Everything the bot says in chat, in English and Korean, by key: `text(lang, key, **values)`
(the lines themselves are cards/messages.py's table).

Values are usually user data (names, emails, what someone typed), so `text` shows them through
`render.shown`: one line, truncated, no markdown links. Korean sentences are written so that no
particle follows a placeholder (은/는, 을/를 depend on the last syllable of the value).
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from typing import Any

from cards.labels import field_label, pick, reason_text
from cards.messages import MESSAGES
from cards.render import shown
from contacts.errors import (
    ContactChanged,
    ContactNotFound,
    ContactsError,
    DuplicateContact,
    HubSpotRejectedToken,
    HubSpotUnavailable,
    InvalidContact,
    RateLimited,
)


def language_for(locale: str | None, default: str = "en") -> str:
    """'ko' for a Korean locale (`ko`, `ko-KR`, `ko_KR`), 'en' for any other given locale,
    `default` when none is given (Teams sometimes sends no locale)."""
    code = (locale or "").strip().lower().replace("_", "-")
    if not code:
        return default if default in ("en", "ko") else "en"
    return "ko" if code.split("-", 1)[0] == "ko" else "en"


class _Values(dict[str, Any]):
    """Format values: user data is shown safely; a value the caller forgot stays visible as
    `{name}` rather than failing the whole turn."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


# Link syntax in a chat message's markdown: `[text](url)`. A value in a message must not turn
# into a link with other text, so `](` gets an invisible break (cards need no such trick: their
# values sit in TextRuns, which are never markdown).
_LINK = re.compile(r"\]\s*\(")


def in_message(value: Any) -> str:
    """A user-data value for a chat message: one short line, no markdown link syntax."""
    return _LINK.sub("]\u200b(", shown(value, 200))


def text(lang: str, key: str, **values: Any) -> str:
    """A chat message by key, in `lang` (English when there is no translation).
    An unknown key raises KeyError: that is a bug the tests must catch."""
    template = pick(lang, MESSAGES[key])
    safe = _Values(
        {
            name: value if isinstance(value, int) else in_message(value)
            for name, value in values.items()
        }
    )
    return string.Formatter().vformat(template, (), safe)


def refusal_text(lang: str, reason: str) -> str:
    """What to say to someone the access policy refuses: its reason when that is a message key,
    else the generic refusal (`not_allowed`). Never the raw key."""
    return text(lang, reason if reason in MESSAGES else "not_allowed")


def errors_text(lang: str, errors: Sequence[ContactsError]) -> str:
    """Several values refused at once (a form sent back): one line naming each, so the user
    fixes them all in one go."""
    invalid = [e for e in errors if isinstance(e, InvalidContact) and e.field != "*"]
    if len(invalid) < 2 or len(invalid) != len(errors):
        return "\n".join(error_text(lang, e) for e in errors)
    problems = " ".join(
        f"{field_label(lang, e.field)}: {reason_text(lang, e.reason_code)}." for e in invalid
    )
    return text(lang, "invalid_fields", problems=problems)


def error_text(lang: str, error: ContactsError) -> str:
    """The message for any ContactsError, so every flow answers a failure the same way."""
    if isinstance(error, InvalidContact):
        if error.field == "*" and error.reason_code == "empty":
            return text(lang, "nothing_to_change")
        label = field_label(lang, error.field)
        if error.reason_code == "read_only":
            return text(lang, "read_only", field=label)
        return text(lang, "invalid_field", field=label, reason=reason_text(lang, error.reason_code))
    if isinstance(error, DuplicateContact):
        email = error.existing.email if error.existing is not None else ""
        if not email:
            return text(lang, "duplicate_id", id=error.existing_id or "?")
        return text(lang, "duplicate", email=email)
    if isinstance(error, ContactNotFound):
        return text(lang, "not_found", query=error.key)
    if isinstance(error, ContactChanged):
        return text(lang, "update_changed", name=error.current.display_name)
    if isinstance(error, RateLimited):
        return text(lang, "hubspot_rate_limited")
    if isinstance(error, HubSpotRejectedToken):
        return text(lang, "hubspot_misconfigured")
    if isinstance(error, HubSpotUnavailable):
        key = "write_unknown" if error.write_may_have_happened else "hubspot_unavailable"
        return text(lang, key)
    return text(lang, "error")
