"""HubSpot's batch endpoints for the adapter: read, create and update up to 100 at a time.

Each write input carries its own `objectWriteTraceId`, so HubSpot treats inputs separately
and answers a mixed outcome with 207 Multi-Status: `results` for the inputs that worked and
`errors` (each naming its trace id) for the rest. Every input's outcome goes back to its own
caller: one caller's invalid field or 409 never fails the others.

The single-create rule holds per input: after a failed try, the emails still open are looked
up (one batch/read) before anything is posted again, and before giving up; an input whose
outcome cannot be known is reported as "may or may not have been created".

If HubSpot refuses a batch as a whole (a 400 or 409 that names no input) the inputs are sent
one by one instead, so the refusal lands on the caller it belongs to.

Every batch is sent through the adapter's call core (`contacts.hubspot_calls`), so it shares the
single calls' threads, budget and retry loop; the single calls a refused batch falls back to
are passed in, so this module does not import the adapter.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from hubspot.crm.contacts import BatchApi
from hubspot.crm.contacts.models import (
    BatchInputSimplePublicObjectBatchInput,
    BatchInputSimplePublicObjectBatchInputForCreate,
    BatchReadInputSimplePublicObjectId,
    SimplePublicObjectBatchInput,
    SimplePublicObjectBatchInputForCreate,
    SimplePublicObjectId,
)

from contacts.errors import (
    ContactNotFound,
    ContactsError,
    DuplicateContact,
    HubSpotUnavailable,
    InvalidContact,
)
from contacts.hubspot_calls import HubSpotCalls, unconfirmed_change, unknown_outcome
from contacts.model import Contact
from contacts.translate import Transient, batch_error, to_contact

MAX_INPUTS = 100
_ADDITIONAL = "hs_additional_emails"
Outcome = Contact | ContactsError
# The single calls a refused batch falls back to (the adapter's `create` and `update`).
CreateOne = Callable[[Mapping[str, str]], Awaitable[Contact]]
UpdateOne = Callable[[str, Mapping[str, str]], Awaitable[Contact]]
Send = Callable[[Any], Awaitable[Any]]


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

    async def read(self, keys: Sequence[str], id_property: str | None) -> dict[str, Contact]:
        """batch/read by id or by email (HubSpot answers 207 with OBJECT_NOT_FOUND `errors` for
        the ones it lacks: those are simply absent here). By email, a contact is also found by
        one of its additional emails, as a single GET by email finds it."""
        if not keys:
            return {}
        if len(keys) > MAX_INPUTS:
            raise ValueError(f"at most {MAX_INPUTS} keys per batch read")
        by_email = id_property == "email"
        shown = list(self._properties)
        body = BatchReadInputSimplePublicObjectId(
            inputs=[SimplePublicObjectId(id=k) for k in keys],
            properties=shown + ([_ADDITIONAL] if by_email and _ADDITIONAL not in shown else []),
            id_property=id_property,
        )
        answer = await self._calls.call(
            self._api.read, body, key=keys[0] if len(keys) == 1 else "batch", archived=False
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

        async def read(keys: list[str]) -> dict[str, Contact]:
            return await self.read(keys, "email")

        creates = _Creates(items, emails, send=send, read=read)
        return await self._run(
            creates.outcomes,
            creates.attempt,
            creates.give_up,
            what="batch create",
            one=lambda i: self._create_one(items[i]),
        )

    async def update(self, items: Sequence[tuple[str, Mapping[str, str]]]) -> list[Outcome]:
        """PATCHes of distinct ids; repeating one is harmless, so failed batches are retried."""
        ids = [cid for cid, _ in items]
        if len(set(ids)) != len(ids):
            raise ValueError("batch updates need distinct ids")

        async def send(body: Any) -> Any:
            return await self._calls.send(self._api.update, body)

        updates = _Updates(items, send=send)
        return await self._run(
            updates.outcomes,
            updates.attempt,
            updates.give_up,
            what="batch update",
            one=lambda i: self._update_one(ids[i], items[i][1]),
        )

    async def _run(
        self,
        outcomes: _Outcomes,
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
            await _one_by_one(outcomes.still_open(), outcomes.done, one)
        except ContactsError as exc:
            for i in outcomes.still_open():
                outcomes.done[i] = exc
        return outcomes.in_order()


class _Outcomes:
    """Each input's outcome, by its index, as it becomes known; the rest are still open."""

    def __init__(self, count: int) -> None:
        self._count = count
        self.done: dict[int, Outcome] = {}

    def still_open(self) -> list[int]:
        return [i for i in range(self._count) if i not in self.done]

    def in_order(self) -> list[Outcome]:
        return [self.done[i] for i in range(self._count)]


class _Creates:
    """One batch create's tries. The single-create rule per input: an email that exists after
    a failed try of ours was made by that try (the caller holds the email), so it is looked up
    before anything is posted again and before giving up."""

    def __init__(
        self,
        items: Sequence[Mapping[str, str]],
        emails: list[str],
        *,
        send: Send,
        read: Callable[[list[str]], Awaitable[dict[str, Contact]]],
    ) -> None:
        self._items = items
        self._emails = emails
        self._send = send
        self._read = read
        self.outcomes = _Outcomes(len(items))

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
        if uncertain:  # a try may have written: what is there now is ours, the rest unknown
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
        for i, outcome in _settle(answer, todo, key_of=lambda i: self._emails[i], by="email"):
            if retrying and isinstance(outcome, DuplicateContact):
                ours_maybe.append(i)  # our lost try may have made it: look before saying
            else:
                self.outcomes.done[i] = outcome
        if ours_maybe:
            await self._claim_existing(ours_maybe)
            for i in ours_maybe:
                self.outcomes.done.setdefault(i, unknown_outcome())

    async def _claim_existing(self, indexes: list[int]) -> None:
        """Emails that exist now were made by an earlier try of ours (we hold them)."""
        if not indexes:
            return
        try:
            found = await self._read([self._emails[i] for i in indexes])
        except ContactsError as exc:
            raise unknown_outcome() from exc
        for i in indexes:
            if self._emails[i] in found:
                self.outcomes.done[i] = found[self._emails[i]]


class _Updates:
    """One batch update's tries: the inputs HubSpot left unanswered are sent again."""

    def __init__(self, items: Sequence[tuple[str, Mapping[str, str]]], *, send: Send) -> None:
        self._items = items
        self._ids = [cid for cid, _ in items]
        self._send = send
        self.outcomes = _Outcomes(len(items))

    async def attempt(self, retrying: bool) -> None:
        todo = self.outcomes.still_open()
        body = BatchInputSimplePublicObjectBatchInput(
            inputs=[
                SimplePublicObjectBatchInput(
                    id=self._ids[i],
                    properties=dict(self._items[i][1]),
                    object_write_trace_id=str(i),
                )
                for i in todo
            ]
        )
        answer = await self._send(body)
        for i, outcome in _settle(answer, todo, key_of=lambda i: self._ids[i], by="id"):
            self.outcomes.done[i] = outcome
        if self.outcomes.still_open():
            raise Transient("a batch answer without some inputs", maybe_done=True)

    async def give_up(
        self, final: ContactsError, maybe_written: bool, cause: BaseException
    ) -> None:
        for i in self.outcomes.still_open():
            self.outcomes.done[i] = unconfirmed_change() if maybe_written else final


async def _one_by_one(
    indexes: list[int], done: dict[int, Outcome], send: Callable[[int], Awaitable[Contact]]
) -> None:
    outcomes = await asyncio.gather(*(send(i) for i in indexes), return_exceptions=True)
    for i, outcome in zip(indexes, outcomes, strict=True):
        if isinstance(outcome, Contact | ContactsError):
            done[i] = outcome
        else:
            raise outcome


def _settle(answer: Any, todo: list[int], *, key_of: Any, by: str) -> list[tuple[int, Outcome]]:
    """Pair a batch answer's results and errors with the inputs they belong to: by the trace
    id HubSpot echoes, else by the input's email / id (results are not in input order)."""
    open_ = set(todo)
    by_key = {key_of(i): i for i in todo}
    out: list[tuple[int, Outcome]] = []

    def take(i: int | None, outcome: Outcome) -> None:
        if i is not None and i in open_:
            open_.discard(i)
            out.append((i, outcome))

    for obj in getattr(answer, "results", None) or []:
        contact = to_contact(obj)
        key = contact.email.lower() if by == "email" else contact.id
        i = _trace(getattr(obj, "object_write_trace_id", None))
        take(i if i is not None else by_key.get(key), contact)
    loose = []
    for err in getattr(answer, "errors", None) or []:
        traces = (getattr(err, "context", None) or {}).get("objectWriteTraceId") or []
        i = _trace(traces[0]) if traces else None
        if i is None:
            loose.append(err)
        else:
            take(i, batch_error(err, key=str(key_of(i))))
    if len(loose) == 1 and len(open_) == 1:  # one error naming no input, one input unanswered
        i = next(iter(open_))
        take(i, batch_error(loose[0], key=str(key_of(i))))
    return out


def _trace(value: Any) -> int | None:
    try:
        return int(str(value)) if value is not None else None
    except ValueError:
        return None
