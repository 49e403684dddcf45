"""A client-side request budget, so a burst of users stays under HubSpot's limits.

HubSpot allows a private app about 100 calls per rolling 10 s (Free/Starter) and search 5 per
second; past that it answers 429 and everyone waits. Spending from this budget before each call
spreads a burst out instead: callers queue here, in arrival order, rather than hammering HubSpot
and backing off blindly.

The buckets are rolling windows ("at most N calls in any T seconds", which is how HubSpot
counts: TEN_SECONDLY_ROLLING) rather than refilling token buckets, because a token bucket of
size N refilling N per T lets almost 2N through in one window and would trip HubSpot anyway.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from dataclasses import dataclass


class RollingWindow:
    """At most `limit` acquisitions in any `seconds`-long window.

    `margin` is extra wait past the window's edge, so a call sent a moment after it was
    counted here is still outside HubSpot's window. Waiters hold one lock while sleeping, so
    they are served first come, first served.
    """

    def __init__(self, limit: int, seconds: float, *, margin: float = 0.05) -> None:
        if limit < 1 or seconds <= 0:
            raise ValueError("a rolling window needs a positive limit and length")
        self.limit, self.seconds, self.margin = int(limit), float(seconds), margin
        self._times: deque[float] = deque()
        self._lock: asyncio.Lock | None = None

    def has_room(self) -> bool:
        """Would `acquire()` return at once (room in the window, nobody waiting)?"""
        if self._lock is not None and self._lock.locked():
            return False
        now = time.monotonic()
        recent = sum(1 for t in self._times if t > now - self.seconds - self.margin)
        return recent < self.limit

    async def acquire(self) -> None:
        if self._lock is None:  # created lazily: bound to the loop that first uses it
            self._lock = asyncio.Lock()
        async with self._lock:
            while True:
                now = time.monotonic()
                while self._times and self._times[0] <= now - self.seconds - self.margin:
                    self._times.popleft()
                if len(self._times) < self.limit:
                    self._times.append(now)
                    return
                await asyncio.sleep(self._times[0] + self.seconds + self.margin - now)


#: HubSpot's ten-second limit per private app, by account tier (HUBSPOT_TIER).
TIER_CALLS_PER_10S = {"free": 100, "starter": 100, "pro": 190, "enterprise": 190}


@dataclass(frozen=True)
class BudgetLimits:
    """Defaults are HubSpot's Free/Starter private-app limits; tests may raise them."""

    calls: int = 100
    calls_per_seconds: float = 10
    searches: int = 5
    searches_per_seconds: float = 1

    @classmethod
    def for_tier(cls, tier: str) -> BudgetLimits:
        """`free`, `pro` or `enterprise`: the ten-second limit differs, search is 5/s on all."""
        try:
            return cls(calls=TIER_CALLS_PER_10S[tier.strip().lower()])
        except KeyError:
            raise ValueError(f"unknown HubSpot tier {tier!r}") from None


class RequestBudget:
    """Searches spend from the search window only (HubSpot exempts search from the
    ten-secondly bucket), so a search never queues behind batchable calls; every other call
    spends from the ten-second window. Both windows serve first come, first served.
    `off()` is no budget at all (the embedded local HubSpot is not HubSpot)."""

    def __init__(self, limits: BudgetLimits | None = None, *, unlimited: bool = False) -> None:
        limits = limits or BudgetLimits()
        self.limits = limits
        self.unlimited = unlimited
        self._calls = RollingWindow(limits.calls, limits.calls_per_seconds)
        self._searches = RollingWindow(limits.searches, limits.searches_per_seconds)

    @classmethod
    def off(cls) -> RequestBudget:
        """No client-side budget: for a local HubSpot that does not throttle."""
        return cls(unlimited=True)

    def search_room(self) -> bool:
        return self.unlimited or self._searches.has_room()

    async def spend(self, *, search: bool = False) -> None:
        if self.unlimited:
            return
        if search:
            await self._searches.acquire()
        else:
            await self._calls.acquire()
