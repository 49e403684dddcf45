"""Owners: the HubSpot users records can be assigned to (`GET /crm/v3/owners`, `/{ownerId}`).

HubSpot's owners are its users; the API only reads them. Here they live in the same SQLite
database as the contacts (table `owners`, hubspot_local/db.py), so a contact's
`hubspot_owner_id` is checked against them inside the write's own transaction, as HubSpot
refuses an id that names no owner. Tests and the demo seed add owners through `OwnerStore.add`
(HubSpot has no API for that: people are invited as users).

Shape (SDK `PublicOwner`): `id` a numeric string (what `hubspot_owner_id` holds), `userId` a
different number (the settings API's), `email`, `firstName`, `lastName`, `type` "PERSON",
`createdAt`, `updatedAt`, `archived`, `teams`. Archived owners come only with `archived=true`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from hubspot_local.db import Database
from hubspot_local.errors import ApiError, property_issue, validation_error
from hubspot_local.properties import iso_ms

FIRST_OWNER_ID = 70_000_001  # owner ids look like HubSpot's, never like a contact's
USER_ID_OFFSET = 1_000_000  # userId differs from id, as it does in HubSpot
MAX_PAGE = 500  # UNCONFIRMED: HubSpot documents the default (100), not the maximum

# The demo sales team, seeded with the demo contacts (`seed_demo_owners`).
DEMO_OWNERS: tuple[tuple[str, str, str], ...] = (
    ("alex.morgan@example.com", "Alex", "Morgan"),
    ("jordan.lee@example.com", "Jordan", "Lee"),
    ("jihyun.kim@example.com", "지현", "김"),
)


@dataclass(frozen=True)
class OwnerRow:
    id: int
    email: str
    first_name: str
    last_name: str
    created_ms: int
    archived: bool = False

    def to_json(self) -> dict[str, Any]:
        user_id = self.id - FIRST_OWNER_ID + USER_ID_OFFSET
        return {
            "id": str(self.id),
            "email": self.email,
            "type": "PERSON",
            "firstName": self.first_name,
            "lastName": self.last_name,
            "userId": None if self.archived else user_id,
            "userIdIncludingInactive": user_id,
            "createdAt": iso_ms(self.created_ms),
            "updatedAt": iso_ms(self.created_ms),
            "archived": self.archived,
            "teams": [],
        }


def _row(row: tuple[Any, ...]) -> OwnerRow:
    return OwnerRow(row[0], row[1], row[2], row[3], row[4], bool(row[5]))


_COLS = "id, email, first_name, last_name, created_ms, archived"


class OwnerStore:
    """Owners over the contacts' database (its writer thread, its transactions)."""

    def __init__(self, db: Database, clock_ms: Any) -> None:
        self._db = db
        self._clock_ms = clock_ms

    async def add(
        self, email: str, first_name: str = "", last_name: str = "", *, archived: bool = False
    ) -> dict[str, Any]:
        """A new owner (what inviting a user to HubSpot makes); its PublicOwner JSON."""
        now = self._clock_ms()

        def run(conn: sqlite3.Connection) -> OwnerRow:
            top = conn.execute("SELECT max(id) FROM owners").fetchone()[0]
            oid = max(int(top or 0) + 1, FIRST_OWNER_ID)
            conn.execute(
                f"INSERT INTO owners({_COLS}) VALUES (?,?,?,?,?,?)",
                (oid, email.strip().lower(), first_name, last_name, now, int(archived)),
            )
            return OwnerRow(oid, email.strip().lower(), first_name, last_name, now, archived)

        return (await self._db.write(run)).to_json()

    async def count(self) -> int:
        return await self._db.read(
            lambda c: int(c.execute("SELECT count(*) FROM owners").fetchone()[0])
        )

    async def get(self, owner_id: int, *, archived: bool = False) -> OwnerRow | None:
        row = await self._db.read(
            lambda c: c.execute(
                f"SELECT {_COLS} FROM owners WHERE id=? AND archived=?", (owner_id, int(archived))
            ).fetchone()
        )
        return None if row is None else _row(row)

    async def page(
        self, *, email: str | None, after: int, limit: int, archived: bool
    ) -> tuple[list[OwnerRow], int | None]:
        def run(conn: sqlite3.Connection) -> list[tuple[Any, ...]]:
            where = "id >= ? AND archived = ?"
            args: list[Any] = [after, int(archived)]
            if email is not None:
                where += " AND email = ?"
                args.append(email.strip().lower())
            return conn.execute(
                f"SELECT {_COLS} FROM owners WHERE {where} ORDER BY id LIMIT ?", (*args, limit + 1)
            ).fetchall()

        rows = [_row(r) for r in await self._db.read(run)]
        return rows[:limit], (rows[limit].id if len(rows) > limit else None)


def check_owner(conn: sqlite3.Connection, values: dict[str, str | None]) -> None:
    """Inside a contact write: a `hubspot_owner_id` must name an active owner, or the write is
    refused with a property error. The code is HubSpot's (INVALID_OWNER_ID, seen in the wild);
    the message wording is UNCONFIRMED."""
    value = values.get("hubspot_owner_id")
    if not value:
        return
    found = (
        value.isdigit()
        and conn.execute("SELECT 1 FROM owners WHERE id=? AND archived=0", (int(value),)).fetchone()
    )
    if not found:
        raise validation_error(
            [
                property_issue(
                    "hubspot_owner_id", "INVALID_OWNER_ID", f"{value} is not a valid owner id"
                )
            ]
        )


def owner_not_found(owner_id: str) -> ApiError:
    # UNCONFIRMED wording; the status and category are the ones HubSpot uses for a missing object.
    return ApiError(
        404,
        {
            "message": f"Owner {owner_id} not found",
            "category": "OBJECT_NOT_FOUND",
            "context": {"id": [owner_id]},
        },
    )


async def seed_demo_owners(owners: OwnerStore) -> list[str]:
    """The demo sales team (only into an empty owners table); their owner ids."""
    if await owners.count() == 0:
        for email, first, last in DEMO_OWNERS:
            await owners.add(email, first, last)
    rows, _ = await owners.page(email=None, after=0, limit=MAX_PAGE, archived=False)
    return [str(r.id) for r in rows]


def assign_demo_owners(
    contacts: list[dict[str, str]], owner_ids: list[str]
) -> list[dict[str, str]]:
    """Deal the demo contacts out to the owners in turn, leaving every fourth one unowned (as
    real portals have leads nobody has picked up yet)."""
    if not owner_ids:
        return contacts
    out = []
    for i, props in enumerate(contacts):
        if i % 4 != 3:
            props = {**props, "hubspot_owner_id": owner_ids[i % len(owner_ids)]}
        out.append(props)
    return out
