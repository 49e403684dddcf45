"""The contacts store: HubSpot's record rules on top of `Database` and the search index.

Every method is async and runs its SQL on the database threads; each write is one
transaction, so a create either happened completely (row, email key, index) or not at all.
Email uniqueness (primary and additional, case-insensitive) is a primary key in `emails`,
checked inside the same transaction as the write.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from hubspot_local import index
from hubspot_local.bulk import insert_many
from hubspot_local.db import Database
from hubspot_local.errors import ApiError, bad_request, conflict, not_found
from hubspot_local.owners import check_owner
from hubspot_local.properties import LIFECYCLE_STAGES
from hubspot_local.records import Record, calculated
from hubspot_local.search import SearchPlan
from hubspot_local.validations import PortalValidations

T = TypeVar("T")
_COLS = "id, created_ms, updated_ms, archived_ms, props"


def _record(row: tuple[Any, ...]) -> Record:
    return Record(
        id=row[0],
        created_ms=row[1],
        updated_ms=row[2],
        archived_ms=row[3],
        props=json.loads(row[4]),
    )


class ContactStore:
    """Contacts over SQLite. `search_lag_ms` may be changed at any time (tests do)."""

    def __init__(
        self, db: Database, *, search_lag_ms: int = 0, clock: Callable[[], float] = time.time
    ) -> None:
        self.db = db
        self.search_lag_ms = search_lag_ms
        # The portal's property validation rules, checked by every create and update.
        self.validations = PortalValidations()
        self._clock = clock
        self._last_ms = 0
        self._next_due: int | None = None

    def now_ms(self) -> int:
        """Wall-clock ms, strictly increasing per store so every write has its own time."""
        ms = int(self._clock() * 1000)
        self._last_ms = ms if ms > self._last_ms else self._last_ms + 1
        return self._last_ms

    # ---- lookups (any thread, inside a transaction) ---------------------------------------
    @staticmethod
    def _load(conn: sqlite3.Connection, cid: int, *, archived: bool = False) -> Record | None:
        row = conn.execute(
            f"SELECT {_COLS} FROM contacts WHERE id=? AND archived_ms IS "
            f"{'NOT ' if archived else ''}NULL",
            (cid,),
        ).fetchone()
        return None if row is None else _record(row)

    def _resolve(
        self,
        conn: sqlite3.Connection,
        key: str,
        *,
        by_email: bool = False,
        archived: bool = False,
        follow_merges: bool = True,
    ) -> Record | None:
        if by_email:
            row = conn.execute(
                "SELECT id FROM emails WHERE email=?", (key.strip().lower(),)
            ).fetchone()
            return None if row is None else self._load(conn, row[0])
        if not key.isdigit() or len(key) > 18:
            return None
        rec = self._load(conn, int(key), archived=archived)
        if rec is None and follow_merges and not archived:
            row = conn.execute("SELECT new_id FROM aliases WHERE old_id=?", (int(key),)).fetchone()
            if row is not None:
                rec = self._load(conn, row[0])
        return rec

    def _must(
        self,
        conn: sqlite3.Connection,
        key: str,
        *,
        by_email: bool = False,
        follow_merges: bool = True,
    ) -> Record:
        rec = self._resolve(conn, key, by_email=by_email, follow_merges=follow_merges)
        if rec is None:
            raise not_found(key)
        return rec

    # ---- write helpers (writer thread) ----------------------------------------------------------
    def _claim_emails(self, conn: sqlite3.Connection, rec: Record) -> None:
        for email in rec.emails():
            row = conn.execute("SELECT id FROM emails WHERE email=?", (email,)).fetchone()
            if row is not None and row[0] != rec.id:
                raise conflict(row[0])
        conn.execute("DELETE FROM emails WHERE id=?", (rec.id,))
        conn.executemany(
            "INSERT INTO emails(email, id) VALUES (?,?)", [(e, rec.id) for e in rec.emails()]
        )

    def _save(self, conn: sqlite3.Connection, rec: Record, now: int) -> None:
        conn.execute(
            "UPDATE contacts SET updated_ms=?, props=? WHERE id=?",
            (rec.updated_ms, json.dumps(rec.props), rec.id),
        )
        self._claim_emails(conn, rec)
        self._schedule(conn, rec.doc(), rec.id, now)

    def _schedule(
        self, conn: sqlite3.Connection, doc: dict[str, Any] | None, cid: int, now: int
    ) -> None:
        due = index.schedule(conn, doc, cid, now_ms=now, lag_ms=self.search_lag_ms)
        if due is not None and (self._next_due is None or due < self._next_due):
            self._next_due = due

    def create_sync(self, conn: sqlite3.Connection, props: dict[str, str | None]) -> Record:
        self.validations.check(props, creating=True)
        check_owner(conn, props)
        now = self.now_ms()
        values = {k: v for k, v in props.items() if v is not None}
        if values.get("email"):
            row = conn.execute("SELECT id FROM emails WHERE email=?", (values["email"],)).fetchone()
            if row is not None:
                raise conflict(row[0])
        # As in a captured live response: new contacts without a stage become leads, and
        # API-made records are sourced INTEGRATION.
        values.setdefault("lifecyclestage", "lead")
        values.setdefault("hs_object_source", "INTEGRATION")
        values.setdefault("hs_object_source_label", "INTEGRATION")
        cid = conn.execute(
            "INSERT INTO contacts(created_ms, updated_ms, props) VALUES (?,?,'{}')", (now, now)
        ).lastrowid
        assert cid is not None  # an INSERT always has a rowid
        rec = Record(cid, now, now, calculated(values, cid=cid, created_ms=now, updated_ms=now))
        self._save(conn, rec, now)
        return rec

    def update_sync(
        self,
        conn: sqlite3.Connection,
        key: str,
        props: dict[str, str | None],
        *,
        by_email: bool = False,
        follow_merges: bool = True,
    ) -> Record:
        rec = self._must(conn, key, by_email=by_email, follow_merges=follow_merges)
        self.validations.check(props, creating=False)
        check_owner(conn, props)
        now = self.now_ms()
        values = dict(rec.props)
        for name, value in props.items():
            if value is None:
                values.pop(name, None)
            else:
                values[name] = value
        rec = Record(
            rec.id,
            rec.created_ms,
            now,
            calculated(values, cid=rec.id, created_ms=rec.created_ms, updated_ms=now),
        )
        self._save(conn, rec, now)
        return rec

    def archive_sync(self, conn: sqlite3.Connection, key: str, *, by_email: bool = False) -> None:
        rec = self._resolve(conn, key, by_email=by_email, follow_merges=False)
        if rec is None:
            return  # HubSpot answers 204 for ids it does not have
        now = self.now_ms()
        conn.execute("UPDATE contacts SET archived_ms=? WHERE id=?", (now, rec.id))
        conn.execute("DELETE FROM emails WHERE id=?", (rec.id,))
        self._schedule(conn, None, rec.id, now)

    def upsert_sync(
        self, conn: sqlite3.Connection, key: str, props: dict[str, str | None]
    ) -> tuple[Record, bool]:
        """Update the contact with this email, or create it: (record, created)."""
        if self._resolve(conn, key, by_email=True) is not None:
            return self.update_sync(conn, key, props, by_email=True), False
        return self.create_sync(conn, {**props, "email": key.strip().lower()}), True

    def merge_sync(self, conn: sqlite3.Connection, primary_key: str, other_key: str) -> Record:
        primary, other = self._must(conn, primary_key), self._must(conn, other_key)
        if primary.id == other.id:
            raise bad_request("Cannot merge an object with itself")
        now = self.now_ms()
        # The most recently updated record wins each property; primary keeps its email;
        # the other's emails become additional emails; lifecycle keeps the furthest stage.
        newer, older = (
            (primary, other) if primary.updated_ms >= other.updated_ms else (other, primary)
        )
        values = {**older.props, **newer.props}
        values["email"] = primary.props.get("email") or other.props.get("email") or ""
        extra = [e for e in [*primary.emails(), *other.emails()] if e != values["email"]]
        values["hs_additional_emails"] = ";".join(dict.fromkeys(extra))
        stages = [
            s
            for s in (primary.props.get("lifecyclestage"), other.props.get("lifecyclestage"))
            if s in LIFECYCLE_STAGES
        ]
        if stages:
            values["lifecyclestage"] = max(stages, key=LIFECYCLE_STAGES.index)
        merged = [
            *(int(x) for x in (primary.props.get("hs_merged_object_ids") or "").split(";") if x),
            other.id,
            *(int(x) for x in (other.props.get("hs_merged_object_ids") or "").split(";") if x),
        ]
        conn.execute("UPDATE contacts SET archived_ms=? WHERE id=?", (now, other.id))
        conn.execute("DELETE FROM emails WHERE id=?", (other.id,))
        conn.execute("UPDATE aliases SET new_id=? WHERE new_id=?", (primary.id, other.id))
        conn.execute(
            "INSERT OR REPLACE INTO aliases(old_id, new_id) VALUES (?,?)", (other.id, primary.id)
        )
        self._schedule(conn, None, other.id, now)
        rec = Record(
            primary.id,
            primary.created_ms,
            now,
            calculated(
                {k: v for k, v in values.items() if v},
                cid=primary.id,
                created_ms=primary.created_ms,
                updated_ms=now,
                merged_ids=merged,
            ),
        )
        self._save(conn, rec, now)
        return rec

    def purge_sync(self, conn: sqlite3.Connection, key: str, *, by_email: bool = False) -> bool:
        rec = self._resolve(conn, key, by_email=by_email, follow_merges=False)
        if rec is None:
            return False
        conn.execute("DELETE FROM contacts WHERE id=?", (rec.id,))
        conn.execute("DELETE FROM emails WHERE id=?", (rec.id,))
        conn.execute("DELETE FROM aliases WHERE new_id=? OR old_id=?", (rec.id, rec.id))
        self._schedule(conn, None, rec.id, self.now_ms())
        return True

    # ---- async API ----------------------------------------------------------------------------
    async def create(self, props: dict[str, str | None]) -> Record:
        return await self.db.write(lambda c: self.create_sync(c, props))

    async def update(
        self, key: str, props: dict[str, str | None], *, by_email: bool = False
    ) -> Record:
        return await self.db.write(lambda c: self.update_sync(c, key, props, by_email=by_email))

    async def archive(self, key: str, *, by_email: bool = False) -> None:
        await self.db.write(lambda c: self.archive_sync(c, key, by_email=by_email))

    async def merge(self, primary: str, other: str) -> Record:
        return await self.db.write(lambda c: self.merge_sync(c, primary, other))

    async def purge(self, key: str, *, by_email: bool = False) -> bool:
        return await self.db.write(lambda c: self.purge_sync(c, key, by_email=by_email))

    async def get(
        self, key: str, *, by_email: bool = False, archived: bool = False
    ) -> Record | None:
        return await self.db.read(
            lambda c: self._resolve(c, key, by_email=by_email, archived=archived)
        )

    async def get_many(
        self, keys: list[str], *, by_email: bool = False, archived: bool = False
    ) -> list[Record | None]:
        return await self.db.read(
            lambda c: [self._resolve(c, k, by_email=by_email, archived=archived) for k in keys]
        )

    async def page(
        self, after: int, limit: int, *, archived: bool = False
    ) -> tuple[list[Record], int | None]:
        """Records in id order from id `after` on; also the id the next page starts at."""

        def run(conn: sqlite3.Connection) -> tuple[list[Record], int | None]:
            rows = conn.execute(
                f"SELECT {_COLS} FROM contacts WHERE id >= ? AND archived_ms IS "
                f"{'NOT ' if archived else ''}NULL ORDER BY id LIMIT ?",
                (after, limit + 1),
            ).fetchall()
            recs = [_record(r) for r in rows]
            return recs[:limit], (recs[limit].id if len(recs) > limit else None)

        return await self.db.read(run)

    async def search(self, plan: SearchPlan) -> tuple[int, list[Record]]:
        due = self._next_due
        if due is not None and int(self._clock() * 1000) >= due:

            def catch_up(conn: sqlite3.Connection) -> None:
                self._next_due = index.apply_due(conn, int(self._clock() * 1000))

            await self.db.write(catch_up)
        total, docs = await self.db.read(lambda c: index.run_search(c, plan))
        return total, [Record(d["id"], d["created_ms"], d["updated_ms"], d["props"]) for d in docs]

    async def batch(
        self,
        items: list[T],
        fn: Callable[[sqlite3.Connection, T], Record | tuple[Any, ...]],
        *,
        atomic: bool,
    ) -> list[Record | tuple[Any, ...] | ApiError]:
        """Run `fn` per item in one transaction. Atomic: the first ApiError undoes all and is
        raised. Otherwise each item is its own savepoint and failures come back in place."""

        def run(conn: sqlite3.Connection) -> list[Record | tuple[Any, ...] | ApiError]:
            out: list[Record | tuple[Any, ...] | ApiError] = []
            for item in items:
                if atomic:
                    out.append(fn(conn, item))
                    continue
                conn.execute("SAVEPOINT item")
                try:
                    out.append(fn(conn, item))
                except ApiError as exc:
                    conn.execute("ROLLBACK TO item")
                    out.append(exc)
                conn.execute("RELEASE item")
            return out

        return await self.db.write(run)

    async def bulk_insert(
        self, many: Iterable[dict[str, str]], *, backdate_days: float = 0.0
    ) -> int:
        """Seed quickly (bench, demo data): no HTTP, one transaction. Values must already be
        clean (as `seed_demo` makes them); a duplicate email is still a 409. `backdate_days`
        spreads creation times over that many past days, oldest first, as real data is."""
        items = list(many)
        return await self.db.write(
            lambda conn: insert_many(conn, items, end_ms=self.now_ms(), backdate_days=backdate_days)
        )

    async def count(self) -> int:
        return await self.db.read(
            lambda c: c.execute(
                "SELECT count(*) FROM contacts WHERE archived_ms IS NULL"
            ).fetchone()[0]
        )

    async def close(self) -> None:
        await self.db.close()
