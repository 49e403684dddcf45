"""Local mode's last guard: without an app id nothing is authenticated, so the app answers only
requests addressed to the loopback host.

Binding to 127.0.0.1 keeps other machines out, but not a web page in the user's own browser: a
DNS-rebinding site resolves its own name to 127.0.0.1 and then talks to the bot as if it were
same-origin. Such requests still carry the site's name in `Host`, so refusing every `Host` that
is not a loopback name closes that door. With an app id (behind a reverse proxy whose `Host` is
the public name) or with ALLOW_REMOTE, this guard is not installed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "[::1]", "::1"})

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _hostname(host_header: str) -> str:
    host = host_header.strip().lower()
    if host.startswith("["):  # [::1]:3978
        return host[: host.find("]") + 1] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


@web.middleware
async def loopback_host_only(request: web.Request, handler: Handler) -> web.StreamResponse:
    name = _hostname(request.headers.get("Host", ""))
    if name not in LOOPBACK_NAMES and not name.endswith(".localhost"):
        return web.json_response(
            {
                "error": {
                    "code": "BadHost",
                    "message": "This bot runs in local mode and answers only on localhost.",
                }
            },
            status=421,
        )
    return await handler(request)
