"""Standard forms for values a user types, so the same person is stored the same way each time.

`contacts.validation` already checks and normalises emails (trimmed, lower-cased), phones
(E.164, read in the user's region) and single-spaces names and places; this adds what it did
not do, and `validation.normalise_value` applies it on every write:

- a person's name typed all in lower case or all in capitals gets capitals ("jane o'neil" ->
  "Jane O'Neil", "KIM MIN-JI" -> "Kim Min-Ji"); a name typed with mixed case is the user's
  spelling and stays ("McDonald", "DeShawn", "van Gogh"); a Korean name has no case and stays;
- a website gets a scheme ("acme.com" -> "https://acme.com") and a lower-case host.

Pure functions; the duplicate rules (`contacts.duplicates`) fold values further for comparing,
never for storing.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from contacts.errors import InvalidContact
from contacts.korean import has_hangul

_SPACES = re.compile(r"\s+")
_WORD_PART = re.compile(r"([^\W\d_]+)", re.UNICODE)
# Name particles written lower case inside a name ("Ludwig van Beethoven", "Maria da Silva").
PARTICLES = frozenset(
    {"van", "von", "der", "den", "de", "da", "di", "del", "dos", "du", "la", "le"}
)
_HOST = re.compile(r"^[a-z0-9\-._~%]+(\.[a-z0-9\-]+)+(:\d{1,5})?$|^localhost(:\d{1,5})?$")


def single_spaced(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def person_name(text: str) -> str:
    """A first or last name as stored: single-spaced, capitalised only when typed all lower or
    all upper case, Korean names as typed."""
    name = single_spaced(text)
    if not name or has_hangul(name):
        return name
    cased = [c for c in name if c.isalpha() and c.lower() != c.upper()]
    if not cased or not (all(c.islower() for c in cased) or all(c.isupper() for c in cased)):
        return name
    words = name.lower().split(" ")
    return " ".join(w if i > 0 and w in PARTICLES else _capitalise(w) for i, w in enumerate(words))


def _capitalise(word: str) -> str:
    """Each letter run after a hyphen or apostrophe starts with a capital ("o'neil-smith")."""
    return _WORD_PART.sub(lambda m: m.group(1)[:1].upper() + m.group(1)[1:], word)


def website(text: str, *, field: str = "website") -> str:
    """`https://` added when no scheme was typed; the host lower-cased. Raises InvalidContact
    for what cannot be a web address (spaces, no dot in the host)."""
    value = text.strip()
    if not value:
        return ""
    if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.\-]*://", value):
        value = "https://" + value.lstrip("/")
    parts = urlsplit(value)
    host = parts.netloc.lower()
    if parts.scheme.lower() not in ("http", "https") or not _HOST.match(host) or " " in value:
        raise InvalidContact(
            field,
            "invalid_url",
            f"That isn't a web address: {text.strip()!r}. For example: acme.com or "
            "https://www.acme.com",
        )
    return urlunsplit((parts.scheme.lower(), host, parts.path, parts.query, parts.fragment))
