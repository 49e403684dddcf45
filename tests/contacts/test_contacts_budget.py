"""A burst of users searching at once stays under HubSpot's 5 searches/second, instead of
collecting 429s; and HubSpot's own 429s, when they come, are waited out as HubSpot asks."""

from __future__ import annotations

import asyncio
import time

import pytest

from contacts import ContactsService, RateLimited, SearchCriteria, SearchPage
from contacts.budget import BudgetLimits, RequestBudget, RollingWindow
from contacts.hubspot import HubSpotAdapter
from contacts.retrying import RetryPolicy
from hubspot_local import RateLimits
from tests.support.hubspot_server import hubspot_server

BURST = 12


async def test_rolling_window_never_lets_more_than_the_limit_through() -> None:
    window = RollingWindow(4, 0.3, margin=0.0)
    stamps: list[float] = []

    async def one() -> None:
        await window.acquire()
        stamps.append(time.monotonic())

    await asyncio.gather(*(one() for _ in range(10)))
    stamps.sort()
    assert all(stamps[i + 4] - stamps[i] >= 0.3 - 0.01 for i in range(len(stamps) - 4))
    assert stamps[-1] - stamps[0] < 1.5


async def test_a_burst_of_searches_is_spread_under_hubspots_limit() -> None:
    async with hubspot_server(rate_limits=RateLimits()) as hs:
        adapter = HubSpotAdapter(
            hs.token, host=hs.url, timeout_seconds=5, retry=RetryPolicy(rate_limit_retries=0)
        )
        contacts = ContactsService(adapter)
        await contacts.create({"email": "kim@acme.example", "company": "Acme"})
        started = time.monotonic()
        try:
            pages = await asyncio.gather(
                *(contacts.search(SearchCriteria(company="acme")) for _ in range(BURST))
            )
        finally:
            adapter.close()
        elapsed = time.monotonic() - started
    assert all(p.total == 1 for p in pages)
    assert hs.counters["search"].statuses.get(429, 0) == 0
    assert elapsed >= 1.0  # 12 searches at 5 per second cannot all go in the first second


async def test_without_the_budget_hubspot_would_have_refused_some() -> None:
    """The counter-check: the same burst, budget raised, no retries -> HubSpot says 429."""
    async with hubspot_server(rate_limits=RateLimits()) as hs:
        adapter = HubSpotAdapter(
            hs.token,
            host=hs.url,
            timeout_seconds=5,
            retry=RetryPolicy(rate_limit_retries=0),
            budget=RequestBudget(BudgetLimits(searches=1000)),
        )
        contacts = ContactsService(adapter)
        try:
            results = await asyncio.gather(
                *(contacts.search(SearchCriteria(company="acme")) for _ in range(BURST)),
                return_exceptions=True,
            )
        finally:
            adapter.close()
    refused = [r for r in results if isinstance(r, RateLimited)]
    assert refused and all(
        isinstance(r, RateLimited) or (isinstance(r, SearchPage) and r.total == 0) for r in results
    )
    assert hs.counters["search"].statuses.get(429, 0) == len(refused)


async def test_hubspots_429_is_waited_out_and_the_call_succeeds() -> None:
    # Server allows 5 searches/s; client budget off, but retries on: every call succeeds.
    async with hubspot_server(rate_limits=RateLimits()) as hs:
        adapter = HubSpotAdapter(
            hs.token,
            host=hs.url,
            timeout_seconds=5,
            retry=RetryPolicy(rate_limit_retries=5, rate_limit_default_seconds=0.5),
            budget=RequestBudget(BudgetLimits(searches=1000)),
        )
        contacts = ContactsService(adapter)
        try:
            pages = await asyncio.gather(
                *(contacts.search(SearchCriteria(company="x")) for _ in range(8))
            )
        finally:
            adapter.close()
    assert len(pages) == 8
    assert hs.counters["search"].statuses.get(429, 0) >= 1


@pytest.mark.parametrize("limit", [0, -1])
def test_a_window_needs_a_positive_limit(limit: int) -> None:
    with pytest.raises(ValueError):
        RollingWindow(limit, 1.0)
