"""Evidence of a write: does the contact HubSpot holds carry the values a write sent?

Why one module: after a create or an update whose answer was lost (a 5xx, a timeout, a cut
connection), what HubSpot holds now is the only evidence of what became of it, and inference
is wrong in both directions. "The email exists now" is not "our create made it": another user,
through another instance or HubSpot's own UI, may have added that email meanwhile. "The field
differs" is not "send the update again": another user may have changed it since the preview,
and a blind re-send would overwrite them. So the adapter's retries (`contacts.hubspot`), its
batch writes (`contacts.hubspot_batch`) and an instance that takes over a cut write all settle
an outcome the same way, here:

- a create is ours only if the contact carries every property the attempt sent (`carries`);
- an update is re-sent only for the fields that do not hold their new values yet, and only if
  each of those still holds what the preview showed (`resend`).

Values are compared as HubSpot stores them (hubspot_local/properties.py does the same): an
email trimmed and lower-cased; "" and a missing value alike (HubSpot clears a property set to
""); a datetime by its instant (HubSpot answers ISO 8601 whatever form was sent); a multiple
choice ("a;b") as a set; anything else as text, ignoring surrounding spaces and the Unicode
form (a Korean name typed decomposed is the same name).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import UTC, datetime

from contacts.errors import ContactChanged
from contacts.model import Contact


def same(name: str, sent: str | None, held: str | None) -> bool:
    """Does HubSpot holding `held` for property `name` mean it holds `sent`?"""
    a, b = _text(sent), _text(held)
    if a == b:
        return True
    if not a or not b:
        return False
    if name == "email":
        return a.lower() == b.lower()
    if ";" in a or ";" in b:
        return _choices(a) == _choices(b)
    if a.isdigit() and b.isdigit():  # two different numbers (or phone digits), never one instant
        return False
    instant_a, instant_b = _instant(a), _instant(b)
    return instant_a is not None and instant_a == instant_b


def unwritten(contact: Contact, values: Mapping[str, str | None]) -> dict[str, str | None]:
    """The `values` the contact does not hold yet (empty when it carries them all)."""
    return {
        name: value
        for name, value in values.items()
        if not same(name, value, contact.properties.get(name))
    }


def carries(contact: Contact, values: Mapping[str, str | None]) -> bool:
    """Does the contact hold every one of `values`? What makes a contact found after a failed
    create this attempt's own: anything else was made by someone else."""
    return not unwritten(contact, values)


def resend(
    contact: Contact,
    values: Mapping[str, str],
    expected: Mapping[str, str | None] | None = None,
) -> dict[str, str]:
    """What an update whose answer was lost may send again, read against `contact` as HubSpot
    holds it now: the fields that do not hold their new value yet ({} when every one does: the
    update is done). `expected` are the values the preview showed (a field's old value); a
    field that holds neither its old nor its new value was changed by someone else since,
    and raises ContactChanged(contact) rather than being overwritten. Without `expected`
    (a caller that had no preview) the fields not yet written are sent again."""
    todo = {name: value for name, value in values.items() if name in unwritten(contact, values)}
    if expected is not None:
        for name in todo:
            if name in expected and not same(name, expected[name], contact.properties.get(name)):
                raise ContactChanged(contact)
    return todo


def _text(value: str | None) -> str:
    return unicodedata.normalize("NFC", (value or "").strip())


def _choices(value: str) -> frozenset[str]:
    return frozenset(part.strip() for part in value.split(";") if part.strip())


def _iso(value: str) -> bool:
    return len(value) >= 10 and value[4:5] == "-" and value[:4].isdigit()


def _instant(value: str) -> float | None:
    """A datetime's instant: ISO 8601 (`Z` or an offset; a bare date is midnight UTC) or epoch
    milliseconds, as HubSpot accepts them; None for anything else."""
    if value.isdigit():
        return int(value) / 1000 if len(value) >= 12 else None  # ms since 1970, not a small number
    if not _iso(value):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()
