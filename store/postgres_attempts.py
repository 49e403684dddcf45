"""A write's claim and its "attempted" audit record, kept together in PostgreSQL.

Why a module of its own: the claim and the record must be written in one transaction (a kill
between them would leave a claimed write nobody is recorded as asking for), and the record is
later resolved in place (applied, not done, may have been written) by whichever turn learns
how the write went: the writer, or the turn that takes over a writer that died. These are the
statements `PostgresStore` runs for that (and for a plain claim, the same insert without a
record), each on a connection it already holds in a transaction. SQLite runs the same
statements (store/sql.py) with its own placeholder.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from psycopg import AsyncConnection

from store.base import ATTEMPTED, NOT_DONE, AuditEntry, Claim
from store.sql import (
    CLAIM_ANY,
    CLAIM_FINISH,
    CLAIM_OPEN,
    CLAIM_RELEASE,
    audit_entry,
    audit_insert,
    audit_update,
    audit_values,
    claim_from_row,
    open_attempt_rows,
    open_attempt_select,
    open_attempts_select,
)

INSERT = audit_insert("%s")
UPDATE = audit_update("%s")
OPEN = open_attempt_select("%s")
OPEN_CLAIMS = open_attempts_select("%s")


async def claim(
    conn: AsyncConnection[Any], key: str, by: str, now: float, attempt: AuditEntry | None
) -> Claim:
    """Take the claim `key` for `by`; when taken now, record `attempt` (if any) as attempted
    with it."""
    cur = await conn.execute(
        "INSERT INTO write_claims(key, state, by_whom, at) VALUES (%s, 'claimed', %s, %s) "
        "ON CONFLICT(key) DO NOTHING RETURNING key",
        (key, by, now),
    )
    taken = await cur.fetchone() is not None
    if taken and attempt is not None:
        await conn.execute(INSERT, audit_values(replace(attempt, outcome=ATTEMPTED, claim=key)))
    found = await lookup(conn, key, taken)
    assert found is not None  # claims are never deleted while someone may hold them
    return found


async def lookup(conn: AsyncConnection[Any], key: str, taken: bool = False) -> Claim | None:
    """The claim on `key`, if anyone holds it (`taken`: whether this caller just took it)."""
    cur = await conn.execute(
        "SELECT state, by_whom, at, result FROM write_claims WHERE key = %s", (key,)
    )
    row = await cur.fetchone()
    return None if row is None else claim_from_row(key, row, taken)


async def open_attempt(conn: AsyncConnection[Any], key: str) -> tuple[int, AuditEntry] | None:
    """The id and entry of the claim's open record, if it has one."""
    cur = await conn.execute(OPEN, (key,))
    row = await cur.fetchone()
    return None if row is None else (int(row[0]), audit_entry(tuple(row[1:])))


async def put(conn: AsyncConnection[Any], key: str, entry: AuditEntry) -> None:
    """`entry` takes the place of the claim's open record, or is recorded as it is."""
    found = await open_attempt(conn, key)
    if found is None:
        await conn.execute(INSERT, audit_values(entry))
    else:
        await conn.execute(UPDATE, (*audit_values(replace(entry, claim=key)), found[0]))


async def release(conn: AsyncConnection[Any], key: str, audit: AuditEntry | None) -> None:
    """Give the claim back; its open record becomes `audit`, else "not-done". Safe to repeat:
    a claim already given back changes nothing."""
    cur = await conn.execute(CLAIM_RELEASE.format(mark="%s") + " RETURNING key", (key,))
    if await cur.fetchone() is None:
        return
    found = await open_attempt(conn, key)
    if audit is not None:
        await put(conn, key, audit)
    elif found is not None:
        await conn.execute(UPDATE, (*audit_values(replace(found[1], outcome=NOT_DONE)), found[0]))


async def finish(
    conn: AsyncConnection[Any], key: str, result: str, audit: AuditEntry | None
) -> None:
    """The claim done with `result` (JSON text) and its record `audit`, if it is still
    "claimed"; one done first by someone else is left as it is, and one given back meanwhile
    still gets `audit` (HubSpot confirmed the write)."""
    cur = await conn.execute(CLAIM_FINISH.format(mark="%s") + " RETURNING key", (result, key))
    finished = await cur.fetchone() is not None
    if not finished:  # given back meanwhile (recorded still: HubSpot confirmed it), or done
        cur = await conn.execute(CLAIM_ANY.format(mark="%s"), (key,))
        if await cur.fetchone() is not None:
            return
    if audit is not None:
        await put(conn, key, audit)


async def resolve(conn: AsyncConnection[Any], key: str, entry: AuditEntry) -> None:
    """The claim's open record becomes `entry`, while the claim is still "claimed"."""
    cur = await conn.execute(CLAIM_OPEN.format(mark="%s"), (key,))
    if await cur.fetchone() is not None:
        await put(conn, key, entry)


async def open_claims(
    conn: AsyncConnection[Any], before: float, since: float, limit: int
) -> list[tuple[Claim, AuditEntry]]:
    """`Store.open_attempts`."""
    cur = await conn.execute(OPEN_CLAIMS, (before, since, limit))
    return open_attempt_rows(await cur.fetchall())
