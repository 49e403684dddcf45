"""HubSpot owners: who a contact belongs to, and which owner a user of the bot is.

A HubSpot owner is a HubSpot user, named by an owner id (what a contact's `hubspot_owner_id`
holds). The bot maps the person it talks to onto one by email, and shows a contact's owner by
name, so every new lead belongs to whoever added it and "my contacts" means something.

Owners change rarely (HubSpot suggests polling them at most every five minutes), so answers are
kept for `ttl_seconds`; "no owner has that email" is kept for a shorter `miss_ttl_seconds`, so
a person invited to HubSpot a minute ago is found soon. A failed lookup is not kept: the
next turn asks again.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from contacts import deadline
from contacts.errors import HubSpotRejectedToken

log = logging.getLogger(__name__)
V = TypeVar("V")
OWNER_PROPERTY = "hubspot_owner_id"


@dataclass(frozen=True)
class Owner:
    id: str
    email: str = ""
    first_name: str = ""
    last_name: str = ""

    @property
    def name(self) -> str:
        """ "Ann Lee"; a Korean name family name first ("김지현"); the email when unnamed."""
        first, last = self.first_name.strip(), self.last_name.strip()
        if first and last and not (first + last).isascii():
            return last + first
        return " ".join(p for p in (first, last) if p) or self.email or f"#{self.id}"


@dataclass(frozen=True)
class ActingOwner:
    """The person a turn acts for, as HubSpot knows them."""

    email: str  # '' when the channel does not say who this is
    owner: Owner | None  # None when no HubSpot owner has that email (or there is no email)


class OwnersAdapter(Protocol):
    """What the directory needs from HubSpot (contacts.hubspot_owners.OwnerCalls provides it)."""

    async def owner_by_email(self, email: str) -> Owner | None: ...
    async def owner_by_id(self, owner_id: str) -> Owner | None: ...


class _Cache(Generic[V]):
    """Key -> value until its time is up; the oldest entries go first past `max_entries`."""

    def __init__(self, clock: Callable[[], float], max_entries: int) -> None:
        self._clock = clock
        self._max = max_entries
        self._items: OrderedDict[str, tuple[float, V]] = OrderedDict()

    def get(self, key: str) -> tuple[bool, V | None]:
        hit = self._items.get(key)
        if hit is None or hit[0] <= self._clock():
            self._items.pop(key, None)
            return False, None
        return True, hit[1]

    def put(self, key: str, value: V, ttl: float) -> None:
        self._items[key] = (self._clock() + ttl, value)
        self._items.move_to_end(key)
        while len(self._items) > self._max:
            self._items.popitem(last=False)


class OwnerDirectory:
    """Owners by email and by id, cached. Raises ContactsError when HubSpot fails (callers
    decide whether that costs the turn); a token without the owners scope reads as "no owner"
    and is logged, so a missing scope never stops a create."""

    def __init__(
        self,
        adapter: OwnersAdapter,
        *,
        ttl_seconds: float = 300.0,
        miss_ttl_seconds: float = 60.0,
        action_seconds: float = 12.0,
        max_entries: int = 4096,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._adapter = adapter
        self._ttl = ttl_seconds
        self._miss_ttl = miss_ttl_seconds
        self._action_seconds = action_seconds
        self._by_email: _Cache[Owner | None] = _Cache(clock, max_entries)
        self._by_id: _Cache[Owner | None] = _Cache(clock, max_entries)

    async def by_email(self, email: str) -> Owner | None:
        """The active owner with this email (HubSpot matches it case-insensitively)."""
        key = email.strip().lower()
        if not key:
            return None
        known, owner = self._by_email.get(key)
        if known:
            return owner
        with deadline.action(self._action_seconds):
            owner = await self._ask(self._adapter.owner_by_email, key)
        self._by_email.put(key, owner, self._ttl if owner else self._miss_ttl)
        if owner is not None:
            self._by_id.put(owner.id, owner, self._ttl)
        return owner

    async def get(self, owner_id: str) -> Owner | None:
        """The owner with this id; None when there is none (or it is archived)."""
        key = str(owner_id).strip()
        if not key.isdigit():
            return None
        known, owner = self._by_id.get(key)
        if known:
            return owner
        with deadline.action(self._action_seconds):
            owner = await self._ask(self._adapter.owner_by_id, key)
        self._by_id.put(key, owner, self._ttl if owner else self._miss_ttl)
        return owner

    async def name_of(self, owner_id: str) -> str:
        """The owner's name for a card; '' when unknown or HubSpot cannot say right now."""
        if not str(owner_id or "").strip():
            return ""
        try:
            owner = await self.get(owner_id)
        except Exception as exc:  # noqa: BLE001 - a card without the owner's name still helps
            log.info("owner %s not shown: %s", owner_id, getattr(exc, "code", type(exc).__name__))
            return ""
        return owner.name if owner else ""

    @staticmethod
    async def _ask(call: Callable[[str], Awaitable[Owner | None]], key: str) -> Owner | None:
        try:
            return await call(key)
        except HubSpotRejectedToken as exc:
            log.warning(
                "HubSpot refused the owners lookup (HTTP %s): give the token the scope "
                "crm.objects.owners.read to assign and show owners",
                exc.status,
            )
            return None
