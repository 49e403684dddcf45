"""HubSpot's batch endpoints for the adapter: read, create and update up to 100 at a time.

Each write input carries its own `objectWriteTraceId`, so HubSpot treats inputs separately
and answers a mixed outcome with 207 Multi-Status: `results` for the inputs that worked and
`errors` (each naming its trace id) for the rest. Every input's outcome goes back to its own
caller: one caller's invalid field or 409 never fails the others.

The single calls' rules hold per input, settled by evidence (`contacts.evidence`): after a
failed create, the emails still open are looked up (one batch/read) before anything is posted
again, and before giving up; a contact found is the input's own only if it carries every value
the input sent, else the input is DuplicateContact (someone else took the email meanwhile); an
input whose outcome cannot be known is reported as "may or may not have been created". After a
failed update the open inputs' contacts are read (one batch/read) before a re-send: an input
whose contact holds its new values is done, one changed since its preview is ContactChanged,
the rest send again only the fields not yet written.

If HubSpot refuses a batch as a whole (a 400 or 409 that names no input) the inputs are sent
one by one instead, so the refusal lands on the caller it belongs to.

Every batch is sent through the adapter's call core (`contacts.hubspot_calls`), so it shares the
single calls' threads, budget and retry loop; the single calls a refused batch falls back to
are passed in, so this module does not import the adapter.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Protocol

from hubspot.crm.contacts import BatchApi
from hubspot.crm.contacts.models import (
    BatchInputSimplePublicObjectBatchInput,
    BatchInputSimplePublicObjectBatchInputForCreate,
    BatchReadInputSimplePublicObjectId,
    SimplePublicObjectBatchInput,
    SimplePublicObjectBatchInputForCreate,
    SimplePublicObjectId,
)

from contacts.batch_outcomes import Outcome, Outcomes, one_by_one, settle
from contacts.errors import (
    ContactChanged,
    ContactNotFound,
    ContactsError,
    DuplicateContact,
    HubSpotUnavailable,
    InvalidContact,
)
from contacts.evidence import carries, resend
from contacts.hubspot_calls import HubSpotCalls, unconfirmed_change, unknown_outcome
from contacts.model import Contact
from contacts.translate import Transient, to_contact

MAX_INPUTS = 100
_ADDITIONAL = "hs_additional_emails"
# The single create a refused batch falls back to (the adapter's `create`).
CreateOne = Callable[[Mapping[str, str]], Awaitable[Contact]]
Send = Callable[[Any], Awaitable[Any]]
# Read by email or id, with these properties besides the shown ones: what evidence needs.
Read = Callable[[list[str], Sequence[str]], Awaitable[dict[str, Contact]]]


class UpdateOne(Protocol):
    """The single update a refused batch falls back to (the adapter's `update`)."""

    async def __call__(
        self,
        contact_id: str,
        properties: Mapping[str, str],
        *,
        expected: Mapping[str, str] | None = None,
    ) -> Contact: ...


class BatchCalls:
    """The batch endpoints, sent through the adapter's call core (`calls`). `create_one` and
    `update_one` are the single calls an input is sent by when HubSpot refuses its batch as a
    whole; passed in, so the batch calls need not know the adapter."""

    def __init__(
        self,
        api: BatchApi,
        *,
        calls: HubSpotCalls,
        properties: Sequence[str],
        create_one: CreateOne,
        update_one: UpdateOne,
    ) -> None:
        self._api = api
        self._calls = calls
        self._properties = list(properties)
        self._create_one = create_one
        self._update_one = update_one

    async def read(
        self,
        keys: Sequence[str],
        id_property: str | None,
        extra: Sequence[str] = (),
        *,
        once: bool = False,
    ) -> dict[str, Contact]:
        """batch/read by id or by email (HubSpot answers 207 with OBJECT_NOT_FOUND `errors` for
        the ones it lacks: those are simply absent here). By email, a contact is also found by
        one of its additional emails, as a single GET by email finds it. `extra`: properties
        to read besides the shown ones; `once`: one try, as a write's evidence is read
        (`HubSpotCalls.look`), else retried as any read."""
        if not keys:
            return {}
        if len(keys) > MAX_INPUTS:
            raise ValueError(f"at most {MAX_INPUTS} keys per batch read")
        by_email = id_property == "email"
        shown = list(dict.fromkeys([*self._properties, *extra]))
        body = BatchReadInputSimplePublicObjectId(
            inputs=[SimplePublicObjectId(id=k) for k in keys],
            properties=shown + ([_ADDITIONAL] if by_email and _ADDITIONAL not in shown else []),
            id_property=id_property,
        )
        key = keys[0] if len(keys) == 1 else "batch"
        answer = await (
            self._calls.look(self._api.read, body, key=key, archived=False)
            if once
            else self._calls.call(self._api.read, body, key=key, archived=False)
        )
        found: dict[str, Contact] = {}
        for obj in getattr(answer, "results", None) or []:
            contact = to_contact(obj)
            if not by_email:
                found[contact.id] = contact
                continue
            props = dict(contact.properties)
            extra = (
                props.get(_ADDITIONAL) if _ADDITIONAL in shown else props.pop(_ADDITIONAL, None)
            ) or ""
            contact = Contact(contact.id, props, contact.created_at, contact.updated_at)
            for email in [contact.email, *extra.split(";")]:
                if email.strip():
                    found[email.strip().lower()] = contact
        wanted = {k.strip().lower() if by_email else k for k in keys}
        return {k: c for k, c in found.items() if k in wanted}

    async def create(self, items: Sequence[Mapping[str, str]]) -> list[Outcome]:
        """Creates of distinct, non-empty emails (the caller serialises creates per email)."""
        emails = [str(p.get("email") or "").strip().lower() for p in items]
        if not all(emails) or len(set(emails)) != len(emails):
            raise ValueError("batch creates need distinct emails")

        async def send(body: Any) -> Any:
            return await self._calls.send(self._api.create, body)

        async def read(keys: list[str], extra: Sequence[str]) -> dict[str, Contact]:
            return await self.read(keys, "email", extra)

        creates = _Creates(items, emails, send=send, read=read)
        return await self._run(
            creates.outcomes,
            creates.attempt,
            creates.give_up,
            what="batch create",
            one=lambda i: self._create_one(items[i]),
        )

    async def update(
        self,
        items: Sequence[tuple[str, Mapping[str, str]]],
        expected: Sequence[Mapping[str, str] | None] | None = None,
    ) -> list[Outcome]:
        """PATCHes of distinct ids, never re-sent blindly: a re-send is decided by reading the
        open inputs' contacts first. `expected[i]`: the values input i's preview showed."""
        ids = [cid for cid, _ in items]
        if len(set(ids)) != len(ids):
            raise ValueError("batch updates need distinct ids")
        was = list(expected) if expected is not None else [None] * len(items)

        async def send(body: Any) -> Any:
            return await self._calls.send(self._api.update, body)

        async def read(keys: list[str], extra: Sequence[str]) -> dict[str, Contact]:
            return await self.read(keys, None, extra, once=True)

        updates = _Updates(items, was, send=send, read=read)
        return await self._run(
            updates.outcomes,
            updates.attempt,
            updates.give_up,
            what="batch update",
            one=lambda i: self._update_one(ids[i], items[i][1], expected=was[i]),
        )

    async def _run(
        self,
        outcomes: Outcomes,
        attempt: Callable[[bool], Awaitable[None]],
        give_up: Callable[[ContactsError, bool, BaseException], Awaitable[None]],
        *,
        what: str,
        one: Callable[[int], Awaitable[Contact]],
    ) -> list[Outcome]:
        """A batch write through the one retry loop. A refusal naming no input (a 400, 409 or
        404 for the batch as a whole) sends the open inputs one by one, so it lands on the
        caller it belongs to; any other error is every open input's outcome."""
        try:
            await self._calls.retrying(attempt, key="batch", what=what, write=True, give_up=give_up)
        except (InvalidContact, DuplicateContact, ContactNotFound):
            if len(outcomes.still_open()) == 1:
                raise
            await one_by_one(outcomes.still_open(), outcomes.done, one)
        except ContactsError as exc:
            for i in outcomes.still_open():
                outcomes.done[i] = exc
        return outcomes.in_order()


class _Creates:
    """One batch create's tries. The single-create rule per input: after a failed try of ours
    the emails still open are looked up before anything is posted again and before giving up;
    a contact found is the input's own only if it carries the input's values."""

    def __init__(
        self, items: Sequence[Mapping[str, str]], emails: list[str], *, send: Send, read: Read
    ) -> None:
        self._items = items
        self._emails = emails
        self._send = send
        self._read = read
        self.outcomes = Outcomes(len(items))

    async def attempt(self, retrying: bool) -> None:
        if retrying:
            await self._claim_existing(self.outcomes.still_open())
        todo = self.outcomes.still_open()
        if not todo:
            return
        body = BatchInputSimplePublicObjectBatchInputForCreate(
            inputs=[
                SimplePublicObjectBatchInputForCreate(
                    properties=dict(self._items[i]), object_write_trace_id=str(i)
                )
                for i in todo
            ]
        )
        await self._take(await self._send(body), todo, retrying)
        if self.outcomes.still_open():
            raise Transient("a batch answer without some inputs", maybe_done=True)

    async def give_up(self, final: ContactsError, uncertain: bool, cause: BaseException) -> None:
        if uncertain:  # a try may have written: what is there now is settled, the rest unknown
            try:
                await self._claim_existing(self.outcomes.still_open())
            except HubSpotUnavailable:
                pass
            final = unknown_outcome()
        for i in self.outcomes.still_open():
            self.outcomes.done[i] = final

    async def _take(self, answer: Any, todo: list[int], retrying: bool) -> None:
        """One answer's outcomes. After a failed try a 409 may be our own lost create: the
        email is looked up before the caller hears "duplicate"."""
        ours_maybe: list[int] = []
        for i, outcome in settle(answer, todo, key_of=lambda i: self._emails[i], by="email"):
            if retrying and isinstance(outcome, DuplicateContact):
                ours_maybe.append(i)  # our lost try may have made it: look before saying
            else:
                self.outcomes.done[i] = outcome
        if ours_maybe:
            await self._claim_existing(ours_maybe)
            for i in ours_maybe:
                self.outcomes.done.setdefault(i, unknown_outcome())

    async def _claim_existing(self, indexes: list[int]) -> None:
        """Settle the inputs whose email exists now: a contact carrying the input's values was
        made by an earlier try of ours; any other was made by someone else (DuplicateContact,
        with it). An email not there stays open."""
        if not indexes:
            return
        sent = list(dict.fromkeys(name for i in indexes for name in self._items[i]))
        try:
            found = await self._read([self._emails[i] for i in indexes], sent)
        except ContactsError as exc:
            raise unknown_outcome() from exc
        for i in indexes:
            contact = found.get(self._emails[i])
            if contact is not None:
                ours = carries(contact, self._items[i])
                self.outcomes.done[i] = contact if ours else DuplicateContact(contact)


class _Updates:
    """One batch update's tries. A re-send follows the single update's rule: the open inputs'
    contacts are read first (one batch/read, one try), and each input is settled by what its
    contact holds (`contacts.evidence.resend`) before only what is left is sent again."""

    def __init__(
        self,
        items: Sequence[tuple[str, Mapping[str, str]]],
        expected: Sequence[Mapping[str, str] | None],
        *,
        send: Send,
        read: Read,
    ) -> None:
        self._items = items
        self._ids = [cid for cid, _ in items]
        self._expected = expected
        self._todo = [dict(properties) for _, properties in items]
        self._send = send
        self._read = read
        self.outcomes = Outcomes(len(items))

    async def attempt(self, retrying: bool) -> None:
        if retrying:
            await self._settle_by_reading(self.outcomes.still_open())
        todo = self.outcomes.still_open()
        if not todo:
            return
        body = BatchInputSimplePublicObjectBatchInput(
            inputs=[
                SimplePublicObjectBatchInput(
                    id=self._ids[i], properties=self._todo[i], object_write_trace_id=str(i)
                )
                for i in todo
            ]
        )
        answer = await self._send(body)
        for i, outcome in settle(answer, todo, key_of=lambda i: self._ids[i], by="id"):
            self.outcomes.done[i] = outcome
        if self.outcomes.still_open():
            raise Transient("a batch answer without some inputs", maybe_done=True)

    async def _settle_by_reading(self, indexes: list[int]) -> None:
        """Before a re-send: done (the contact holds the new values), ContactChanged (changed
        since its preview), ContactNotFound (gone), or still open with fewer fields."""
        if not indexes:
            return
        names = list(dict.fromkeys(name for i in indexes for name in self._items[i][1]))
        found = await self._read([self._ids[i] for i in indexes], names)
        for i in indexes:
            current = found.get(self._ids[i])
            if current is None:
                self.outcomes.done[i] = ContactNotFound(self._ids[i])
                continue
            try:
                self._todo[i] = resend(current, self._items[i][1], self._expected[i])
            except ContactChanged as changed:
                self.outcomes.done[i] = changed
                continue
            if not self._todo[i]:
                self.outcomes.done[i] = current  # an earlier try of ours wrote it all

    async def give_up(
        self, final: ContactsError, maybe_written: bool, cause: BaseException
    ) -> None:
        for i in self.outcomes.still_open():
            self.outcomes.done[i] = unconfirmed_change() if maybe_written else final
