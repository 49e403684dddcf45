"""Concurrent users share HubSpot calls: lookups, creates and updates coalesced into HubSpot's
batch endpoints, every caller told its own outcome; each action bounded in time; the fewest
calls per action. Real parts only: ContactsService over the official SDK against the local
HubSpot API, whose request counters say what HubSpot really saw."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from contacts import (
    ContactChanged,
    ContactsService,
    DuplicateContact,
    HubSpotUnavailable,
    InvalidContact,
    RateLimited,
    SearchCriteria,
)
from contacts.budget import BudgetLimits, RequestBudget
from contacts.hubspot import HubSpotAdapter
from contacts.model import Contact
from contacts.retrying import RetryPolicy
from hubspot_local import Faults
from tests.support.hubspot_server import LocalHubSpot, hubspot_server

pytestmark = pytest.mark.timeout(60)


def calls(hs: LocalHubSpot) -> dict[str, int]:
    """HubSpot requests so far, by route (only routes that saw any)."""
    return {r: c.total for r, c in hs.counters.snapshot().items() if c.total}


def total_calls(hs: LocalHubSpot) -> int:
    return sum(calls(hs).values())


@asynccontextmanager
async def service(
    hs: LocalHubSpot, **options: Any
) -> AsyncIterator[tuple[ContactsService, HubSpotAdapter]]:
    adapter_options: dict[str, Any] = {
        "timeout_seconds": 5,
        "budget": RequestBudget.off(),
        **{k: options.pop(k) for k in list(options) if k in ("timeout_seconds", "retry", "budget")},
    }
    if "max_workers" in options:
        adapter_options["max_workers"] = options.pop("max_workers")
    adapter = HubSpotAdapter(hs.token, host=hs.url, **adapter_options)
    contacts = ContactsService(adapter, **options)
    try:
        yield contacts, adapter
    finally:
        await contacts.aclose()


async def stored_emails(hs: LocalHubSpot) -> list[str]:
    records, _ = await hs.store.page(0, 10_000)
    return sorted(r.props["email"] for r in records if r.props.get("email"))


async def test_a_hundred_concurrent_creates_of_new_emails_make_at_most_four_calls() -> None:
    async with hubspot_server() as hs, service(hs) as (contacts, _):
        emails = [f"new{i}@batch.example" for i in range(100)]
        results = await asyncio.gather(
            *(
                contacts.create({"email": e, "firstname": "Batch", "lastname": f"User{i}"})
                for i, e in enumerate(emails)
            )
        )
        assert [r.contact.email for r in results] == emails
        assert len({r.contact.id for r in results}) == 100
        assert total_calls(hs) <= 4, calls(hs)
        assert calls(hs) == {"batch_read": 1, "batch_create": 1}
        assert await stored_emails(hs) == sorted(emails)


async def test_duplicates_and_invalid_emails_each_get_their_own_answer() -> None:
    async with hubspot_server() as hs, service(hs) as (contacts, _):
        existing = {
            f"old{i}@batch.example": (await contacts.create({"email": f"old{i}@batch.example"}))
            for i in range(10)
        }
        before = total_calls(hs)
        typed: list[str] = (
            [f"new{i}@batch.example" for i in range(85)]
            + [e.upper() for e in existing]  # the same people, typed differently
            + [f"broken{i}@" for i in range(5)]
        )
        outcomes = await asyncio.gather(
            *(contacts.create({"email": e, "company": "Batch"}) for e in typed),
            return_exceptions=True,
        )
        made = outcomes[:85]
        assert all(not isinstance(o, BaseException) for o in made)
        assert [o.contact.email for o in made] == typed[:85]  # type: ignore[union-attr]
        for email, outcome in zip(existing, outcomes[85:95], strict=True):
            assert isinstance(outcome, DuplicateContact)
            assert outcome.existing is not None
            assert outcome.existing.id == existing[email].contact.id
        for outcome in outcomes[95:]:
            assert isinstance(outcome, InvalidContact) and outcome.field == "email"
        assert total_calls(hs) - before <= 4, calls(hs)
        assert await stored_emails(hs) == sorted([*typed[:85], *existing])
        assert hs.counters["batch_create"].committed == 1


async def test_hubspots_partial_failures_reach_only_their_own_callers() -> None:
    """What HubSpot itself refuses inside a batch (an email it finds invalid, an email taken
    since the lookup): a 207 whose errors are mapped back by trace id; the others are made."""
    async with hubspot_server() as hs, service(hs) as (_, adapter):
        taken = await adapter.create({"email": "taken@batch.example"})
        outcomes = await adapter.create_many(
            [
                {"email": "fine1@batch.example"},
                {"email": "taken@batch.example", "firstname": "Late"},
                {"email": "no-dot@example"},  # passes a lax check, HubSpot says INVALID_EMAIL
                {"email": "fine2@batch.example", "city": "Seoul"},
            ]
        )
        assert hs.counters["batch_create"].statuses == {207: 1}
        fine1, dup, bad, fine2 = outcomes
        assert isinstance(fine1, Contact) and fine1.email == "fine1@batch.example"
        assert isinstance(dup, DuplicateContact) and dup.existing_id == taken.id
        assert isinstance(bad, InvalidContact) and bad.field == "email"
        assert isinstance(fine2, Contact) and fine2.get("city") == "Seoul"
        assert await stored_emails(hs) == [
            "fine1@batch.example",
            "fine2@batch.example",
            "taken@batch.example",
        ]

        a, b = fine1, fine2
        outcomes = await adapter.update_many(
            [
                (a.id, {"city": "Busan"}),
                (b.id, {"email": "taken@batch.example"}),
                ("999999", {"city": "Nowhere"}),
            ]
        )
        moved, clash, missing = outcomes
        assert isinstance(moved, Contact) and moved.get("city") == "Busan"
        assert isinstance(clash, DuplicateContact) and clash.existing_id == taken.id
        assert type(missing).__name__ == "ContactNotFound"
        assert hs.counters["batch_update"].statuses == {207: 1}


async def test_a_hundred_concurrent_finds_by_email_make_one_or_two_calls() -> None:
    async with hubspot_server() as hs, service(hs) as (contacts, _):
        made = [await contacts.create({"email": f"f{i}@batch.example"}) for i in range(50)]
        before = total_calls(hs)
        asked = [f"F{i}@batch.example" for i in range(100)]  # 50 exist, 50 do not
        found = await asyncio.gather(*(contacts.find_by_email(e) for e in asked))
        assert [c.id if c else None for c in found] == [r.contact.id for r in made] + [None] * 50
        assert 1 <= total_calls(hs) - before <= 2
        # `find <email>` typed in the chat is the same lookup.
        before = total_calls(hs)
        pages = await asyncio.gather(
            *(contacts.search(SearchCriteria(email=f"f{i}@batch.example")) for i in range(50))
        )
        assert all(p.total == 1 for p in pages)
        assert 1 <= total_calls(hs) - before <= 2


async def test_concurrent_confirms_share_one_read_and_one_batch_update() -> None:
    async with hubspot_server() as hs, service(hs) as (contacts, _):
        made = [
            (await contacts.create({"email": f"u{i}@batch.example"})).contact for i in range(20)
        ]
        plans = [await contacts.plan_update(c.id, {"city": f"City{i}"}) for i, c in enumerate(made)]
        # One of them is changed by someone else before its Confirm.
        await hs.store.update(made[3].id, {"jobtitle": "Changed"})
        before = total_calls(hs)
        outcomes = await asyncio.gather(
            *(contacts.apply_update(p) for p in plans), return_exceptions=True
        )
        assert isinstance(outcomes[3], ContactChanged)
        for i, outcome in enumerate(outcomes):
            if i != 3:
                assert isinstance(outcome, Contact) and outcome.get("city") == f"City{i}"
        assert total_calls(hs) - before == 2, calls(hs)
        assert hs.counters["batch_update"].total == 1


async def test_fewest_calls_per_action() -> None:
    async with hubspot_server() as hs, service(hs) as (contacts, _):
        await contacts.create({"email": "ann@one.example", "firstname": "Ann", "lastname": "Lee"})

        before = total_calls(hs)
        result = await contacts.create(
            {"email": "ann@two.example", "firstname": "Ann", "lastname": "Lee"}
        )
        assert total_calls(hs) - before == 2  # one lookup that also finds the same name
        assert [c.email for c in result.same_name] == ["ann@one.example"]

        before = total_calls(hs)
        await contacts.create({"email": "bo@one.example", "firstname": "Bo"})
        assert total_calls(hs) - before == 2

        before = total_calls(hs)
        found = await contacts.find_by_email("ann@two.example")
        assert found is not None and total_calls(hs) - before == 1

        # The update form read the contact; the preview reuses that read.
        before = total_calls(hs)
        contact = await contacts.get(found.id)
        pending = await contacts.plan_update(contact.id, {"city": "Seoul"})
        assert total_calls(hs) - before == 1
        before = total_calls(hs)
        await contacts.apply_update(pending)  # Confirm: a fresh read, then the write
        assert total_calls(hs) - before == 2


async def test_a_hanging_hubspot_costs_an_action_its_deadline_not_a_timeout_per_attempt() -> None:
    hang = Faults(rate=1.0, hang_share=1.0, hang_seconds=30)
    retry = RetryPolicy(attempts=10, backoff_base_seconds=0.01, backoff_cap_seconds=0.02)
    async with (
        hubspot_server(faults=hang) as hs,
        service(hs, timeout_seconds=0.4, retry=retry, action_seconds=1.0) as (contacts, _),
    ):
        started = time.monotonic()
        with pytest.raises(HubSpotUnavailable) as caught:
            await contacts.find_by_email("kim@hang.example")
        waited = time.monotonic() - started
        # Two full attempts and the rest of the deadline for a third, not ten attempts.
        assert 2 <= hs.counters["read"].total <= 3
        assert waited < 5
        assert caught.value.write_may_have_happened is False

        # A create whose duplicate check hangs is told so, and nothing was sent to be written.
        with pytest.raises(HubSpotUnavailable) as caught:
            await contacts.create({"email": "lee@hang.example"})
        assert caught.value.write_may_have_happened is False
        assert hs.counters["create"].total == hs.counters["batch_create"].total == 0

        # A create whose write hangs may or may not have happened: the user is told that.
        hs.controls.faults = Faults(
            rate=1.0,
            hang_share=1.0,
            hang_seconds=30,
            after_commit_share=0.0,
            routes=frozenset({"create"}),
        )
        with pytest.raises(HubSpotUnavailable) as caught:
            await contacts.create({"email": "park@hang.example"})
        assert caught.value.write_may_have_happened is True
        assert hs.counters["create"].total >= 1


async def test_callers_waiting_for_the_budget_hold_no_thread() -> None:
    """With one thread and the ten-second budget spent, a read waits for the budget; a search
    (its own budget) still goes at once, and the read gives up at its deadline."""
    budget = RequestBudget(BudgetLimits(calls=1, calls_per_seconds=10, searches=5))
    async with (
        hubspot_server() as hs,
        service(hs, budget=budget, max_workers=1, action_seconds=1.5) as (contacts, _),
    ):
        await contacts.find_by_email("first@budget.example")  # spends the one call
        read = asyncio.create_task(contacts.find_by_email("second@budget.example"))
        await asyncio.sleep(0.05)
        started = time.monotonic()
        page = await contacts.search(SearchCriteria(company="Acme"))
        assert page.total == 0
        assert time.monotonic() - started < 1.0
        assert not read.done()
        with pytest.raises(RateLimited):
            await read
        assert calls(hs) == {"read": 1, "search": 1}
