"""The Web Chat page: `GET {base}/`, its scripts, and the token endpoint the page starts with.

The page is static and uses only relative URLs, so it works at `/` and behind a reverse proxy
at a path prefix (PUBLIC_BASE_PATH) alike. It asks `POST api/webchat/token` for a Direct Line
token bound to a new conversation and a user id -- the Direct Line secret never reaches the
browser -- then hands that token to Web Chat's DirectLine with `domain = <page>/v3/directline`.

With sign-in configured (webchat/signin.py) the page and the token are for signed-in users
only: an unsigned visitor of the page is sent to sign in (OpenID Connect) or told to come
through the proxy, and the token endpoint answers 401. The token is then bound to the user's
stable id and carries who they are, for the channel to stamp on their activities. Without
sign-in (local mode) every page load gets a new anonymous user id, as before.

The Web Chat bundle (`static/webchat.js`, ~4 MB, from the botframework-webchat npm package) is
installed by `python -m webchat.assets`; without it the app still runs and the page says how
to get it.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from aiohttp import web

from config import Settings
from webchat.channel import ChannelError, new_conversation_id, new_user_id
from webchat.limits import StartLimits
from webchat.signin import OIDC, SignIn
from webchat.tokens import TokenSigner

STATIC_DIR = Path(__file__).resolve().parent / "static"
# What the page may load; nothing else in the folder is served.
STATIC_FILES = {
    "webchat.js": "application/javascript",
    "webchat.js.LICENSE.txt": "text/plain",
    "chat.js": "application/javascript",
    "chat.css": "text/css",
}
MISSING_BUNDLE = (
    "The Web Chat bundle is not installed. Run `make webchat-assets` "
    "(or `.venv/bin/python -m webchat.assets`) and reload the page."
)

# Web Chat injects its styles at run time (hence 'unsafe-inline' for styles only); every script
# and connection is this app's own. connect-src names ws:/wss: since the stream URL is absolute.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self' ws: wss:; "
        "media-src 'self' data: blob:; frame-ancestors 'self'; base-uri 'self'; "
        "form-action 'none'; object-src 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


# Any other HTML this app answers (an error page aiohttp or a route makes): nothing may run.
HTML_FALLBACK_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"


async def policy_on_every_page(request: web.Request, response: web.StreamResponse) -> None:
    """`on_response_prepare`: every HTML response carries a Content-Security-Policy; the pages
    that set their own (this page, the sign-in pages) keep it."""
    if response.content_type == "text/html" and "Content-Security-Policy" not in response.headers:
        response.headers["Content-Security-Policy"] = HTML_FALLBACK_POLICY
        response.headers.setdefault("X-Content-Type-Options", "nosniff")


class WebChatPage:
    def __init__(
        self,
        *,
        tokens: TokenSigner,
        signin: SignIn | None = None,
        static_dir: Path = STATIC_DIR,
        open_to_all: bool = True,
        limits: StartLimits | None = None,
    ) -> None:
        self.tokens = tokens
        self.limits = limits
        self.signin = signin or SignIn(Settings())  # none configured: local mode's page
        self.open_to_all = open_to_all
        self.static_dir = static_dir

    def routes(self, base: str) -> list[web.RouteDef]:
        out = [
            web.get(f"{base}/", self.index),
            web.post(f"{base}/api/webchat/token", self.token),
            web.get(f"{base}/static/{{name}}", self.static),
        ]
        if base:  # `/crm-bot` -> `/crm-bot/`, so the page's relative URLs resolve under it
            out.append(web.get(base, self.to_slash))
        return out

    async def to_slash(self, request: web.Request) -> web.Response:
        raise web.HTTPFound(f"{request.path}/")

    async def index(self, request: web.Request) -> web.StreamResponse:
        if self.open_to_all and self.signin.mode and self.signin.identify(request) is None:
            if self.signin.mode == OIDC:
                return web.Response(
                    status=302, headers={"Location": "auth/login", "Cache-Control": "no-store"}
                )
            return web.Response(
                status=401,
                text="Open this page through the intranet's sign-in.",
                headers={"Cache-Control": "no-store"},
            )
        return web.FileResponse(
            self.static_dir / "index.html",
            headers={
                **SECURITY_HEADERS,
                "Cache-Control": "no-cache",
                "Content-Type": "text/html; charset=utf-8",
            },
        )

    async def static(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        content_type = STATIC_FILES.get(name)
        path = self.static_dir / name
        if content_type is None:
            raise web.HTTPNotFound()
        # Checked on every request (the bundle may be installed while the app runs), off the
        # loop like every file access.
        if not await asyncio.to_thread(path.is_file):
            if name == "webchat.js":  # the page checks for window.WebChat and explains
                return web.Response(status=404, text=MISSING_BUNDLE)
            raise web.HTTPNotFound()
        return web.FileResponse(
            path,
            headers={
                "Content-Type": f"{content_type}; charset=utf-8",
                "Cache-Control": "no-cache",
                "X-Content-Type-Options": "nosniff",
            },
        )

    async def token(self, request: web.Request) -> web.Response:
        """A token for a conversation that starts when Web Chat connects with it. With sign-in,
        only for a signed-in user, bound to them. Without (local mode), for anyone who can open
        the page: with an app id the host is public (Teams must reach it), so there the page is
        off unless sign-in is configured; otherwise it would be an open door around the JWT
        check on /api/messages."""
        if not self.open_to_all:
            return _refusal(
                403,
                "WebChatDisabled",
                "The Web Chat page is off on this server. With a Microsoft App ID it needs "
                "sign-in: set WEBCHAT_OIDC_ISSUER, WEBCHAT_OIDC_CLIENT_ID and "
                "WEBCHAT_OIDC_CLIENT_SECRET, or WEBCHAT_TRUSTED_USER_HEADER and "
                "WEBCHAT_TRUSTED_PROXIES.",
            )
        user = self.signin.identify(request)
        if self.signin.mode and user is None:
            return _refusal(
                401,
                "NotSignedIn",
                "Sign in to chat.",
                {"signIn": "auth/login"} if self.signin.mode == OIDC else None,
            )
        if self.limits is not None:
            try:  # per signed-in user and per client address (webchat/limits.py)
                await self.limits.token(request, user.user_id if user is not None else None)
            except ChannelError as exc:
                return _refusal(exc.status, exc.code, exc.message, headers=exc.headers)
        conversation_id = new_conversation_id()
        user_id = user.user_id if user is not None else new_user_id()
        return web.json_response(
            {
                "token": self.tokens.issue(conversation_id, user_id, user=user),
                "conversationId": conversation_id,
                "userId": user_id,
                "expires_in": self.tokens.ttl_seconds,
            },
            headers={"Cache-Control": "no-store"},
        )


def _refusal(
    status: int,
    code: str,
    message: str,
    extra: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> web.Response:
    return web.json_response(
        {"error": {"code": code, "message": message, **(extra or {})}},
        status=status,
        headers={"Cache-Control": "no-store", **(headers or {})},
    )
