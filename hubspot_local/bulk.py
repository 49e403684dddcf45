"""Bulk seeding: many contacts in one transaction, index rows written in key order.

Creating 100,000 contacts one `create` at a time re-reads the index for each; here the rows
of all five tables are built in Python first and inserted with one `executemany` each, sorted
by primary key so SQLite appends to its b-trees instead of splitting pages all over.
"""

from __future__ import annotations

import json
import sqlite3

from hubspot_local import index
from hubspot_local.errors import conflict
from hubspot_local.records import Record, calculated


def insert_many(
    conn: sqlite3.Connection,
    items: list[dict[str, str]],
    *,
    end_ms: int,
    backdate_days: float = 0.0,
) -> int:
    """Insert `items` (property dicts) as new contacts; returns how many. Runs inside the
    caller's transaction on the writer thread."""
    step = int(backdate_days * 86_400_000 / len(items)) if items else 0
    next_id = (
        conn.execute("SELECT seq FROM sqlite_sequence WHERE name='contacts'").fetchone()[0] + 1
    )
    contacts, emails, docs, vals, toks = [], [], [], [], []
    owner: dict[str, int] = {}
    for offset, raw in enumerate(items):
        cid = next_id + offset
        created = end_ms - (len(items) - offset) * step
        values = {k: v for k, v in raw.items() if v}
        if values.get("email"):
            values["email"] = values["email"].strip().lower()
        values.setdefault("lifecyclestage", "lead")
        rec = Record(
            cid,
            created,
            created,
            calculated(values, cid=cid, created_ms=created, updated_ms=created),
        )
        for email in rec.emails():
            if email in owner:
                raise conflict(owner[email])
            owner[email] = cid
            emails.append((email, cid))
        body = json.dumps(rec.props)
        contacts.append((cid, created, created, body))
        docs.append((cid, created, created, body, json.dumps(index.sort_keys(rec.props))))
        v, t = index.index_rows(cid, rec.props)
        vals += v
        toks += t
    for email, _ in emails:
        row = conn.execute("SELECT id FROM emails WHERE email=?", (email,)).fetchone()
        if row is not None:
            raise conflict(row[0])
    conn.executemany(
        "INSERT INTO contacts(id, created_ms, updated_ms, props) VALUES (?,?,?,?)", contacts
    )
    conn.executemany("INSERT INTO emails(email, id) VALUES (?,?)", sorted(emails))
    conn.executemany(
        "INSERT INTO idx_docs(id, created_ms, updated_ms, props, keys) VALUES (?,?,?,?,?)", docs
    )
    vals.sort(key=lambda r: (r[0], r[1], r[3]))
    conn.executemany("INSERT INTO idx_vals(name, v, n, id) VALUES (?,?,?,?)", vals)
    toks.sort()
    conn.executemany("INSERT INTO idx_toks(name, tok, id) VALUES (?,?,?)", toks)
    return len(contacts)
