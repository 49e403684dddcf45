"""The search index in SQLite, and the SQL a `SearchPlan` becomes.

Three tables hold what search can see: `idx_docs` (the indexed copy of each live record),
`idx_vals` (one row per property: folded text `v` and numeric key `n`) and `idx_toks` (one
row per token). Every filter becomes a set of ids read from an index range; a group is the
INTERSECT of its filters (EXCEPT for negated ones); groups are UNIONed. So an email lookup or a
token lookup touches a handful of b-tree pages whatever the number of contacts.

With a search lag, index writes are parked in `pending` until due, and search sees the
previous version meanwhile (as HubSpot's search index trails its database).
"""

from __future__ import annotations

import json
import sqlite3
from functools import lru_cache
from typing import Any

from hubspot_local.properties import PROPERTIES, QUERY_PROPERTIES, fold, numeric_key, tokens
from hubspot_local.search import Condition, SearchPlan

MAX_CHAR = chr(0x10FFFF)


# ---- writing the index -------------------------------------------------------------------


def sort_keys(props: dict[str, str]) -> dict[str, Any]:
    """What ORDER BY compares: numbers/dates numerically, everything else folded text."""
    out: dict[str, Any] = {}
    for name, value in props.items():
        folded, number, _ = _analyse(name, value)
        prop = PROPERTIES.get(name)
        out[name] = number if prop is not None and prop.type in ("number", "datetime") else folded
    return out


@lru_cache(maxsize=65_536)
def _analyse(name: str, value: str) -> tuple[str, float | None, tuple[str, ...]]:
    """Folded value, numeric key and tokens of one property value. Pure, so memoised: seeded
    and real data repeat a lot (cities, companies, stages), which halves bulk-seeding time."""
    folded = fold(name, value)
    return folded, numeric_key(name, value), tuple(tokens(name, value, folded))


def index_rows(
    cid: int, props: dict[str, str]
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The idx_vals and idx_toks rows of one record."""
    vals: list[tuple[Any, ...]] = []
    toks: list[tuple[Any, ...]] = []
    for name, value in props.items():
        folded, number, words = _analyse(name, value)
        vals.append((name, folded, number, cid))
        toks.extend((name, tok, cid) for tok in words)
    return vals, toks


def index_remove(conn: sqlite3.Connection, cid: int) -> None:
    row = conn.execute("SELECT props FROM idx_docs WHERE id=?", (cid,)).fetchone()
    if row is None:
        return
    vals, toks = index_rows(cid, json.loads(row[0]))
    conn.executemany(
        "DELETE FROM idx_vals WHERE name=? AND v=? AND id=?", [(n, v, i) for n, v, _, i in vals]
    )
    conn.executemany("DELETE FROM idx_toks WHERE name=? AND tok=? AND id=?", toks)
    conn.execute("DELETE FROM idx_docs WHERE id=?", (cid,))


def index_put(conn: sqlite3.Connection, doc: dict[str, Any]) -> None:
    """(Re)index one record: `doc` is {id, created_ms, updated_ms, props}."""
    cid = int(doc["id"])
    index_remove(conn, cid)
    props = doc["props"]
    vals, toks = index_rows(cid, props)
    conn.execute(
        "INSERT INTO idx_docs(id, created_ms, updated_ms, props, keys) VALUES (?,?,?,?,?)",
        (
            cid,
            doc["created_ms"],
            doc["updated_ms"],
            json.dumps(props),
            json.dumps(sort_keys(props)),
        ),
    )
    conn.executemany("INSERT OR IGNORE INTO idx_vals(name, v, n, id) VALUES (?,?,?,?)", vals)
    conn.executemany("INSERT OR IGNORE INTO idx_toks(name, tok, id) VALUES (?,?,?)", toks)


def schedule(
    conn: sqlite3.Connection, doc: dict[str, Any] | None, cid: int, *, now_ms: int, lag_ms: int
) -> int | None:
    """Index a write now, or park it until `now + lag`. Removal (doc None) is always immediate:
    archived records never show in search. Returns the due time when parked."""
    if doc is None:
        conn.execute("DELETE FROM pending WHERE id=?", (cid,))
        index_remove(conn, cid)
        return None
    if lag_ms <= 0:
        conn.execute("DELETE FROM pending WHERE id=?", (cid,))
        index_put(conn, doc)
        return None
    due = now_ms + lag_ms
    conn.execute("INSERT INTO pending(due_ms, id, doc) VALUES (?,?,?)", (due, cid, json.dumps(doc)))
    return due


def apply_due(conn: sqlite3.Connection, now_ms: int) -> int | None:
    """Index every parked write that is due; returns the next due time, if any."""
    rows = conn.execute(
        "SELECT seq, doc FROM pending WHERE due_ms <= ? ORDER BY seq", (now_ms,)
    ).fetchall()
    for _, doc in rows:
        index_put(conn, json.loads(doc))
    if rows:
        conn.execute("DELETE FROM pending WHERE seq <= ? AND due_ms <= ?", (rows[-1][0], now_ms))
    nxt = conn.execute("SELECT min(due_ms) FROM pending").fetchone()[0]
    return None if nxt is None else int(nxt)


# ---- reading it ------------------------------------------------------------------------------


def _glob_escape(pattern: str) -> str:
    """Keep `*` as the only wildcard: `?` and `[` are literal in HubSpot's patterns."""
    return "".join(f"[{c}]" if c in "?[" else c for c in pattern)


_OPS = {"EQ": "=", "LT": "<", "LTE": "<=", "GT": ">", "GTE": ">="}


def _condition_sql(c: Condition) -> tuple[str, list[Any]]:
    """SELECT of the ids matching the positive form of `c`."""
    if c.mode == "has":
        return "SELECT id FROM idx_vals WHERE name=?", [c.prop]
    if c.mode == "token":
        pattern = c.args[0]
        if "*" not in pattern:
            return "SELECT id FROM idx_toks WHERE name=? AND tok=?", [c.prop, pattern]
        prefix = pattern.split("*", 1)[0]
        sql = "SELECT id FROM idx_toks WHERE name=? AND tok GLOB ?"
        params: list[Any] = [c.prop, _glob_escape(pattern)]
        if prefix:  # explicit range so the b-tree is used whatever the planner thinks
            sql += " AND tok >= ? AND tok < ?"
            params += [prefix, prefix + MAX_CHAR]
        return sql, params
    col = "v" if c.mode == "text" else "n"
    if c.op == "IN":
        marks = ",".join("?" * len(c.args))
        return f"SELECT id FROM idx_vals WHERE name=? AND {col} IN ({marks})", [c.prop, *c.args]
    if c.op == "BETWEEN":
        return (
            f"SELECT id FROM idx_vals WHERE name=? AND {col} BETWEEN ? AND ?",
            [c.prop, *c.args],
        )
    return f"SELECT id FROM idx_vals WHERE name=? AND {col} {_OPS[c.op]} ?", [c.prop, c.args[0]]


def _group_sql(group: tuple[Condition, ...]) -> tuple[str, list[Any]]:
    positive = [c for c in group if not c.negated]
    negative = [c for c in group if c.negated]
    parts: list[str] = []
    params: list[Any] = []
    if not positive:
        parts.append("SELECT id FROM idx_docs")
    for c in positive:
        sql, p = _condition_sql(c)
        parts.append(("INTERSECT " if parts else "") + sql)
        params += p
    for c in negative:
        sql, p = _condition_sql(c)
        parts.append("EXCEPT " + sql)
        params += p
    return " ".join(parts), params


def matching_ids_sql(plan: SearchPlan) -> tuple[str | None, list[Any]]:
    """A compound SELECT of matching ids, or None when everything matches."""
    parts: list[str] = []
    params: list[Any] = []
    names = ",".join("?" * len(QUERY_PROPERTIES))
    for tok in plan.query_tokens:
        # Free text: every word must start some token of a default searchable property.
        # UNCONFIRMED: HubSpot's exact matching for `query`; prefix-of-token is what it appears
        # to do ("jan" finds Jane, "acme" finds jane@acme.com).
        parts.append(
            ("INTERSECT " if parts else "")
            + f"SELECT id FROM idx_toks WHERE name IN ({names}) AND tok >= ? AND tok < ?"
        )
        params += [*QUERY_PROPERTIES, tok, tok + MAX_CHAR]
    if plan.groups:
        union = []
        for group in plan.groups:
            sql, p = _group_sql(group)
            union.append(f"SELECT id FROM ({sql})")
            params += p
        parts.append(
            ("INTERSECT " if parts else "") + "SELECT id FROM (" + " UNION ".join(union) + ")"
        )
    if not parts:
        return None, []
    return " ".join(parts), params


def run_search(conn: sqlite3.Connection, plan: SearchPlan) -> tuple[int, list[dict[str, Any]]]:
    """(total, page of indexed docs) for a plan."""
    ids_sql, params = matching_ids_sql(plan)
    where = "" if ids_sql is None else f"WHERE d.id IN ({ids_sql})"
    if ids_sql is None:
        total = conn.execute("SELECT count(*) FROM idx_docs").fetchone()[0]
    else:
        total = conn.execute(f"SELECT count(DISTINCT id) FROM ({ids_sql})", params).fetchone()[0]
    if plan.limit == 0 or total <= plan.offset:
        return total, []
    if plan.sort is None:
        order = "d.id"
    else:
        prop, desc = plan.sort
        key = f"json_extract(d.keys, '$.{prop}')"  # prop is a catalogue name: [a-z0-9_]
        order = f"({key} IS NULL), {key} {'DESC' if desc else 'ASC'}, d.id"
    rows = conn.execute(
        f"SELECT d.id, d.created_ms, d.updated_ms, d.props FROM idx_docs d {where} "
        f"ORDER BY {order} LIMIT ? OFFSET ?",
        [*params, plan.limit, plan.offset],
    ).fetchall()
    return total, [
        {"id": r[0], "created_ms": r[1], "updated_ms": r[2], "props": json.loads(r[3])}
        for r in rows
    ]
