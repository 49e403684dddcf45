"""Serve a local HubSpot app on a loopback port and know its URL (SDK host) and token."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from hubspot_local.controls import CONTROLS_KEY, Controls
from hubspot_local.faults import Counters
from hubspot_local.store import ContactStore


@dataclass
class RunningHubSpot:
    """A started server: `url` is what the SDK's `host` must be; `token` its bearer token."""

    url: str
    token: str
    app: web.Application
    runner: web.AppRunner
    controls: Controls

    @property
    def store(self) -> ContactStore:
        return self.controls.store

    @property
    def counters(self) -> Counters:
        return self.controls.counters

    async def close(self) -> None:
        await self.runner.cleanup()


async def serve(
    app: web.Application,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    api: web.Application | None = None,
    mount: str = "",
    shutdown_timeout: float = 2.0,
) -> RunningHubSpot:
    """Start `app` on host:port (0 = any free port). `app` is what `create_app` made, or a
    parent app with it mounted at `mount` (then pass the mounted one as `api`)."""
    runner = web.AppRunner(app, shutdown_timeout=shutdown_timeout, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound = runner.addresses[0][1]
    controls = (api or app)[CONTROLS_KEY]
    return RunningHubSpot(
        url=f"http://{host}:{bound}{mount}",
        token=controls.token,
        app=app,
        runner=runner,
        controls=controls,
    )
