"""1,000 concurrent creates of 500 emails while HubSpot misbehaves: one contact per email, and
every caller told the truth.

The local HubSpot API faults 30% of requests (429, 5xx, hangs past the client timeout; half of
the faulted creates fail *after* committing) and its search index lags 2 s. Afterwards the
store must agree with what each caller was told: an email has a contact only if exactly one
caller was told "created" or some caller was told "may have been created"; no email was
"created" twice; nothing failed with anything but a ContactsError. Then, as users would, the
callers that got an error try once more with HubSpot healthy, and exactly 500 contacts remain.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass

import pytest

from contacts import ContactsError, ContactsService, DuplicateContact, HubSpotUnavailable
from contacts.budget import BudgetLimits, RequestBudget
from contacts.hubspot import HubSpotAdapter
from contacts.retrying import RetryPolicy
from hubspot_local import Faults
from tests.support.hubspot_server import hubspot_server

EMAILS = 500
FAULTS = Faults(
    rate=0.3,
    seed=20240501,
    statuses=(429, 500, 502, 503),
    hang_share=0.2,
    hang_seconds=1.5,
    after_commit_share=0.5,
)


@dataclass
class Outcome:
    email: str
    kind: str  # created | duplicate | error
    contact_id: str | None = None
    code: str = ""
    maybe_written: bool = False


async def create_one(contacts: ContactsService, typed_email: str, i: int) -> Outcome:
    email = typed_email.lower()
    try:
        made = await contacts.create(
            {"email": typed_email, "firstname": "Stress", "lastname": f"Tester{i}"}
        )
    except DuplicateContact as dup:
        return Outcome(email, "duplicate", dup.existing_id)
    except ContactsError as exc:  # anything else would fail the test: nothing escapes silently
        return Outcome(
            email,
            "error",
            code=exc.code,
            maybe_written=isinstance(exc, HubSpotUnavailable) and exc.write_may_have_happened,
        )
    return Outcome(email, "created", made.contact.id)


@pytest.mark.slow
@pytest.mark.parametrize("batch_size", [100, 5], ids=["full-batches", "small-batches"])
async def test_a_thousand_racing_creates_under_faults_keep_one_contact_per_email(
    batch_size: int,
) -> None:
    """Full batches (HubSpot's 100) make few calls, so few are faulted; small batches make
    enough calls that faults also hit batch creates after they committed."""
    started = time.monotonic()
    async with hubspot_server(faults=FAULTS, search_lag_ms=2000) as hs:
        adapter = HubSpotAdapter(
            hs.token,
            host=hs.url,
            max_workers=16,
            timeout_seconds=0.75,
            retry=RetryPolicy(
                attempts=5,
                backoff_base_seconds=0.05,
                backoff_cap_seconds=0.4,
                rate_limit_retries=5,
                rate_limit_default_seconds=0.05,
                rate_limit_cap_seconds=0.2,
            ),
            budget=RequestBudget(
                BudgetLimits(calls=5000, calls_per_seconds=1, searches=5000, searches_per_seconds=1)
            ),
        )
        contacts = ContactsService(adapter, batch_size=batch_size)
        try:
            rng = random.Random(5)
            emails = [f"user{i}@stress.example" for i in range(EMAILS)]
            typed = emails + [e.upper() if i % 2 else e for i, e in enumerate(emails)]
            order = list(range(len(typed)))
            rng.shuffle(order)
            outcomes = await asyncio.gather(
                *(create_one(contacts, typed[k], k % EMAILS) for k in order)
            )

            records, _ = await hs.store.page(0, 10_000)
            stored = {r.props["email"]: str(r.id) for r in records}
            by_email: dict[str, list[Outcome]] = defaultdict(list)
            for o in outcomes:
                by_email[o.email].append(o)
            kinds = Counter(o.kind for o in outcomes)
            codes = Counter(o.code for o in outcomes if o.code)
            # Creates go one by one or coalesced into batch/create: count both routes.
            writes = [hs.counters[r] for r in ("create", "batch_create")]
            print(
                f"\noutcomes {dict(kinds)}; errors {dict(codes)}; "
                f"create calls {[w.total for w in writes]} faulted {[w.faulted for w in writes]} "
                f"(after commit {[w.faulted_after_commit for w in writes]}); "
                f"lookups {[hs.counters[r].total for r in ('read', 'batch_read', 'search')]}; "
                f"{time.monotonic() - started:.1f}s"
            )

            assert len(outcomes) == 2 * EMAILS
            assert len(records) == len(stored), "two contacts share an email"
            assert set(stored) <= set(emails)
            for email in emails:
                told = by_email[email]
                created = [o for o in told if o.kind == "created"]
                assert len(created) <= 1, f"{email}: two callers told 'created'"
                if email in stored:
                    assert created or any(o.maybe_written for o in told), (
                        f"{email} exists but every caller was told it was not made"
                    )
                    for o in created + [o for o in told if o.kind == "duplicate"]:
                        assert o.contact_id in (None, stored[email]), email
                else:
                    assert not created, f"{email}: told 'created' but HubSpot has none"
            # The faults really happened, including writes that committed and then failed.
            assert sum(c.faulted for c in hs.counters.snapshot().values()) > 0
            if batch_size < 100:
                assert sum(w.faulted_after_commit for w in writes) > 0
            assert kinds["created"] >= EMAILS * 0.9

            # Users whose attempt failed try again once HubSpot is healthy.
            hs.controls.faults = None
            retry = [e for e in emails if any(o.kind == "error" for o in by_email[e])]
            again = await asyncio.gather(*(create_one(contacts, e, 0) for e in retry))
            assert all(o.kind in ("created", "duplicate") for o in again)
            assert await hs.store.count() == EMAILS
            assert hs.counters["create"].committed <= EMAILS  # the rest came from batches
        finally:
            adapter.close()
    assert time.monotonic() - started < 90
