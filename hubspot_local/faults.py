"""Seeded fault injection and per-route request counters.

A faulted write may fail before it commits (nothing changed) or after (the record exists but
the client saw an error or timed out). Tests use the counters to check what really happened,
e.g. that exactly one create committed however many the client sent.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass

from hubspot_local.options import ROUTES, WRITE_ROUTES, Faults, RouteCounter


@dataclass(frozen=True)
class Fault:
    hang: bool
    status: int
    after_commit: bool


class FaultInjector:
    """Decides, request by request, whether to fault; deterministic for a given seed."""

    def __init__(self, faults: Faults | None) -> None:
        self.faults = faults

    @property
    def faults(self) -> Faults | None:
        return self._faults

    @faults.setter
    def faults(self, faults: Faults | None) -> None:
        self._faults = faults
        self._rng = random.Random(faults.seed if faults else 0)

    def decide(self, route: str) -> Fault | None:
        f = self._faults
        if f is None or not f.applies_to(route):
            return None
        if self._rng.random() >= f.rate:
            return None
        hang = self._rng.random() < f.hang_share
        status = self._rng.choice(f.statuses)
        after = route in WRITE_ROUTES and self._rng.random() < f.after_commit_share
        return Fault(hang=hang, status=status, after_commit=after)


class Counters:
    """Per-route counters; `counters["create"].committed` and friends."""

    def __init__(self) -> None:
        self._by_route = {r: RouteCounter() for r in sorted(ROUTES)}

    def __getitem__(self, route: str) -> RouteCounter:
        return self._by_route.setdefault(route, RouteCounter())

    def snapshot(self) -> dict[str, RouteCounter]:
        return dict(self._by_route)

    def reset(self) -> None:
        for r in list(self._by_route):
            self._by_route[r] = RouteCounter()


class Hangs:
    """Holds requests for a while, but lets a shutting-down server let go of them at once."""

    def __init__(self) -> None:
        self._closing = asyncio.Event()

    async def hold(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._closing.wait(), timeout=seconds)
        except TimeoutError:
            pass

    def release_all(self) -> None:
        self._closing.set()
