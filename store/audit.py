"""`python -m store audit`: the audit log for an operator, as a table or JSON lines.

    python -m store audit [--contact ID] [--user EMAIL] [--since DATE] [--limit N] [--json]

It opens the store the app would (DATABASE_URL, else DATA_DIR's SQLite file), reading the same
environment and `.env`. What it prints is the audit log's own fields: who, where, which contact,
old -> new, the outcome. No setting is printed, and a store that cannot be opened is named by
its kind only (a DATABASE_URL may hold a password).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from typing import TextIO

from config import ConfigError, Settings
from store.base import AuditEntry


def since_epoch(value: str) -> float:
    """A date (2025-01-31, read as UTC midnight) or an ISO date and time (with or without an
    offset; without one, UTC) as epoch seconds."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a date: {value!r} (use e.g. 2025-01-31 or 2025-01-31T14:00)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def changes_text(entry: AuditEntry) -> str:
    """`field: old -> new` for an update, `field: new` for a create; `; ` between fields."""
    parts = []
    for name, new in entry.properties.items():
        if entry.action == "update":
            parts.append(f"{name}: {entry.old.get(name, '')!r} -> {new!r}")
        else:
            parts.append(f"{name}: {new!r}")
    return "; ".join(parts)


def json_line(entry: AuditEntry) -> str:
    data = asdict(entry)
    data["when"] = _when(entry.at)
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


COLUMNS = ("when", "outcome", "action", "contact", "user", "channel", "changes")


def table_rows(entries: Sequence[AuditEntry]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for e in entries:
        outcome = f"{e.outcome} ({e.reason})" if e.reason else e.outcome
        contact = e.contact_id or e.target
        user = " ".join(
            v for v in (e.actor_name, f"<{e.actor_email}>" if e.actor_email else "") if v
        )
        user = f"{user} [{e.actor_id}]" if user else e.actor_id
        rows.append((_when(e.at), outcome, e.action, contact, user, e.channel, changes_text(e)))
    return rows


def print_table(entries: Sequence[AuditEntry], out: TextIO) -> None:
    rows = [COLUMNS, *table_rows(entries)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        print("  ".join([*cells, row[-1]]).rstrip(), file=out)


def _when(at: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(at))


OPEN_SECONDS = 10  # an unreachable PostgreSQL is reported, not waited on for ever


async def read_log(settings: Settings, args: argparse.Namespace) -> list[AuditEntry]:
    from store import open_store

    store = open_store(settings)
    try:
        await asyncio.wait_for(store.open(), OPEN_SECONDS)
        entries = await store.audit_log(
            args.limit,
            contacts=(args.contact,) if args.contact else (),
            user=args.user,
            since=args.since,
        )
    finally:
        await store.close()
    return list(reversed(entries))  # oldest first, as a log reads


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m store audit", description="Print the audit log of creates and updates."
    )
    parser.add_argument("--contact", help="a HubSpot record id (or the email a create named)")
    parser.add_argument("--user", help="the acting user's email or id")
    parser.add_argument("--since", type=since_epoch, help="from this date (UTC) on")
    parser.add_argument("--limit", type=int, default=10_000, help="newest so many (10000)")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    args = parser.parse_args(argv)
    # The pool logs each failed connection attempt; the one line below says what went wrong.
    logging.getLogger("psycopg.pool").setLevel(logging.CRITICAL)
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        print(f"audit: {exc}", file=sys.stderr)
        return 2
    if not settings.database_url and settings.state_storage == "memory":
        print("audit: STATE_STORAGE=memory keeps no audit log to read", file=sys.stderr)
        return 2
    kind = "PostgreSQL" if settings.database_url else f"SQLite ({settings.state_db_path})"
    if not settings.database_url and not settings.state_db_path.is_file():
        print(f"audit: no store at {kind}", file=sys.stderr)
        return 2
    try:
        entries = asyncio.run(read_log(settings, args))
    except Exception as exc:  # never the message: a connection error may quote DATABASE_URL
        print(f"audit: could not read the {kind} store ({type(exc).__name__})", file=sys.stderr)
        return 1
    if args.json:
        for entry in entries:
            print(json_line(entry), file=out)
    else:
        print_table(entries, out)
    return 0
