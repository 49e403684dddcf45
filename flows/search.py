"""The search flow: the search form, a page of results with More, "Did you mean ...?" for a
misspelt name, and one contact shown when chosen. Shared by the buttons and typed commands.

Failures from HubSpot come back as one clear line (`Turn.failed`), never a traceback. The
contacts shown become the conversation's focus ("her" in the next line means them).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import cards
from cards import text
from cards.lifecycle import CardKind
from contacts.errors import (
    ContactsError,
    InvalidContact,
)
from contacts.model import Contact, SearchCriteria, SearchPage
from contacts.owners import OWNER_PROPERTY
from contacts.service import ContactsService
from flows.searched import create_prefill, typo_name
from flows.turn import Turn

PAGE_SIZE = 10
log = logging.getLogger(__name__)


class SearchFlow:
    """Search (with paging). `contacts` is the shared ContactsService; the turn says which
    HubSpot owner the user is ("my contacts")."""

    def __init__(self, *, contacts: ContactsService) -> None:
        self._contacts = contacts

    # -- search -------------------------------------------------------------------------------

    async def show_search_form(
        self,
        turn: Turn,
        intro_key: str | None = "chose_search",
        prefill: Mapping[str, str] | None = None,
    ) -> None:
        intro = text(turn.lang, intro_key) if intro_key else ""
        await turn.say(intro, await self._search_form(turn, prefill))

    async def _search_form(self, turn: Turn, prefill: Mapping[str, str] | None) -> cards.Card:
        """The search form, with "My contacts" only for a user who is a HubSpot owner (the
        lookup is kept per user: bots/owners.py, contacts/owners.py); a lookup that fails
        costs the button, not the form."""
        try:
            mine = (await turn.owner()).owner is not None
        except ContactsError as exc:
            log.info("search form without My contacts: the owner lookup failed (%s)", exc.code)
            mine = False
        return cards.search_form(turn.lang, turn.nonce, dict(prefill or {}), mine=mine)

    async def search(
        self,
        turn: Turn,
        criteria: SearchCriteria,
        *,
        after: str = "",
        offset: int = 0,
        mine: bool = False,
    ) -> None:
        """Show one page of results (or say that nothing matched and offer Create). `mine`
        keeps the contacts the user owns in HubSpot ("my contacts")."""
        if mine:
            try:
                me = await turn.owner()
            except ContactsError as exc:
                await turn.failed(exc)
                return
            if me.owner is None:
                key = "no_owner" if me.email else "no_owner_unknown_user"
                await turn.say(text(turn.lang, key, email=me.email))
                return
            owned = {"propertyName": OWNER_PROPERTY, "operator": "EQ", "value": me.owner.id}
            criteria = replace(criteria, filters=(*criteria.filters, owned))
        if criteria.is_empty():
            await self.show_search_form(turn, "search_empty")
            return
        asked = criteria
        try:
            page = await self._contacts.search(
                criteria, limit=PAGE_SIZE, after=after or None, region=turn.region
            )
            words = _one_loose_value(criteria)
            if not page.results and not after and words:
                # "삼성물산 찾아줘", "find Initech" typed in the name box, "LG 담당자" read as a
                # company: no one matched that field, so look for the words anywhere (company,
                # email, ...), as HubSpot's search box does. More then carries the free text.
                criteria = SearchCriteria(text=words)
                page = await self._contacts.search(criteria, limit=PAGE_SIZE, region=turn.region)
        except InvalidContact as exc:
            await turn.failed(exc, await self._search_form(turn, _prefill(criteria)))
            return
        except ContactsError as exc:
            await turn.failed(exc)
            return
        turn.data.last_search = {"criteria": criteria.to_dict(), "offset": offset}
        if not page.results:
            turn.data.focus_on([])  # a new search replaces what "her" meant
            if after:
                await turn.say(text(turn.lang, "no_more_results"))
            elif (
                mine and len(criteria.filters) == 1 and not _searched(replace(criteria, filters=()))
            ):
                await turn.say(text(turn.lang, "no_own_contacts"))
            else:
                await self._nothing_found(turn, asked)
            return
        await self._show_page(turn, page, criteria.to_dict(), offset)

    async def _show_page(
        self, turn: Turn, page: SearchPage, criteria: dict[str, Any], offset: int
    ) -> None:
        turn.data.remember_ids(c.id for c in page.results[:PAGE_SIZE])
        turn.data.focus_on(c.id for c in page.results[:PAGE_SIZE])  # "her": the one shown
        # The card says "Showing 1–10 of 37": no line above it counts them again.
        await turn.card(
            cards.results_card(turn.lang, turn.nonce, page, criteria, offset),
            kind=CardKind.RESULTS,
        )

    async def _nothing_found(self, turn: Turn, asked: SearchCriteria) -> None:
        """No one matched: for a name, the contacts whose names are a typo away ("Did you
        mean ...?", each shown only when chosen: nothing is ever done to a guess); else the
        no-results card. Either offers Create, filled in with what was searched."""
        prefill = create_prefill(asked)
        near: list[Contact] = []
        name = typo_name(asked)
        if name:
            try:
                near = await self._contacts.near(name, company=asked.company)
            except ContactsError as exc:  # only the suggestions are lost
                log.info("no near matches: the search failed (%s)", exc.code)
        query = _searched(asked)
        if near:
            turn.data.remember_ids(c.id for c in near)
            key = "near_match" if len(near) == 1 else "near_matches"
            await turn.say(
                text(turn.lang, key, query=query, name=near[0].display_name),
                cards.near_matches_card(turn.lang, turn.nonce, near, prefill),
            )
            return
        await turn.say(
            text(turn.lang, "no_results", query=query),
            cards.no_results_card(turn.lang, turn.nonce, prefill),
        )

    async def show_contact(self, turn: Turn, contact_id: str) -> None:
        """A "Did you mean ...?" row was chosen: that contact, as a search finding only them
        would show it (its Update button then goes the usual way, through Confirm)."""
        try:
            contact = await self._contacts.get(contact_id)
        except ContactsError as exc:
            await turn.failed(exc)
            return
        await self._show_page(turn, SearchPage(total=1, results=[contact]), {}, 0)

    # -- create -------------------------------------------------------------------------------


def _one_loose_value(criteria: SearchCriteria) -> str:
    """The value of a search by a name alone or a company alone ('' otherwise)."""
    for value in (criteria.name, criteria.company):
        if value and criteria.to_dict() == SearchCriteria(name=value).to_dict() | {
            "name": criteria.name,
            "company": criteria.company,
        }:
            return value
    return ""


def _searched(criteria: SearchCriteria) -> str:
    """What was searched for, as the user gave it ("Contoso", "Kim, Globex")."""
    values = [criteria.email, criteria.name, criteria.company, criteria.phone, criteria.text]
    values += [str(f.get("value") or "") for f in criteria.filters]
    return ", ".join(v for v in values if v)


def _prefill(criteria: SearchCriteria) -> dict[str, str]:
    return {k: v for k, v in criteria.to_dict().items() if isinstance(v, str) and v}
