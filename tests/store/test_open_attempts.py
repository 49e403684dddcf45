"""The writes left open, as the settle sweep finds them, and a claim settled once: the same in
memory, SQLite and PostgreSQL. Whoever learns first how a write went (its writer, a takeover,
the settle sweep of either instance) decides; a later answer changes nothing, so no write ends
with two records."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace

from store import AuditEntry
from store.base import APPLIED, ATTEMPTED, IN_DOUBT, NOT_DONE
from tests.store.test_store import store  # noqa: F401  (the three stores, as a fixture)

ASKED = AuditEntry(
    5.0,
    "aad-ann",
    "Ann",
    "msteams",
    "c1",
    "create",
    "",
    {"email": "kim@acme.kr", "firstname": "Kim"},
    actor_email="ann@contoso.com",
    target="kim@acme.kr",
)


async def test_open_attempts_are_the_claimed_writes_with_an_open_record(store):  # noqa: F811
    await store.claim_attempt("create/a", by="aad-ann", attempt=ASKED)
    await store.claim_attempt("create/b", by="aad-ann", attempt=ASKED)
    await store.resolve("create/b", replace(ASKED, outcome=IN_DOUBT))
    await store.claim_attempt("create/done", by="aad-ann", attempt=ASKED)
    await store.finish("create/done", {"contact_id": "7"}, audit=replace(ASKED, contact_id="7"))
    await store.claim_attempt("create/back", by="aad-ann", attempt=ASKED)
    await store.release("create/back")
    await store.claim("create/plain", by="aad-ann")  # claimed with no record: nothing to read
    now = time.time()
    found = await store.open_attempts(before=now + 1, since=now - 60, limit=10)
    assert [(c.key, c.state, e.outcome, e.actor_id) for c, e in found] == [
        ("create/a", "claimed", ATTEMPTED, "aad-ann"),
        ("create/b", "claimed", IN_DOUBT, "aad-ann"),
    ]
    assert found[0][1].properties == ASKED.properties and found[0][1].claim == "create/a"
    assert await store.open_attempts(before=now - 60, since=now - 120, limit=10) == []
    assert await store.open_attempts(before=now + 1, since=now + 0.5, limit=10) == []
    assert len(await store.open_attempts(before=now + 1, since=now - 60, limit=1)) == 1


async def test_a_claim_settled_first_is_not_settled_again(store):  # noqa: F811
    await store.claim_attempt("create/a", by="aad-ann", attempt=ASKED)
    applied = replace(ASKED, contact_id="51", target="")
    await asyncio.gather(
        store.finish("create/a", {"contact_id": "51"}, audit=applied),
        store.finish("create/a", {"contact_id": "51"}, audit=applied),
    )
    # Late answers of a writer or a takeover that learned it after someone else did:
    await store.resolve("create/a", replace(ASKED, outcome=IN_DOUBT))
    await store.release("create/a")
    await store.finish("create/a", {"contact_id": "51"}, audit=applied)
    assert [(e.outcome, e.contact_id) for e in await store.audit_log()] == [(APPLIED, "51")]
    assert (await store.lookup_claim("create/a")).state == "done"


async def test_a_write_hubspot_confirmed_after_its_claim_was_given_back_is_recorded(store):  # noqa: F811
    """A takeover read HubSpot too early and gave the claim back; then the writer heard
    HubSpot confirm it: the write happened, and the log says so."""
    await store.claim_attempt("create/a", by="aad-ann", attempt=ASKED)
    await store.release("create/a")
    await store.resolve("create/a", replace(ASKED, outcome=IN_DOUBT))  # nothing open: no-op
    await store.finish("create/a", {"contact_id": "51"}, audit=replace(ASKED, contact_id="51"))
    assert [(e.outcome, e.contact_id) for e in await store.audit_log()] == [
        (APPLIED, "51"),
        (NOT_DONE, ""),
    ]
