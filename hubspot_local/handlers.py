"""Single-record endpoints and search under /crm/v3/objects/contacts.

Handlers parse and check the request, call the store, and shape the answer; HubSpot's rules
for values live in `properties`, for records in `store`.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from hubspot_local.controls import CONTROLS_KEY, Controls
from hubspot_local.errors import bad_request, invalid_json, not_found
from hubspot_local.properties import check_id_property, iso_ms, normalise_input, requested
from hubspot_local.records import Record, to_json
from hubspot_local.search import parse_search

JSON_TYPE = "application/json"


def controls(request: web.Request) -> Controls:
    return request.app[CONTROLS_KEY]


def reply(body: Any, status: int = 200) -> web.Response:
    return web.Response(
        status=status,
        text=json.dumps(body, ensure_ascii=False),
        content_type=JSON_TYPE,
        charset="utf-8",
    )


async def read_json(request: web.Request) -> Any:
    text = await request.text()
    if not text.strip():
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise invalid_json(exc) from exc


def query_list(request: web.Request, name: str) -> list[str]:
    """`?properties=a&properties=b` (what the SDK sends) and `?properties=a,b` alike."""
    return [p.strip() for v in request.query.getall(name, []) for p in v.split(",") if p.strip()]


def query_bool(request: web.Request, name: str) -> bool:
    return request.query.get(name, "false").strip().lower() == "true"


def with_history(rec: Record, body: dict[str, Any], names: list[str]) -> dict[str, Any]:
    """`propertiesWithHistory`: the emulator keeps only the current value of each."""
    if names:
        body["propertiesWithHistory"] = {
            n: (
                [{"value": rec.props[n], "timestamp": iso_ms(rec.updated_ms), "sourceType": "API"}]
                if n in rec.props
                else []
            )
            for n in names
        }
    return body


def body_object(body: Any, what: str = "request body") -> dict[str, Any]:
    if not isinstance(body, dict):
        raise bad_request(f"{what} must be a JSON object")
    return body


async def list_contacts(request: web.Request) -> web.Response:
    try:
        limit = int(request.query.get("limit", "10"))
        after = int(request.query.get("after", "0") or 0)
    except ValueError as exc:
        raise bad_request("limit and after must be integers") from exc
    # UNCONFIRMED: HubSpot's answer to limit > 100 on list; clamped here (docs: "up to 100").
    limit = max(1, min(limit, 100))
    names = requested(query_list(request, "properties"))
    recs, nxt = await controls(request).store.page(
        after, limit, archived=query_bool(request, "archived")
    )
    history = query_list(request, "propertiesWithHistory")
    out: dict[str, Any] = {"results": [with_history(r, to_json(r, names), history) for r in recs]}
    if nxt is not None:
        link = request.url.update_query({"after": str(nxt)})
        out["paging"] = {"next": {"after": str(nxt), "link": str(link)}}
    return reply(out)


async def create_contact(request: web.Request) -> web.Response:
    body = body_object(await read_json(request))
    props = normalise_input(body.get("properties"))
    rec = await controls(request).store.create(props)
    return reply(to_json(rec, tuple(sorted(rec.props))), status=201)


def _path_key(request: web.Request) -> tuple[str, bool]:
    id_property = request.query.get("idProperty")
    check_id_property(id_property)
    return request.match_info["contact_id"], id_property == "email"


async def read_contact(request: web.Request) -> web.Response:
    key, by_email = _path_key(request)
    rec = await controls(request).store.get(
        key, by_email=by_email, archived=query_bool(request, "archived")
    )
    if rec is None:
        raise not_found(key)
    names = requested(query_list(request, "properties"))
    return reply(
        with_history(rec, to_json(rec, names), query_list(request, "propertiesWithHistory"))
    )


async def update_contact(request: web.Request) -> web.Response:
    key, by_email = _path_key(request)
    body = body_object(await read_json(request))
    props = normalise_input(body.get("properties"))
    rec = await controls(request).store.update(key, props, by_email=by_email)
    return reply(to_json(rec, tuple(sorted(rec.props))))


async def archive_contact(request: web.Request) -> web.Response:
    key, by_email = _path_key(request)
    await controls(request).store.archive(key, by_email=by_email)
    return web.Response(status=204)


async def search_contacts(request: web.Request) -> web.Response:
    ctl = controls(request)
    plan = parse_search(await read_json(request), ctl.search_limits)
    total, recs = await ctl.store.search(plan)
    out: dict[str, Any] = {"total": total, "results": [to_json(r, plan.properties) for r in recs]}
    if plan.limit and plan.offset + plan.limit < total:
        out["paging"] = {"next": {"after": str(plan.offset + plan.limit)}}
    return reply(out)


def _id_field(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value:
        raise bad_request(f"{name} is required")
    return value


async def merge_contacts(request: web.Request) -> web.Response:
    body = body_object(await read_json(request))
    rec = await controls(request).store.merge(
        _id_field(body, "primaryObjectId"), _id_field(body, "objectIdToMerge")
    )
    return reply(to_json(rec, tuple(sorted(rec.props))))


async def gdpr_delete(request: web.Request) -> web.Response:
    body = body_object(await read_json(request))
    id_property = body.get("idProperty")
    check_id_property(id_property)
    key = _id_field(body, "objectId")
    found = await controls(request).store.purge(key, by_email=id_property == "email")
    if not found and id_property != "email":
        raise not_found(key)
    return web.Response(status=204)
