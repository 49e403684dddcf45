"""Coalescing: what concurrent turns ask HubSpot for in the same few milliseconds goes as one call.

DataLoader-style. A caller's request waits in an open batch for `window` seconds (or until the
batch holds `max_size`, HubSpot's 100 inputs), then the whole batch is one call: lookups by
email and by id one `batch/read`, creates one `batch/create`, updates one `batch/update`. A
batch of one uses the single-object endpoint instead: the same one call, and HubSpot's own
error for it. Each caller gets its own outcome; it stops waiting at its action's deadline.

Reads of the same key in one batch share one answer. Writes never share: a second write of a
key already in the open batch closes it and opens the next (HubSpot refuses a batch that names
a record twice; ContactsService already lets only one create per email run at a time).

Searches are not coalesced (HubSpot has no batch search); they go straight to the adapter.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from contacts import deadline
from contacts.errors import ContactNotFound, ContactsError, HubSpotUnavailable
from contacts.model import Contact, SearchPage

K = TypeVar("K", bound=Hashable)
I = TypeVar("I")  # noqa: E741 - the item type
V = TypeVar("V")
MAX_BATCH = 100
# An update as a caller submits it: (contact id, new values, the values the preview showed).
_Update = tuple[str, Mapping[str, str], Mapping[str, str] | None]
WAIT_GRACE_SECONDS = 0.25


class BatchingAdapter(Protocol):
    """What coalescing needs from HubSpot (contacts.hubspot.HubSpotAdapter provides it)."""

    async def get(self, id_or_email: str, id_property: str | None = None) -> Contact: ...
    async def get_many(
        self, keys: Sequence[str], id_property: str | None = None
    ) -> dict[str, Contact]: ...
    async def create(self, properties: Mapping[str, str]) -> Contact: ...
    async def create_many(
        self, items: Sequence[Mapping[str, str]]
    ) -> list[Contact | ContactsError]: ...
    async def update(
        self,
        contact_id: str,
        properties: Mapping[str, str],
        *,
        expected: Mapping[str, str] | None = None,
    ) -> Contact: ...
    async def update_many(
        self,
        items: Sequence[tuple[str, Mapping[str, str]]],
        *,
        expected: Sequence[Mapping[str, str] | None] | None = None,
    ) -> list[Contact | ContactsError]: ...
    async def search(self, body: Mapping[str, Any]) -> SearchPage: ...
    def search_is_free(self) -> bool: ...


@dataclass
class _Batch(Generic[K, I, V]):
    entries: dict[K, tuple[I, asyncio.Future[V]]] = field(default_factory=dict)
    due: float | None = 0.0  # the latest deadline among its callers (None: no deadline)
    timer: asyncio.TimerHandle | None = None


class Coalescer(Generic[K, I, V]):
    """Gathers `submit(key, item)` calls into batches; `run(items)` answers a batch (one
    outcome per item, in order: a value or a ContactsError)."""

    def __init__(
        self,
        run: Callable[[list[I]], Awaitable[Sequence[V | ContactsError]]],
        *,
        window: float,
        max_size: int = MAX_BATCH,
        share: bool,
        writes: bool,
    ) -> None:
        self._run = run
        self._window = window
        self._max = max_size
        self._share = share
        self._writes = writes
        self._open: _Batch[K, I, V] | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def submit(self, key: K, item: I) -> V:
        batch = self._open
        if batch is not None and key in batch.entries and not self._share:
            self._close(batch)
            batch = None
        if batch is None:
            batch = self._open = _Batch()
            batch.timer = asyncio.get_running_loop().call_later(self._window, self._close, batch)
        mine = deadline.current()
        if self._writes:  # no write may land after its caller's deadline (flows/settle.py)
            due = batch.due if batch.entries else None
            batch.due = mine if due is None else due if mine is None else min(due, mine)
        else:
            batch.due = None if mine is None or batch.due is None else max(batch.due, mine)
        if key in batch.entries:
            future = batch.entries[key][1]
        else:
            future = asyncio.get_running_loop().create_future()
            batch.entries[key] = (item, future)
        if len(batch.entries) >= self._max:
            self._close(batch)
        return await self._wait(future)

    async def _wait(self, future: asyncio.Future[V]) -> V:
        """The batch gives up at the latest of its callers' deadlines; a caller with an
        earlier one stops waiting at its own (plus a moment, so that a batch that gives up
        on time is heard with its own reason)."""
        left = deadline.remaining()
        try:
            async with asyncio.timeout(None if left is None else left + WAIT_GRACE_SECONDS):
                return await asyncio.shield(future)
        except TimeoutError:
            raise HubSpotUnavailable(
                "HubSpot did not answer in time.", write_may_have_happened=self._writes
            ) from None

    def _close(self, batch: _Batch[K, I, V]) -> None:
        if self._open is batch:
            self._open = None
        if batch.timer is not None:
            batch.timer.cancel()
            batch.timer = None
            task = asyncio.get_running_loop().create_task(self._answer(batch))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _answer(self, batch: _Batch[K, I, V]) -> None:
        entries = list(batch.entries.values())
        try:
            with deadline.until(batch.due):
                outcomes: Sequence[V | BaseException] = await self._run([i for i, _ in entries])
        except (Exception, asyncio.CancelledError) as exc:
            # A write batch that failed in some other way may have been sent: never "not done".
            failure = (
                exc
                if isinstance(exc, ContactsError)
                else HubSpotUnavailable(write_may_have_happened=self._writes)
            )
            outcomes = [failure] * len(entries)
        for (_, future), outcome in zip(entries, outcomes, strict=True):
            if future.done():
                continue
            if isinstance(outcome, BaseException):
                future.set_exception(outcome)
                future.exception()  # a caller gone past its deadline must not leave it unread
            else:
                future.set_result(outcome)

    async def aclose(self) -> None:
        if self._open is not None:
            self._close(self._open)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


class Batches:
    """The coalesced HubSpot calls ContactsService makes."""

    def __init__(
        self, adapter: BatchingAdapter, *, window_seconds: float = 0.005, max_size: int = MAX_BATCH
    ) -> None:
        if not 1 <= max_size <= MAX_BATCH:
            raise ValueError(f"a batch holds 1 to {MAX_BATCH} inputs")
        self._adapter = adapter
        w, n = window_seconds, max_size
        self._emails: Coalescer[str, str, Contact | None] = Coalescer(
            self._read_emails, window=w, max_size=n, share=True, writes=False
        )
        self._ids: Coalescer[str, str, Contact | None] = Coalescer(
            self._read_ids, window=w, max_size=n, share=True, writes=False
        )
        self._checks: Coalescer[str, tuple[str, str, str], NewCheck] = Coalescer(
            self._check_new, window=w, max_size=n, share=True, writes=False
        )
        self._creates: Coalescer[str, Mapping[str, str], Contact] = Coalescer(
            self._create, window=w, max_size=n, share=False, writes=True
        )
        self._updates: Coalescer[str, _Update, Contact] = Coalescer(
            self._update, window=w, max_size=n, share=False, writes=True
        )

    async def find_by_email(self, email: str) -> Contact | None:
        """`email` normalised (lower case)."""
        return await self._emails.submit(email, email)

    async def get(self, contact_id: str) -> Contact:
        found = await self._ids.submit(contact_id, contact_id)
        if found is None:
            raise ContactNotFound(contact_id)
        return found

    async def check_new(self, email: str, first: str, last: str) -> NewCheck:
        """The duplicate check before a create: the contact with this email, if any, and others
        with the same full name when the same call can tell (see `_check_new`)."""
        return await self._checks.submit(email, (email, first, last))

    async def create(self, properties: Mapping[str, str]) -> Contact:
        """`properties` with an email; the caller holds that email's create lock."""
        return await self._creates.submit(properties["email"], properties)

    async def update(
        self,
        contact_id: str,
        properties: Mapping[str, str],
        expected: Mapping[str, str] | None = None,
    ) -> Contact:
        """`expected`: the values the preview showed for these fields (what a re-send after a
        lost answer checks first, contacts.evidence.resend)."""
        return await self._updates.submit(contact_id, (contact_id, properties, expected))

    async def aclose(self) -> None:
        for c in (self._emails, self._ids, self._checks, self._creates, self._updates):
            await c.aclose()

    # -- one call per batch -------------------------------------------------------------------

    async def _read(self, keys: list[str], id_property: str | None) -> list[Contact | None]:
        if len(keys) == 1:
            try:
                return [await self._adapter.get(keys[0], id_property=id_property)]
            except ContactNotFound:
                return [None]
        found = await self._adapter.get_many(keys, id_property=id_property)
        return [found.get(k) for k in keys]

    async def _read_emails(self, emails: list[str]) -> list[Contact | None]:
        return await self._read(emails, "email")

    async def _read_ids(self, ids: list[str]) -> list[Contact | None]:
        return await self._read(ids, None)

    async def _check_new(self, asks: list[tuple[str, str, str]]) -> list[NewCheck]:
        """A lone create with a full name, while a search would leave at once, is checked by
        one search (email = x OR the same first and last name): the duplicate check and the
        same-name warning in one call. Otherwise one batch/read by email and no warning (the
        name check is what a busy moment drops, never the duplicate check). A search lags
        behind writes; a duplicate it misses is still caught by HubSpot's 409."""
        if len(asks) == 1 and asks[0][1] and asks[0][2] and self._adapter.search_is_free():
            return [await self._search_new(*asks[0])]
        found = await self._read([email for email, _, _ in asks], "email")
        return [NewCheck(existing=c) for c in found]

    async def _search_new(self, email: str, first: str, last: str) -> NewCheck:
        body = {
            "limit": 6,
            "filterGroups": [
                {"filters": [{"propertyName": "email", "operator": "EQ", "value": email}]},
                {
                    "filters": [
                        {"propertyName": "firstname", "operator": "EQ", "value": first},
                        {"propertyName": "lastname", "operator": "EQ", "value": last},
                    ]
                },
            ],
        }
        page = await self._adapter.search(body)
        existing = next((c for c in page.results if c.email.lower() == email), None)
        same = [c for c in page.results if c.email.lower() != email]
        return NewCheck(existing=existing, same_name=same[:5])

    async def _create(self, items: list[Mapping[str, str]]) -> Sequence[Contact | ContactsError]:
        if len(items) == 1:
            return [await self._adapter.create(items[0])]
        return await self._adapter.create_many(items)

    async def _update(self, items: list[_Update]) -> Sequence[Contact | ContactsError]:
        if len(items) == 1:
            contact_id, properties, expected = items[0]
            return [await self._adapter.update(contact_id, properties, expected=expected)]
        return await self._adapter.update_many(
            [(cid, props) for cid, props, _ in items], expected=[was for _, _, was in items]
        )


@dataclass(frozen=True)
class NewCheck:
    existing: Contact | None
    same_name: list[Contact] = field(default_factory=list)
