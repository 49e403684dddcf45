"""A write's claim and its "attempted" audit record, the same in memory, SQLite and PostgreSQL:
written together, resolved in place, so every write ends with exactly one record."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from store import AuditEntry
from store.base import APPLIED, ATTEMPTED, IN_DOUBT, NOT_DONE, REFUSED
from store.sqlite import SqliteStore
from tests.flows.test_audit_trail import audit_command
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


async def test_racing_claims_leave_one_attempted_record_naming_who_asked(store):  # noqa: F811
    claims = await asyncio.gather(
        *(store.claim_attempt("create/a", by=f"u{i}", attempt=ASKED) for i in range(10))
    )
    assert sum(c.fresh for c in claims) == 1
    (entry,) = await store.audit_log()
    assert entry == replace(ASKED, outcome=ATTEMPTED, claim="create/a")
    assert await store.open_attempt("create/a") == entry
    assert await store.open_attempt("create/none") is None


async def test_an_applied_write_takes_the_place_of_its_attempt(store):  # noqa: F811
    await store.claim_attempt("create/a", by="aad-ann", attempt=ASKED)
    applied = replace(ASKED, at=6.0, contact_id="51", target="")
    await store.finish("create/a", {"contact_id": "51"}, audit=applied)
    (entry,) = await store.audit_log()
    assert (entry.outcome, entry.contact_id, entry.actor_email) == (
        APPLIED,
        "51",
        ASKED.actor_email,
    )
    assert await store.open_attempt("create/a") is None
    assert (await store.lookup_claim("create/a")).state == "done"


async def test_a_write_given_back_ends_not_done_or_refused_once(store):  # noqa: F811
    await store.claim_attempt("create/a", by="aad-ann", attempt=ASKED)
    await store.release("create/a")
    await store.release("create/a")  # a repeat changes nothing
    await store.claim_attempt("update/b", by="aad-ann", attempt=replace(ASKED, action="update"))
    refused = replace(ASKED, action="update", outcome=REFUSED, reason="changed")
    await store.release("update/b", audit=refused)
    newest, oldest = await store.audit_log()
    assert (oldest.outcome, newest.outcome, newest.reason) == (NOT_DONE, REFUSED, "changed")
    assert await store.lookup_claim("create/a") is None
    # Given back, the same write may be claimed again: a new attempt, a second record.
    assert (await store.claim_attempt("create/a", by="aad-ann", attempt=ASKED)).fresh
    assert [e.outcome for e in await store.audit_log()] == [ATTEMPTED, REFUSED, NOT_DONE]


async def test_a_write_in_doubt_stays_open_until_settled(store):  # noqa: F811
    await store.claim_attempt("create/a", by="aad-ann", attempt=ASKED)
    await store.resolve("create/a", replace(ASKED, outcome=IN_DOUBT))
    still = await store.open_attempt("create/a")
    assert still is not None and still.outcome == IN_DOUBT
    assert (await store.lookup_claim("create/a")).state == "claimed"
    await store.finish("create/a", {"contact_id": "51"}, audit=replace(ASKED, contact_id="51"))
    assert [(e.outcome, e.contact_id) for e in await store.audit_log()] == [(APPLIED, "51")]


async def test_the_audit_filters_find_an_attempted_create_by_its_email_and_user(store):  # noqa: F811
    await store.claim_attempt("create/a", by="aad-ann", attempt=ASKED)
    await store.record(replace(ASKED, actor_id="aad-bo", actor_email="bo@contoso.com"))
    (by_email,) = await store.audit_log(contacts=["KIM@acme.kr"], user="ann@contoso.com")
    assert by_email.outcome == ATTEMPTED
    assert len(await store.audit_log(contacts=["kim@acme.kr"])) == 2
    assert await store.audit_log(user="nobody@contoso.com") == []


async def test_the_audit_command_prints_an_attempted_create_found_by_its_email(tmp_path):
    sqlite = SqliteStore(tmp_path / "state.sqlite3")
    await sqlite.open()
    await sqlite.claim_attempt("create/a", by="aad-ann", attempt=ASKED)
    await sqlite.close()
    done = await asyncio.to_thread(audit_command, tmp_path, "--contact", "kim@acme.kr", "--json")
    assert done.returncode == 0, done.stderr
    (line,) = done.stdout.splitlines()
    assert '"outcome": "attempted"' in line and '"actor_email": "ann@contoso.com"' in line
    table = await asyncio.to_thread(audit_command, tmp_path, "--user", "ann@contoso.com")
    assert "attempted" in table.stdout and "kim@acme.kr" in table.stdout
