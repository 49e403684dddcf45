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
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

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
from contacts.model import Contact
from contacts.translate import Transient, batch_error, to_contact

if TYPE_CHECKING:
    from contacts.hubspot import HubSpotAdapter

MAX_INPUTS = 100
_ADDITIONAL = "hs_additional_emails"
Outcome = Contact | ContactsError


class BatchCalls:
    def __init__(self, adapter: HubSpotAdapter, api: BatchApi) -> None:
        self._adapter = adapter
        self._api = api

    async def read(self, keys: Sequence[str], id_property: str | None) -> dict[str, Contact]:
        """batch/read by id or by email (HubSpot answers 207 with OBJECT_NOT_FOUND `errors` for
        the ones it lacks: those are simply absent here). By email, a contact is also found by
        one of its additional emails, as a single GET by email finds it."""
        if not keys:
            return {}
        if len(keys) > MAX_INPUTS:
            raise ValueError(f"at most {MAX_INPUTS} keys per batch read")
        by_email = id_property == "email"
        shown = list(self._adapter._properties)
        body = BatchReadInputSimplePublicObjectId(
            inputs=[SimplePublicObjectId(id=k) for k in keys],
            properties=shown + ([_ADDITIONAL] if by_email and _ADDITIONAL not in shown else []),
            id_property=id_property,
        )
        answer = await self._adapter._call(
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
        done: dict[int, Outcome] = {}

        def still_open() -> list[int]:
            return [i for i in range(len(items)) if i not in done]

        async def claim_existing(indexes: list[int]) -> None:
            """Emails that exist now were made by an earlier try of ours (we hold them)."""
            if not indexes:
                return
            try:
                found = await self.read([emails[i] for i in indexes], "email")
            except ContactsError as exc:
                raise self._adapter._unknown_outcome() from exc
            for i in indexes:
                if emails[i] in found:
                    done[i] = found[emails[i]]

        async def attempt(retrying: bool) -> None:
            if retrying:
                await claim_existing(still_open())
            todo = still_open()
            if not todo:
                return
            body = BatchInputSimplePublicObjectBatchInputForCreate(
                inputs=[
                    SimplePublicObjectBatchInputForCreate(
                        properties=dict(items[i]), object_write_trace_id=str(i)
                    )
                    for i in todo
                ]
            )
            answer = await self._adapter._send(self._api.create, body)
            ours_maybe: list[int] = []
            for i, outcome in _settle(answer, todo, key_of=lambda i: emails[i], by="email"):
                if retrying and isinstance(outcome, DuplicateContact):
                    ours_maybe.append(i)  # our lost try may have made it: look before saying
                else:
                    done[i] = outcome
            if ours_maybe:
                await claim_existing(ours_maybe)
                for i in ours_maybe:
                    done.setdefault(i, self._adapter._unknown_outcome())
            if still_open():
                raise Transient("a batch answer without some inputs", maybe_done=True)

        async def give_up(final: ContactsError, uncertain: bool, cause: BaseException) -> None:
            if uncertain:  # a try may have written: what is there now is ours, the rest unknown
                try:
                    await claim_existing(still_open())
                except HubSpotUnavailable:
                    pass
                final = self._adapter._unknown_outcome()
            for i in still_open():
                done[i] = final

        try:
            await self._adapter._retrying(
                attempt, key="batch", what="batch create", write=True, give_up=give_up
            )
        except (InvalidContact, DuplicateContact, ContactNotFound):
            if len(still_open()) == 1:
                raise
            await self._one_by_one(still_open(), done, lambda i: self._adapter.create(items[i]))
        except ContactsError as exc:
            for i in still_open():
                done[i] = exc
        return [done[i] for i in range(len(items))]

    async def update(self, items: Sequence[tuple[str, Mapping[str, str]]]) -> list[Outcome]:
        """PATCHes of distinct ids; repeating one is harmless, so failed batches are retried."""
        ids = [cid for cid, _ in items]
        if len(set(ids)) != len(ids):
            raise ValueError("batch updates need distinct ids")
        done: dict[int, Outcome] = {}

        def still_open() -> list[int]:
            return [i for i in range(len(items)) if i not in done]

        async def attempt(retrying: bool) -> None:
            todo = still_open()
            body = BatchInputSimplePublicObjectBatchInput(
                inputs=[
                    SimplePublicObjectBatchInput(
                        id=ids[i], properties=dict(items[i][1]), object_write_trace_id=str(i)
                    )
                    for i in todo
                ]
            )
            answer = await self._adapter._send(self._api.update, body)
            for i, outcome in _settle(answer, todo, key_of=lambda i: ids[i], by="id"):
                done[i] = outcome
            if still_open():
                raise Transient("a batch answer without some inputs", maybe_done=True)

        async def give_up(final: ContactsError, maybe_written: bool, cause: BaseException) -> None:
            for i in still_open():
                done[i] = self._adapter._unconfirmed_change() if maybe_written else final

        try:
            await self._adapter._retrying(
                attempt, key="batch", what="batch update", write=True, give_up=give_up
            )
        except (InvalidContact, DuplicateContact, ContactNotFound):
            if len(still_open()) == 1:
                raise
            await self._one_by_one(
                still_open(), done, lambda i: self._adapter.update(ids[i], items[i][1])
            )
        except ContactsError as exc:
            for i in still_open():
                done[i] = exc
        return [done[i] for i in range(len(items))]

    @staticmethod
    async def _one_by_one(indexes: list[int], done: dict[int, Outcome], send: Any) -> None:
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
