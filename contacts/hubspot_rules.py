"""The portal's validation rules, read from HubSpot once and kept fresh.

Rules change rarely (an admin edits a property's settings) and every form and create wants
them, so they are read once (`GET /crm/v3/property-validations/0-1`, through the adapter's
`get_json`: its threads, budget and retries), kept `ttl_seconds`, and read again after that by
the first caller who asks, others waiting for that one read. When HubSpot cannot answer the
last rules known stay in use (none, at first: nothing is checked beforehand and HubSpot's own
refusal still names the field), and no new read is tried for `retry_seconds`.

A write HubSpot refuses for a rule we did not know means ours are stale: `invalidate()` makes
the next caller read them again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from contacts import deadline
from contacts.errors import ContactsError
from contacts.portal_rules import PortalRules

log = logging.getLogger(__name__)

CONTACT_RULES_PATH = "/crm/v3/property-validations/0-1"  # 0-1: the contact object type
TTL_SECONDS = 300.0
RETRY_SECONDS = 30.0
READ_SECONDS = 5.0  # the most one read of the rules may take, retries included


class JsonGetter(Protocol):
    """What reading the rules needs from HubSpot (contacts.hubspot.HubSpotAdapter has it)."""

    async def get_json(self, path: str, *, key: str) -> Any: ...


def rules_reader(adapter: JsonGetter) -> Callable[[], Awaitable[Any]]:
    """The read of the contact rules through `adapter`."""

    async def read() -> Any:
        return await adapter.get_json(CONTACT_RULES_PATH, key="property-validations")

    return read


class PortalRulesCache:
    """`await cache.rules()` is the portal's rules, read at most once per `ttl_seconds`."""

    def __init__(
        self,
        fetch: Callable[[], Awaitable[Any]],
        *,
        ttl_seconds: float = TTL_SECONDS,
        retry_seconds: float = RETRY_SECONDS,
        read_seconds: float = READ_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch = fetch
        self._ttl = ttl_seconds
        self._retry = retry_seconds
        self._read_seconds = read_seconds
        self._clock = clock
        self._rules = PortalRules()
        self._read_at: float | None = None  # when the rules in hand were read
        self._failed_at: float | None = None
        self._lock: asyncio.Lock | None = None
        self.reads = 0  # reads sent to HubSpot (tests and the bench count them)

    @property
    def known(self) -> PortalRules:
        """The rules in hand now, without waiting (empty before the first read)."""
        return self._rules

    def invalidate(self) -> None:
        """The next `rules()` reads again (HubSpot refused a write for a rule we lack)."""
        self._read_at = None
        self._failed_at = None

    def _fresh(self) -> bool:
        now = self._clock()
        if self._read_at is not None and now - self._read_at < self._ttl:
            return True
        return self._failed_at is not None and now - self._failed_at < self._retry

    async def rules(self) -> PortalRules:
        """The rules, read again when stale; never raises (a failed read keeps the last)."""
        if self._fresh():
            return self._rules
        if self._lock is None:  # created lazily: bound to the loop that first uses it
            self._lock = asyncio.Lock()
        async with self._lock:
            if not self._fresh():  # nobody read them while we waited
                await self._read()
        return self._rules

    async def _read(self) -> None:
        self.reads += 1
        try:
            # Its own deadline, not the one of the action that happened to need the rules.
            with deadline.until(None), deadline.action(self._read_seconds):
                body = await self._fetch()
        except ContactsError as exc:
            self._failed_at = self._clock()
            log.warning("HubSpot validation rules not read (%s); keeping the last known", exc.code)
            return
        self._rules = PortalRules.from_json(body)
        self._read_at = self._clock()
        self._failed_at = None
