"""ContactsService.near spends HubSpot's search budget (5 a second for the whole account)
sparingly: one search when it finds someone close, a second only when the first found no one
close and the budget has room right now, none for a name too short to guess from. A fake
HubSpot answers each body with the contacts its filters would match."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping
from typing import Any

import pytest

from contacts.model import Contact, SearchPage
from contacts.service import ContactsService

pytestmark = pytest.mark.timeout(10)


class TokenSearch:
    """Searches over a list of contacts with HubSpot's CONTAINS_TOKEN `*` semantics."""

    def __init__(self, contacts: list[Contact], *, free: bool = True) -> None:
        self.contacts = contacts
        self.free = free
        self.bodies: list[Mapping[str, Any]] = []

    async def search(self, body: Mapping[str, Any]) -> SearchPage:
        self.bodies.append(body)
        found = [c for c in self.contacts if self._matches(body, c)][: body["limit"]]
        return SearchPage(len(found), found)

    def search_is_free(self) -> bool:
        return self.free

    @staticmethod
    def _matches(body: Mapping[str, Any], contact: Contact) -> bool:
        return any(
            all(
                any(
                    fnmatch.fnmatchcase(tok, f["value"])
                    for tok in re.findall(r"[^\W_]+", contact.get(f["propertyName"]).lower())
                )
                for f in group["filters"]
            )
            for group in body["filterGroups"]
        )


PEOPLE = [
    Contact("1", {"firstname": "Jennifer", "lastname": "Taylor"}),
    Contact("2", {"firstname": "민준", "lastname": "김"}),
]


async def _near(adapter: TokenSearch, name: str) -> list[str]:
    service = ContactsService(adapter)  # type: ignore[arg-type]  # near needs search alone
    try:
        return [c.id for c in await service.near(name)]
    finally:
        await service.aclose()


async def test_one_search_when_the_first_finds_the_name():
    hub = TokenSearch(PEOPLE)
    assert await _near(hub, "Jenifer Tailor") == ["1"]
    assert await _near(hub, "김민중") == ["2"]
    assert len(hub.bodies) == 2  # one each


async def test_a_second_search_only_when_the_first_found_no_one_close():
    hub = TokenSearch(PEOPLE)
    assert await _near(hub, "Tqylor Jennifer") == ["1"]  # family name first, its start mistyped
    assert len(hub.bodies) == 2
    hub.bodies.clear()
    assert await _near(hub, "Zed Quixote") == []
    assert len(hub.bodies) == 2


async def test_no_second_search_while_the_budget_is_busy():
    hub = TokenSearch(PEOPLE, free=False)
    assert await _near(hub, "Zed Quixote") == []
    assert len(hub.bodies) == 1


async def test_no_search_for_a_name_too_short_to_guess_from():
    hub = TokenSearch(PEOPLE)
    assert await _near(hub, "Al") == []
    assert await _near(hub, "") == []
    assert hub.bodies == []
