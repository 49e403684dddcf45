"""A round-robin balancer for the Web Chat page, served by a test in front of app instances:
every request (the page, its scripts, Direct Line REST calls) and every WebSocket goes to the
next instance that is up, with no sticky sessions, as a plain L7 balancer does.

    async with WebBalancer([a.url, b.url]) as lb:
        page.goto(f"{lb.url}/")
        lb.socket_backends        # which instance each stream WebSocket went to, in order

The browser's Host header is passed on, so the stream URLs the instances build point back at the
balancer. An instance that refuses a connection is skipped for that request.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Sequence

import aiohttp
from aiohttp import WSMsgType, web

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "upgrade", "content-length"}


class WebBalancer:
    def __init__(self, backends: Sequence[str]) -> None:
        self.backends = list(backends)
        self.url = ""
        self.requests: Counter[str] = Counter()  # by backend
        self.socket_backends: list[str] = []
        self._next = 0
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> WebBalancer:
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(force_close=True), auto_decompress=False
        )
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.router.add_route("*", "/{path:.*}", self._forward)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()

    def _order(self) -> list[str]:
        start = self._next
        self._next = (self._next + 1) % len(self.backends)
        return self.backends[start:] + self.backends[:start]

    async def _forward(self, request: web.Request) -> web.StreamResponse:
        if request.headers.get("Upgrade", "").lower() == "websocket":
            return await self._socket(request)
        assert self._session is not None
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        for backend in self._order():
            try:
                async with self._session.request(
                    request.method,
                    f"{backend}{request.path_qs}",
                    data=body,
                    headers=headers,
                    allow_redirects=False,
                ) as upstream:
                    payload = await upstream.read()
                    self.requests[backend] += 1
                    out = {k: v for k, v in upstream.headers.items() if k.lower() not in HOP_BY_HOP}
                    return web.Response(status=upstream.status, body=payload, headers=out)
            except aiohttp.ClientConnectionError:
                continue
        return web.Response(status=502, text="no instance is up")

    async def _socket(self, request: web.Request) -> web.StreamResponse:
        assert self._session is not None
        for backend in self._order():
            try:
                upstream = await self._session.ws_connect(
                    f"{backend.replace('http', 'ws', 1)}{request.path_qs}",
                    headers={"Host": request.host},
                )
            except aiohttp.WSServerHandshakeError as exc:
                return web.Response(status=exc.status, text="refused by the instance")
            except aiohttp.ClientConnectionError:
                continue
            self.socket_backends.append(backend)
            client = web.WebSocketResponse()
            await client.prepare(request)
            await self._pump(client, upstream)
            return client
        return web.Response(status=502, text="no instance is up")

    @staticmethod
    async def _pump(
        client: web.WebSocketResponse, upstream: aiohttp.ClientWebSocketResponse
    ) -> None:
        """Both ways until either side closes; then the other is closed too (an instance that
        dies drops the browser's socket, as it would behind a real balancer)."""

        async def down() -> None:
            async for msg in upstream:
                if msg.type == WSMsgType.TEXT:
                    await client.send_str(msg.data)
                elif msg.type == WSMsgType.BINARY:
                    await client.send_bytes(msg.data)

        async def up() -> None:
            async for msg in client:
                if msg.type == WSMsgType.TEXT:
                    await upstream.send_str(msg.data)

        tasks = [asyncio.ensure_future(down()), asyncio.ensure_future(up())]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
            await upstream.close()
            await client.close()
