"""`create_app(...)`: the local HubSpot contacts (and owners) API as an aiohttp application.

Works standalone and as a sub-app (`parent.add_subapp("/hubspot", create_app(...))`, SDK host
`http://127.0.0.1:PORT/hubspot`). One middleware applies, in HubSpot's order: bearer-token
check (401), rate budget (429 + headers), fault injection, then the handler; every error is
rendered as HubSpot's JSON and counted per route.
"""

from __future__ import annotations

import hmac
import uuid
from collections.abc import Awaitable, Callable

from aiohttp import web

from hubspot_local import account_routes, batch, handlers, owner_routes, validation_routes
from hubspot_local.controls import CONTROLS_KEY, OWNERS_SCOPE, READ_SCOPE, WRITE_SCOPE, Controls
from hubspot_local.db import Database
from hubspot_local.errors import (
    ApiError,
    missing_scopes,
    rate_limited,
    server_error,
    unauthenticated,
)
from hubspot_local.options import OWNER_ROUTES, WRITE_ROUTES, Faults, RateLimits, SearchLimits
from hubspot_local.store import ContactStore
from hubspot_local.validations import PortalValidations

BASE = "/crm/v3/objects/contacts"
CORRELATION = "X-HubSpot-Correlation-Id"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_DEFAULT = RateLimits()


def _render(exc: ApiError, headers: dict[str, str]) -> web.Response:
    """HubSpot's error JSON; the body's correlationId is the one in the response header."""
    resp = handlers.reply(exc.render(headers.get(CORRELATION)), status=exc.status)
    resp.headers.update(headers)
    resp.headers.update(exc.headers)
    return resp


def _authorised(request: web.Request, token: str) -> bool:
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), token.encode()
    )


def _fault_error(status: int) -> ApiError:
    if status == 429:
        return rate_limited(
            "TEN_SECONDLY_ROLLING", "You have reached your ten_secondly_rolling limit.", {}
        )
    return server_error(status)


@web.middleware
async def hubspot_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    ctl: Controls = request.app[CONTROLS_KEY]
    route = request.match_info.route.name
    if route is None:  # no such endpoint
        return _render(
            ApiError(404, {"message": f"No route for {request.method} {request.path}"}),
            {CORRELATION: str(uuid.uuid4())},
        )
    counter = ctl.counters[route]
    counter.total += 1
    if route in account_routes.PAGE_ROUTES:  # a page a browser opens: no token, no budget
        return await handler(request)
    headers = {CORRELATION: str(uuid.uuid4())}
    try:
        if not _authorised(request, ctl.token):
            raise unauthenticated()
        needed = (
            WRITE_SCOPE
            if route in WRITE_ROUTES
            else OWNERS_SCOPE
            if route in OWNER_ROUTES
            else READ_SCOPE
        )
        if needed not in ctl.scopes and route != "account_info":  # any token may read it
            raise missing_scopes(needed)
        headers.update(ctl.limiter.check(search=route == "search"))
        fault = ctl.injector.decide(route)
        if fault is not None and not fault.after_commit:
            counter.faulted += 1
            if fault.hang:
                await ctl.hangs.hold(ctl.faults.hang_seconds if ctl.faults else 0)
                raise server_error(504)  # nothing was written
            raise _fault_error(fault.status)
        resp = await handler(request)
        committed = route in WRITE_ROUTES and resp.status < 300
        counter.committed += committed
        if fault is not None:  # after the handler ran; it may have committed a write
            counter.faulted += 1
            counter.faulted_after_commit += committed
            if fault.hang:
                await ctl.hangs.hold(ctl.faults.hang_seconds if ctl.faults else 0)
            else:
                raise _fault_error(fault.status)
        resp.headers.update(headers)
    except ApiError as exc:
        resp = _render(exc, headers)
    except web.HTTPException as exc:  # e.g. 413 from aiohttp itself: still HubSpot-shaped JSON
        resp = _render(ApiError(exc.status, {"message": exc.reason}), headers)
    counter.status(resp.status)
    return resp


def create_app(
    *,
    token: str,
    db_path: str = ":memory:",
    rate_limits: RateLimits | None = _DEFAULT,
    faults: Faults | None = None,
    search_lag_ms: int = 0,
    search_limits: SearchLimits | None = None,
    store: ContactStore | None = None,
    validation_rules: dict[str, dict[str, list[str]]] | None = None,
) -> web.Application:
    """The contacts API. `rate_limits=None` turns budgets off; `faults` is off by default.

    `app[CONTROLS_KEY]` (a `Controls`) holds the store, the request counters and the knobs a
    test may change while the server runs. `validation_rules` ({property: {ruleType:
    [arguments]}}) are the portal's property validation rules at start.
    """
    if not token:
        raise ValueError("create_app needs a bearer token; the API is never left open")
    store = store or ContactStore(Database(db_path), search_lag_ms=search_lag_ms)
    if validation_rules:
        store.validations = PortalValidations(validation_rules)
    app = web.Application(middlewares=[hubspot_middleware], client_max_size=32 * 1024 * 1024)
    ctl = Controls(
        token=token,
        store=store,
        rate_limits=rate_limits,
        faults=faults,
        search_limits=search_limits,
    )
    app[CONTROLS_KEY] = ctl
    r = app.router
    r.add_get(BASE, handlers.list_contacts, name="list")
    r.add_post(BASE, handlers.create_contact, name="create")
    r.add_post(f"{BASE}/search", handlers.search_contacts, name="search")
    r.add_post(f"{BASE}/merge", handlers.merge_contacts, name="merge")
    r.add_post(f"{BASE}/gdpr-delete", handlers.gdpr_delete, name="gdpr_delete")
    r.add_post(f"{BASE}/batch/read", batch.batch_read, name="batch_read")
    r.add_post(f"{BASE}/batch/create", batch.batch_create, name="batch_create")
    r.add_post(f"{BASE}/batch/update", batch.batch_update, name="batch_update")
    r.add_post(f"{BASE}/batch/upsert", batch.batch_upsert, name="batch_upsert")
    r.add_post(f"{BASE}/batch/archive", batch.batch_archive, name="batch_archive")
    r.add_get(BASE + "/{contact_id}", handlers.read_contact, name="read")
    r.add_patch(BASE + "/{contact_id}", handlers.update_contact, name="update")
    r.add_delete(BASE + "/{contact_id}", handlers.archive_contact, name="archive")
    owner_routes.add_routes(app)
    account_routes.add_routes(app)
    validation_routes.add_routes(app)

    async def release_hangs(app: web.Application) -> None:
        ctl.hangs.release_all()

    async def close_store(app: web.Application) -> None:
        await store.close()

    app.on_shutdown.append(release_hangs)
    app.on_cleanup.append(close_store)
    return app
