"""A contact's change history in chat, for admins (ADMIN_USERS): the audit log as a card.

Why in chat: the admin who hears "someone changed Jane's phone" is in Teams, not on the server
with `python -m store audit`. Only the audit log's entries about the contact are shown (its
record id, or the email a refused or unconfirmed create named it by); nothing secret is in it.
"""

from __future__ import annotations

import cards
from cards import text
from cards.history import MAX_ENTRIES
from contacts.errors import ContactNotFound, ContactsError, InvalidContact
from contacts.model import Contact, SearchCriteria
from contacts.service import ContactsService
from flows.turn import Turn
from store import Store


class HistoryFlow:
    def __init__(self, *, contacts: ContactsService, store: Store) -> None:
        self._contacts = contacts
        self._store = store

    async def show(self, turn: Turn, target: str) -> None:
        if not turn.admin:
            await turn.say(text(turn.lang, "history_admins_only"))
            return
        query = target.strip().lstrip("#")
        if not query:
            await turn.say(text(turn.lang, "history_which"))
            return
        try:
            found = await self._find(query)
        except ContactsError as exc:
            await turn.failed(exc)
            return
        if len(found) > 1:
            await turn.say(text(turn.lang, "history_many", count=len(found), query=query))
            return
        if found:
            contact = found[0]
            name, cid = contact.display_name, contact.id
            keys: tuple[str, ...] = (cid, contact.get("email"))
        elif "@" in query or query.isdigit():
            name, cid, keys = query, query if query.isdigit() else "", (query,)
        else:
            await turn.say(text(turn.lang, "not_found", query=query))
            return
        entries = await self._store.audit_log(MAX_ENTRIES + 1, contacts=keys)
        if not entries and not found:
            await turn.say(text(turn.lang, "not_found", query=query))
            return
        card = cards.history_card(
            turn.lang,
            name,
            cid or query,
            entries,
            more=len(entries) > MAX_ENTRIES,
            zone=turn.zone,
        )
        await turn.say(text(turn.lang, "history_shown", name=name), card)

    async def _find(self, query: str) -> list[Contact]:
        if query.isdigit():
            try:
                return [await self._contacts.get(query)]
            except ContactNotFound:
                return []
        if "@" in query:
            try:
                found = await self._contacts.find_by_email(query)
            except InvalidContact:
                found = None
            return [found] if found is not None else []
        try:
            page = await self._contacts.search(SearchCriteria(name=query), limit=10)
        except InvalidContact:
            return []
        return list(page.results)
