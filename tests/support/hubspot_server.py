"""Start the local HubSpot API for a test and talk to it through the official SDK.

    async with hubspot_server() as hs:                # 127.0.0.1, random port, rate limits off
        client = hs.sdk()                              # hubspot.Client pointed at hs.url
        created = await asyncio.to_thread(client.crm.contacts.basic_api.create, ...)
        hs.controls.faults = Faults(rate=0.5, seed=3)  # change knobs while it runs
        assert hs.counters["create"].committed == 1

`mount="/hubspot"` serves it as a sub-app of a parent app, the way a bot could embed it; `url`
then ends with the mount path. The SDK is synchronous: call it with `asyncio.to_thread`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import hubspot
from aiohttp import web

from hubspot_local import RateLimits, create_app
from hubspot_local.server import RunningHubSpot, serve

TEST_TOKEN = "pat-na1-00000000-test-token"


class LocalHubSpot(RunningHubSpot):
    def sdk(self, *, token: str | None = None, **kwargs: Any) -> hubspot.Client:
        """An official SDK client for this server (no retries unless `retry=` is given)."""
        return hubspot.Client.create(access_token=token or self.token, host=self.url, **kwargs)


@asynccontextmanager
async def hubspot_server(
    *,
    token: str = TEST_TOKEN,
    mount: str | None = None,
    rate_limits: RateLimits | None = None,
    **create_kwargs: Any,
) -> AsyncIterator[LocalHubSpot]:
    """Rate limits default to off here (tests call fast); pass `RateLimits()` to test them.
    Other keyword arguments go to `create_app` (faults, search_lag_ms, db_path, ...)."""
    api = create_app(token=token, rate_limits=rate_limits, **create_kwargs)
    app = api
    if mount:
        app = web.Application()
        app.add_subapp(mount, api)
    running = await serve(app, api=api, mount=mount or "")
    hs = LocalHubSpot(
        **{f: getattr(running, f) for f in ("url", "token", "app", "runner", "controls")}
    )
    try:
        yield hs
    finally:
        await hs.close()
