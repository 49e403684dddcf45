"""Batch endpoints: read, create, update, upsert, archive (max 100 inputs each).

Without an `objectWriteTraceId` on every input a batch write is all-or-nothing and fails with
the first problem's own error (e.g. 409 naming the first existing contact), as HubSpot does.
With one on every input each input stands alone and failures come back as a 207 multi-status.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from aiohttp import web

from hubspot_local.errors import ApiError, bad_request
from hubspot_local.handlers import body_object, controls, read_json, reply, with_history
from hubspot_local.properties import check_id_property, iso_ms, normalise_input, requested
from hubspot_local.records import Record, to_json

MAX_INPUTS = 100


def _inputs(body: Any) -> list[dict[str, Any]]:
    body = body_object(body)
    inputs = body.get("inputs")
    if not isinstance(inputs, list) or not all(isinstance(i, dict) for i in inputs):
        raise bad_request("inputs must be a list of objects")
    if len(inputs) > MAX_INPUTS:
        raise bad_request(
            f"Batch input is limited to {MAX_INPUTS} inputs; got {len(inputs)}",
            code="TOO_MANY_INPUTS",
        )
    return inputs


def _id_of(item: dict[str, Any]) -> str:
    value = item.get("id")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value:
        raise bad_request("each input needs an id")
    return value


def _envelope(
    results: list[dict[str, Any]], errors: list[dict[str, Any]], started: int, now: int
) -> dict[str, Any]:
    out: dict[str, Any] = {"status": "COMPLETE", "results": results}
    if errors:
        out["numErrors"] = len(errors)
        out["errors"] = errors
    out["startedAt"] = iso_ms(started)
    out["completedAt"] = iso_ms(now)
    return out


async def _write(request: web.Request, fn: Any, ok_status: int) -> web.Response:
    ctl = controls(request)
    started = ctl.store.now_ms()
    inputs = _inputs(await read_json(request))
    traces = [i.get("objectWriteTraceId") for i in inputs]
    atomic = not inputs or not all(isinstance(t, str) and t for t in traces)
    outcomes = await ctl.store.batch(inputs, fn, atomic=atomic)
    results: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    for item, outcome in zip(inputs, outcomes, strict=True):
        if isinstance(outcome, ApiError):
            errors.append(
                outcome.as_standard_error(objectWriteTraceId=[item["objectWriteTraceId"]])
            )
            continue
        rec, new = outcome if isinstance(outcome, tuple) else (outcome, None)
        body = to_json(rec, tuple(sorted(rec.props)))
        if new is not None:
            body["new"] = new
        if item.get("objectWriteTraceId"):
            body["objectWriteTraceId"] = item["objectWriteTraceId"]
        results.append(body)
    return reply(
        _envelope(results, errors, started, ctl.store.now_ms()), status=207 if errors else ok_status
    )


async def batch_create(request: web.Request) -> web.Response:
    store = controls(request).store

    def one(conn: sqlite3.Connection, item: dict[str, Any]) -> Record:
        return store.create_sync(conn, normalise_input(item.get("properties")))

    return await _write(request, one, 201)


async def batch_update(request: web.Request) -> web.Response:
    store = controls(request).store

    def one(conn: sqlite3.Connection, item: dict[str, Any]) -> Record:
        check_id_property(item.get("idProperty"))
        # Old merged ids are accepted by single PATCH, not by batch update (D-OBJECTS).
        return store.update_sync(
            conn,
            _id_of(item),
            normalise_input(item.get("properties")),
            by_email=item.get("idProperty") == "email",
            follow_merges=False,
        )

    return await _write(request, one, 200)


async def batch_upsert(request: web.Request) -> web.Response:
    store = controls(request).store

    def one(conn: sqlite3.Connection, item: dict[str, Any]) -> tuple[Record, bool]:
        if item.get("idProperty") != "email":
            raise bad_request(
                'upsert needs idProperty "email" (the only unique contact property here)'
            )
        props = normalise_input(item.get("properties"))
        props.pop("email", None)  # the id names the contact; it is not changed here
        key = _id_of(item)
        if normalise_input({"email": key}).get("email") is None:
            raise bad_request("id must be an email address")
        return store.upsert_sync(conn, key, props)

    return await _write(request, one, 200)


async def batch_read(request: web.Request) -> web.Response:
    ctl = controls(request)
    started = ctl.store.now_ms()
    body = body_object(await read_json(request))
    inputs = _inputs(body)
    id_property = body.get("idProperty")
    check_id_property(id_property)
    keys = list(dict.fromkeys(_id_of(i) for i in inputs))
    names = requested(body.get("properties") if isinstance(body.get("properties"), list) else None)
    history = body.get("propertiesWithHistory") or []
    recs = await ctl.store.get_many(
        keys, by_email=id_property == "email", archived=request.query.get("archived") == "true"
    )
    results = [with_history(r, to_json(r, names), history) for r in recs if r is not None]
    missing = [k for k, r in zip(keys, recs, strict=True) if r is None]
    errors = []
    if missing:
        errors.append(
            {
                "status": "error",
                "category": "OBJECT_NOT_FOUND",
                "message": "Could not get some CONTACT objects, they may be deleted or "
                "not exist. Check that ids are valid.",
                "context": {"ids": missing},
            }
        )
    return reply(
        _envelope(results, errors, started, ctl.store.now_ms()), status=207 if errors else 200
    )


async def batch_archive(request: web.Request) -> web.Response:
    inputs = _inputs(await read_json(request))
    store = controls(request).store
    keys = [_id_of(i) for i in inputs]

    def one(conn: sqlite3.Connection, key: str) -> Any:
        store.archive_sync(conn, key)

    await store.batch(keys, one, atomic=True)
    return web.Response(status=204)
