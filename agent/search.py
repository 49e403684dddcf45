"""One search for every path: what SearchContact looks up for the model's query is what a typed
command looks up for the same words (bots/updates.py's candidates, the guided search).
Two searches for a word that may be a name or a company cost one more HubSpot call; a model
that misses a contact costs a duplicate.

Why it matters: HubSpot's free-text `query` alone finds no Korean full name ("김민준" is stored
as 김 + 민준), so a model that searched by free text found nobody and went on to create a
duplicate with an invented email. The name search (contacts/search_body.py) tries both name
orders and unspaced Korean names; the free text still finds a company or any other word.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from contacts.model import SearchCriteria

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[\d\s().\-]+$")


def search_choices(query: str, filters: tuple[Mapping[str, Any], ...]) -> list[SearchCriteria]:
    """The searches SearchContact makes, their results joined in this order (the same searches
    a typed command makes). An email is matched exactly and a phone number by its digits (what
    the user means by them); anything else both as a person's name (both orders, unspaced
    Korean "김민준") and as HubSpot's free text (a company, any word: "Acme" may be either)."""
    if not query:
        return [SearchCriteria(filters=filters)]
    if EMAIL.match(query):
        return [SearchCriteria(email=query, filters=filters)]
    if _PHONE.match(query) and sum(ch.isdigit() for ch in query) >= 7:
        return [SearchCriteria(phone=query, filters=filters)]
    return [
        SearchCriteria(name=query, filters=filters),
        SearchCriteria(text=query, filters=filters),
    ]
