"""What the two SQL stores (`store/sqlite.py`, `store/postgres.py`) share: the tables, and the
audit and claim rows as Python.

Written once so the two cannot drift apart: a column added for one is added for both. Where the
dialects differ (the placeholder, the types of a number, an auto-increment key, how an old table
is migrated) the backend says so, and nothing else: `schema(SQLITE)` and `schema(POSTGRES)` are
the same tables.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ground.json_input import storable_json
from store.base import OPEN_OUTCOMES, AuditEntry, Claim


@dataclass(frozen=True)
class Dialect:
    """The column types the two databases spell differently."""

    real: str  # a float: epoch seconds
    bigint: str  # a counter that may outgrow 32 bits
    serial: str  # an auto-increment primary key


SQLITE = Dialect(real="REAL", bigint="INTEGER", serial="INTEGER PRIMARY KEY AUTOINCREMENT")
POSTGRES = Dialect(real="DOUBLE PRECISION", bigint="BIGINT", serial="BIGSERIAL PRIMARY KEY")


# The audit_log table's columns after `id`, in the order the SQL stores insert and select them.
AUDIT_COLUMNS = (
    "at",
    "actor_id",
    "actor_name",
    "channel",
    "conversation",
    "action",
    "contact_id",
    "properties",
    "old_values",
    "outcome",
    "reason",
    "actor_email",
    "actor_tenant",
    "target",
    "claim_key",
)
# Columns added after the first schema: (name, SQL type with default), for the migration at
# open, which adds whichever an older table lacks.
AUDIT_ADDED = (
    ("old_values", "TEXT NOT NULL DEFAULT '{}'"),
    ("outcome", "TEXT NOT NULL DEFAULT 'applied'"),
    ("reason", "TEXT NOT NULL DEFAULT ''"),
    ("actor_email", "TEXT NOT NULL DEFAULT ''"),
    ("actor_tenant", "TEXT NOT NULL DEFAULT ''"),
    ("target", "TEXT NOT NULL DEFAULT ''"),
    ("claim_key", "TEXT NOT NULL DEFAULT ''"),
)


def schema(d: Dialect) -> list[str]:
    """Every table and index, as `CREATE ... IF NOT EXISTS` (run at every start: idempotent).
    An audit_log made by an older version lacks the `AUDIT_ADDED` columns: each backend's
    migration adds them after this (SQLite and PostgreSQL add a column differently)."""
    return [
        "CREATE TABLE IF NOT EXISTS bot_state (key TEXT PRIMARY KEY, etag TEXT NOT NULL, "
        "data TEXT NOT NULL)",
        f"CREATE TABLE IF NOT EXISTS processed_activities (key TEXT PRIMARY KEY, "
        f"at {d.real} NOT NULL)",
        "CREATE TABLE IF NOT EXISTS write_claims (key TEXT PRIMARY KEY, state TEXT NOT NULL, "
        f"by_whom TEXT NOT NULL, at {d.real} NOT NULL, result TEXT)",
        f"CREATE TABLE IF NOT EXISTS audit_log (id {d.serial}, at {d.real} NOT NULL, "
        "actor_id TEXT NOT NULL, actor_name TEXT NOT NULL, channel TEXT NOT NULL, "
        "conversation TEXT NOT NULL, action TEXT NOT NULL, contact_id TEXT NOT NULL, "
        "properties TEXT NOT NULL"
        + "".join(f", {name} {kind}" for name, kind in AUDIT_ADDED)
        + ")",
        "CREATE INDEX IF NOT EXISTS processed_activities_at ON processed_activities (at)",
        # What the settle sweep looks for (flows/settle_sweep.py): the claims still open.
        "CREATE INDEX IF NOT EXISTS write_claims_open ON write_claims (at) WHERE state = 'claimed'",
        "CREATE TABLE IF NOT EXISTS inbox (key TEXT PRIMARY KEY, record TEXT NOT NULL, "
        f"owner TEXT NOT NULL, lease_until {d.real} NOT NULL, "
        f"attempts INTEGER NOT NULL DEFAULT 1, accepted {d.real} NOT NULL)",
        "CREATE TABLE IF NOT EXISTS shared_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS channel_conversations (id TEXT PRIMARY KEY, "
        f"user_id TEXT NOT NULL, locale TEXT, seq {d.bigint} NOT NULL DEFAULT 0, "
        f"last_active {d.real} NOT NULL)",
        "CREATE INDEX IF NOT EXISTS channel_conversations_active "
        "ON channel_conversations (last_active)",
        "CREATE TABLE IF NOT EXISTS channel_activities (conversation TEXT NOT NULL, "
        f"seq {d.bigint} NOT NULL, activity TEXT NOT NULL, PRIMARY KEY (conversation, seq))",
        LEASE_SCHEMA.format(real=d.real),
    ]


# Short leases on a name (`Store.lease_take`): one create of a new email at a time, across
# instances. A take is one statement: a row nobody holds, or one whose lease ran out, or one
# this owner already holds (a repeat after a lost answer), becomes this owner's until `until`.
LEASE_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS leases (key TEXT PRIMARY KEY, owner TEXT NOT NULL, "
    "held_until {real} NOT NULL)"
)


def lease_take(mark: str) -> str:
    """The take, with the driver's placeholder; parameters (key, owner, until, now). Returns
    a row when the lease is the owner's now."""
    return (
        f"INSERT INTO leases(key, owner, held_until) VALUES ({mark}, {mark}, {mark}) "
        "ON CONFLICT(key) DO UPDATE SET owner = excluded.owner, held_until = excluded.held_until "
        f"WHERE leases.held_until <= {mark} OR leases.owner = excluded.owner RETURNING key"
    )


def lease_drop(mark: str) -> str:
    """Let go of a lease, only the owner's own; parameters (key, owner)."""
    return f"DELETE FROM leases WHERE key = {mark} AND owner = {mark}"


# Made by the audit migration, once the columns it covers are there.
AUDIT_CONTACT_INDEX = "CREATE INDEX IF NOT EXISTS audit_log_contact ON audit_log (contact_id)"
AUDIT_CLAIM_INDEX = "CREATE INDEX IF NOT EXISTS audit_log_claim ON audit_log (claim_key)"


def audit_entry(row: tuple[Any, ...]) -> AuditEntry:
    """An audit row as the SQL stores select it (`AUDIT_COLUMNS`; the dicts as JSON text)."""
    at, actor_id, actor_name, channel, conversation, action, contact_id, properties, *more = row
    old, outcome, reason, email, tenant, target, claim = more
    return AuditEntry(
        at=float(at),
        actor_id=str(actor_id),
        actor_name=str(actor_name),
        channel=str(channel),
        conversation=str(conversation),
        action=str(action),
        contact_id=str(contact_id),
        properties=json.loads(properties),
        old=json.loads(old or "{}"),
        outcome=str(outcome),
        reason=str(reason),
        actor_email=str(email),
        actor_tenant=str(tenant),
        target=str(target),
        claim=str(claim),
    )


def audit_insert(mark: str) -> str:
    """The INSERT of one audit row, with the driver's placeholder (`?` or `%s`)."""
    marks = ", ".join([mark] * len(AUDIT_COLUMNS))
    return f"INSERT INTO audit_log({', '.join(AUDIT_COLUMNS)}) VALUES ({marks})"


def open_attempt_select(mark: str) -> str:
    """The id and row of a claim's open record (`store.base.OPEN_OUTCOMES`), newest first."""
    outcomes = ", ".join(f"'{o}'" for o in OPEN_OUTCOMES)
    return (
        f"SELECT id, {', '.join(AUDIT_COLUMNS)} FROM audit_log WHERE claim_key = {mark} "
        f"AND outcome IN ({outcomes}) ORDER BY id DESC LIMIT 1"
    )


def open_attempts_select(mark: str) -> str:
    """Claims still "claimed" with an open record (`Store.open_attempts`): the claim's columns
    (key, state, by_whom, at, result), then the record's; parameters (before, since, limit)."""
    outcomes = ", ".join(f"'{o}'" for o in OPEN_OUTCOMES)
    columns = ", ".join(f"a.{name}" for name in AUDIT_COLUMNS)
    return (
        f"SELECT c.key, c.state, c.by_whom, c.at, c.result, {columns} FROM write_claims c "
        f"JOIN audit_log a ON a.claim_key = c.key WHERE c.state = 'claimed' AND c.at < {mark} "
        f"AND c.at >= {mark} AND a.outcome IN ({outcomes}) ORDER BY c.at, a.id DESC LIMIT {mark}"
    )


def open_attempt_rows(rows: Sequence[Sequence[Any]]) -> list[tuple[Claim, AuditEntry]]:
    """`open_attempts_select`'s rows as claims with their open record, one per claim."""
    found: dict[str, tuple[Claim, AuditEntry]] = {}
    for row in rows:
        key = str(row[0])
        if key not in found:
            found[key] = (claim_from_row(key, tuple(row[1:5]), False), audit_entry(tuple(row[5:])))
    return list(found.values())


# A claim is finished, resolved or given back only while it is "claimed": whoever learned how
# the write went first (its writer, a takeover, the settle sweep) decides, once. One exception:
# a writer HubSpot answered "done" after someone gave its claim back (a takeover that read too
# early) still records the write, since HubSpot confirmed it (`Store.finish`).
CLAIM_FINISH = (
    "UPDATE write_claims SET state = 'done', result = {mark} WHERE key = {mark} "
    "AND state = 'claimed'"
)
CLAIM_RELEASE = "DELETE FROM write_claims WHERE key = {mark} AND state = 'claimed'"
CLAIM_OPEN = "SELECT key FROM write_claims WHERE key = {mark} AND state = 'claimed'"
CLAIM_ANY = "SELECT key FROM write_claims WHERE key = {mark}"


def audit_update(mark: str) -> str:
    """The UPDATE that makes audit row `id` (the last parameter) hold another entry."""
    sets = ", ".join(f"{name} = {mark}" for name in AUDIT_COLUMNS)
    return f"UPDATE audit_log SET {sets} WHERE id = {mark}"


def audit_select(
    mark: str,
    limit: int,
    *,
    contacts: Sequence[str] = (),
    user: str | None = None,
    since: float | None = None,
) -> tuple[str, list[Any]]:
    """The SELECT behind `Store.audit_log`, newest first, with its parameters."""
    where: list[str] = []
    params: list[Any] = []
    if contacts:
        ids = [c.strip().lower() for c in contacts if c.strip()]
        marks = ", ".join([mark] * len(ids))
        where.append(f"(contact_id IN ({marks}) OR lower(target) IN ({marks}))")
        params += ids + ids
    if user:
        where.append(f"(lower(actor_email) = {mark} OR lower(actor_id) = {mark})")
        params += [user.strip().lower()] * 2
    if since is not None:
        where.append(f"at >= {mark}")
        params.append(since)
    sql = f"SELECT {', '.join(AUDIT_COLUMNS)} FROM audit_log"
    if where:
        sql += " WHERE " + " AND ".join(where)
    params.append(limit)
    return f"{sql} ORDER BY id DESC LIMIT {mark}", params


def claim_from_row(key: str, row: tuple[Any, ...], fresh: bool) -> Claim:
    """A claim as the SQL stores select it (state, by_whom, at, result as JSON text)."""
    state, by_whom, at, result = row
    return Claim(
        key, str(state), str(by_whom), float(at), fresh, json.loads(result) if result else None
    )


def audit_values(entry: AuditEntry) -> tuple[Any, ...]:
    """An entry as the SQL stores insert it, in `AUDIT_COLUMNS` order."""
    return (
        entry.at,
        _text(entry.actor_id),
        _text(entry.actor_name),
        _text(entry.channel),
        _text(entry.conversation),
        entry.action,
        _text(entry.contact_id),
        storable_json(entry.properties),
        storable_json(entry.old),
        entry.outcome,
        _text(entry.reason),
        _text(entry.actor_email),
        _text(entry.actor_tenant),
        _text(entry.target),
        entry.claim,
    )


def _text(value: str) -> str:
    """A text column's value: a lone UTF-16 surrogate (a refused write's target as typed) is
    kept as U+FFFD, since no column can hold it."""
    if value.isascii():
        return value
    return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
