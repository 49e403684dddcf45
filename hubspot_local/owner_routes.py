"""`GET /crm/v3/owners` (filter by `email`, paged by `after`/`limit`) and
`GET /crm/v3/owners/{ownerId}` (by `id`, or `userId` with `idProperty=userId`)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from hubspot_local.errors import bad_request
from hubspot_local.handlers import controls, query_bool, reply
from hubspot_local.owners import FIRST_OWNER_ID, MAX_PAGE, USER_ID_OFFSET, owner_not_found

BASE = "/crm/v3/owners"


async def list_owners(request: web.Request) -> web.Response:
    try:
        limit = int(request.query.get("limit", "100"))
        after = int(request.query.get("after", "0") or 0)
    except ValueError as exc:
        raise bad_request("limit and after must be integers") from exc
    limit = max(1, min(limit, MAX_PAGE))
    rows, nxt = await controls(request).owners.page(
        email=request.query.get("email") or None,
        after=after,
        limit=limit,
        archived=query_bool(request, "archived"),
    )
    out: dict[str, Any] = {"results": [r.to_json() for r in rows]}
    if nxt is not None:
        link = request.url.update_query({"after": str(nxt)})
        out["paging"] = {"next": {"after": str(nxt), "link": str(link)}}
    return reply(out)


async def read_owner(request: web.Request) -> web.Response:
    key = request.match_info["owner_id"]
    id_property = request.query.get("idProperty") or "id"
    if id_property not in ("id", "userId"):
        raise bad_request("idProperty must be id or userId")
    row = None
    if key.isdigit() and len(key) <= 18:
        number = int(key)
        if id_property == "userId":
            number = number - USER_ID_OFFSET + FIRST_OWNER_ID
        row = await controls(request).owners.get(number, archived=query_bool(request, "archived"))
    if row is None:
        raise owner_not_found(key)
    return reply(row.to_json())


def add_routes(app: web.Application) -> None:
    # The SDK asks for `/crm/v3/owners/` (a trailing slash); HubSpot answers both.
    app.router.add_get(BASE + "{slash:/?}", list_owners, name="owners_list")
    app.router.add_get(BASE + "/{owner_id}", read_owner, name="owners_read")
