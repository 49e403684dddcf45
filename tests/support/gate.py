"""A HubSpot that is slow or stops answering while a test says so: a forwarding proxy in front
of the local HubSpot that delays every request by `delay` (HubSpot far away), holds them while
the gate is shut and lets them through when it opens.

    async with hubspot_server() as hs, HubSpotGate(hs.url) as gate:
        settings = test_settings(tmp_path, hubspot_base_url=gate.url, ...)
        gate.shut()
        ...                                  # gate.held: requests waiting now
        gate.open()
    async with hubspot_server() as hs, HubSpotGate(hs.url, delay=1.0) as far: ...

A request the client gave up on (its timeout) is still forwarded when the gate opens, as a
slow network would deliver it.
"""

from __future__ import annotations

import asyncio
import contextlib

import aiohttp
from aiohttp import web

_HOP_HEADERS = {"host", "content-length", "transfer-encoding", "connection", "keep-alive"}


class HubSpotGate:
    def __init__(self, upstream: str, *, delay: float = 0.0) -> None:
        self.upstream = upstream.rstrip("/")
        self.delay = delay
        self.url = ""
        self.held = 0  # requests waiting at the shut gate now
        self.seen = 0  # requests that reached the gate in all
        self._open = asyncio.Event()
        self._open.set()
        self._closing = asyncio.Event()  # set on exit: a delayed request lets go at once
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None

    def shut(self) -> None:
        self._open.clear()

    def open(self) -> None:
        self._open.set()

    async def __aenter__(self) -> HubSpotGate:
        self._session = aiohttp.ClientSession()
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._forward)
        self._runner = web.AppRunner(app, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._closing.set()
        self._open.set()
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._session is not None
        self.seen += 1
        body = await request.read()
        if self.delay:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), self.delay)
        if not self._open.is_set():
            self.held += 1
            try:
                await self._open.wait()
            finally:
                self.held -= 1
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_HEADERS}
        async with self._session.request(
            request.method, f"{self.upstream}{request.path_qs}", data=body, headers=headers
        ) as upstream:
            payload = await upstream.read()
            kept = {k: v for k, v in upstream.headers.items() if k.lower() not in _HOP_HEADERS}
            return web.Response(status=upstream.status, body=payload, headers=kept)
