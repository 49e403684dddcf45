"""A round-robin load balancer for `/api/messages`, served by the test in front of app processes.

    async with RoundRobinProxy([a, b]) as proxy:     # anything with a `.url`
        await session.post(f"{proxy.url}/api/messages", ...)

Each POST goes to the next backend in turn. A backend that is down (connection refused, reset,
closed mid-answer) gets the request a 502, as a load balancer answers: the client cannot tell
whether the bot saw it, and redelivers the same activity, as Teams does. The failed backend is
then left out of the rotation for `fail_timeout` seconds (nginx's passive health check), so
redeliveries meet the instance that is up; with every backend out, all are tried again.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from typing import Protocol

import aiohttp
from aiohttp import web

FORWARDED_HEADERS = ("Content-Type", "Authorization")


class Backend(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def url(self) -> str: ...


class RoundRobinProxy:
    def __init__(
        self, backends: Sequence[Backend], *, timeout: float = 60, fail_timeout: float = 1.0
    ) -> None:
        self.backends = list(backends)
        self.fail_timeout = fail_timeout
        self._down_until: dict[str, float] = {}
        self.url = ""
        self.forwarded: Counter[str] = Counter()  # answered by each backend
        self.refused: Counter[str] = Counter()  # 502s, by the backend that was down
        self._next = 0
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> RoundRobinProxy:
        # No keep-alive to the backends: a connection pooled from before a kill would turn the
        # first request after the restart into a 502 that no real balancer would give.
        self._session = aiohttp.ClientSession(
            timeout=self._timeout, connector=aiohttp.TCPConnector(force_close=True)
        )
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.router.add_post("/api/messages", self._forward)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._session is not None
        backend = self._pick()
        body = await request.read()
        headers = {h: request.headers[h] for h in FORWARDED_HEADERS if h in request.headers}
        try:
            async with self._session.post(
                f"{backend.url}{request.path}", data=body, headers=headers
            ) as upstream:
                payload = await upstream.read()
                status = upstream.status
                content_type = upstream.headers.get("Content-Type")
        except (aiohttp.ClientConnectionError, TimeoutError):
            self.refused[backend.name] += 1
            self._down_until[backend.name] = time.monotonic() + self.fail_timeout
            return web.Response(status=502, text=f"bad gateway: {backend.name} is down")
        self.forwarded[backend.name] += 1
        return web.Response(status=status, body=payload, headers=_content_type(content_type))

    def _pick(self) -> Backend:
        now = time.monotonic()
        count = len(self.backends)
        for _ in range(count):
            backend = self.backends[self._next % count]
            self._next += 1
            if self._down_until.get(backend.name, 0) <= now:
                return backend
        return self.backends[self._next % count]


def _content_type(value: str | None) -> dict[str, str]:
    return {"Content-Type": value} if value else {}
