"""The Direct Line 3.0 REST API and WebSocket stream, as `botframework-directlinejs` calls them.

    POST {base}/v3/directline/tokens/generate              secret -> token for a new conversation
    POST {base}/v3/directline/tokens/refresh               token  -> fresh token, same grant
    POST {base}/v3/directline/conversations                start (201; 200 when already started)
    GET  {base}/v3/directline/conversations/{id}           reconnect: a new streamUrl
    POST {base}/v3/directline/conversations/{id}/activities
    GET  {base}/v3/directline/conversations/{id}/activities?watermark=
    GET  {base}/v3/directline/conversations/{id}/stream?t=  WebSocket (token in the URL)

Authorization is `Bearer <secret or token>`. The secret (DIRECTLINE_SECRET) works for any
conversation and never leaves the server; a token works for its own conversation only (403 for
any other). Auth is by header, never by cookie, so CORS may allow any origin. Every error is an
ErrorResponse `{"error": {"code", "message"}}`. Tokens and new conversations are limited per
user and per client address (webchat/limits.py: 429 TooManyRequests); a refresh or reconnect
continues its token's chain, which ends at its longest life (webchat/tokens.py: 403
TokenExpired).
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import WSMsgType, web

from ground.json_input import InvalidUnicode, check_unicode, loads_limited
from store.base import ChannelConversation
from webchat.bridge import CONNECTOR_PREFIX
from webchat.channel import (
    GONE,
    ChannelError,
    DirectLineChannel,
    clean_locale,
    new_conversation_id,
    new_user_id,
)
from webchat.identity import PageUser
from webchat.limits import StartLimits
from webchat.tokens import STREAM, Grant, TokenError, TokenSigner

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "authorization, content-type, x-ms-bot-agent, x-requested-with",
    "Access-Control-Max-Age": "600",
}


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> web.Response:
    return web.json_response(
        {"error": {"code": code, "message": message}},
        status=status,
        headers={**CORS_HEADERS, **(headers or {})},
    )


def own_service_url(request: web.Request) -> str:
    """This app's own address, as the socket the request arrived on sees it: the bot's replies
    come back here from inside the process, whatever proxy stands in front of the page."""
    sockname = request.transport.get_extra_info("sockname") if request.transport else None
    host, port = ("127.0.0.1", 80) if not sockname else (sockname[0], sockname[1])
    return service_url_at(host, port)


def service_url_at(host: str, port: int) -> str:
    """The connector address of a process listening on `host` and `port`."""
    if host in ("0.0.0.0", ""):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}{CONNECTOR_PREFIX}/"


@dataclass
class Access:
    """Who is calling: the secret holder (any conversation) or one token's grant (with the
    signed-in user it names, if any)."""

    conversation_id: str | None
    user_id: str | None
    user: PageUser | None = None
    grant: Grant | None = None  # the token's (None: the secret)

    @property
    def issued_at(self) -> float | None:
        """When the caller's chain of tokens began (None for the secret: a new chain)."""
        return self.grant.issued_at if self.grant is not None else None

    @property
    def is_secret(self) -> bool:
        return self.conversation_id is None


class DirectLineApi:
    def __init__(
        self,
        *,
        channel: DirectLineChannel,
        tokens: TokenSigner,
        secret: str = "",
        public_base_path: str = "",
        limits: StartLimits | None = None,
    ) -> None:
        self.channel = channel
        self.tokens = tokens
        self.limits = limits or StartLimits(
            tokens_per_minute=1_000_000,
            conversations_per_minute=1_000_000,
            address_per_minute=1_000_000,
        )
        self._secret = secret
        self._public_base_path = public_base_path

    def routes(self, base: str) -> list[web.RouteDef]:
        p = f"{base}/v3/directline"
        c = f"{p}/conversations/{{conversation_id}}"
        out = [
            web.post(f"{p}/tokens/generate", self._wrap(self.generate)),
            web.post(f"{p}/tokens/refresh", self._wrap(self.refresh)),
            web.post(f"{p}/conversations", self._wrap(self.start)),
            web.get(f"{c}", self._wrap(self.reconnect), allow_head=False),
            web.post(f"{c}/activities", self._wrap(self.post_activity)),
            web.get(f"{c}/activities", self._wrap(self.get_activities), allow_head=False),
            web.post(f"{c}/upload", self._wrap(self.upload)),
            web.get(f"{c}/stream", self.stream, allow_head=False),
        ]
        for path in (
            f"{p}/tokens/generate",
            f"{p}/tokens/refresh",
            f"{p}/conversations",
            c,
            f"{c}/activities",
            f"{c}/upload",
        ):
            out.append(web.options(path, self.preflight))
        return out

    # -- plumbing ---------------------------------------------------------------------------
    def _wrap(self, handler: Handler) -> Handler:
        async def wrapped(request: web.Request) -> web.StreamResponse:
            try:
                response = await handler(request)
            except ChannelError as exc:
                return error_response(exc.status, exc.code, exc.message, exc.headers)
            except TokenError as exc:
                return error_response(403, exc.code, exc.message)
            response.headers.update(CORS_HEADERS)
            response.headers["Cache-Control"] = "no-store"
            return response

        return wrapped

    async def preflight(self, request: web.Request) -> web.Response:
        return web.Response(status=204, headers=CORS_HEADERS)

    def _access(self, request: web.Request, conversation_id: str | None = None) -> Access:
        header = request.headers.get("Authorization", "")
        scheme, _, value = header.partition(" ")
        value = value.strip()
        if scheme.lower() != "bearer" or not value:
            raise ChannelError(
                401, "MissingAuthorization", "Send 'Authorization: Bearer <secret or token>'."
            )
        if self._secret and hmac.compare_digest(value.encode(), self._secret.encode()):
            return Access(None, None)
        grant = self.tokens.verify(value)
        if conversation_id is not None and grant.conversation_id != conversation_id:
            raise ChannelError(403, "Forbidden", "This token is for another conversation.")
        return Access(grant.conversation_id, grant.user_id, grant.user, grant)

    async def _conversation(self, conversation_id: str) -> ChannelConversation:
        conv = await self.channel.conversations.get(conversation_id)
        if conv is None:
            raise ChannelError(404, "NotFound", GONE)
        return conv

    def _stream_url(
        self, request: web.Request, conv: ChannelConversation, watermark: str | None
    ) -> str:
        """Absolute, as DirectLineJS needs; built from what the browser used to reach us
        (X-Forwarded-* from a reverse proxy) plus the public path prefix."""
        proto = request.headers.get("X-Forwarded-Proto", request.scheme).split(",")[0].strip()
        host = request.headers.get("X-Forwarded-Host", request.host).split(",")[0].strip()
        ws = "wss" if proto == "https" else "ws"
        token = self.tokens.issue(conv.id, conv.user_id, kind=STREAM)
        url = (
            f"{ws}://{host}{self._public_base_path}/v3/directline/conversations/"
            f"{conv.id}/stream?t={token}"
        )
        return url + (f"&watermark={watermark}" if watermark else "")

    async def _json_body(self, request: web.Request) -> dict[str, Any]:
        if not request.can_read_body:
            return {}
        if (request.content_length or 0) > 64 * 1024:
            raise ChannelError(413, "MessageSizeTooBig", "The request body is too large.")
        try:
            body = loads_limited(await request.read())
            check_unicode(body)
        except InvalidUnicode as exc:
            raise ChannelError(
                400, "BadArgument", "The body holds text that is not valid Unicode."
            ) from exc
        except ValueError as exc:  # not JSON, or nested deeper than any request
            raise ChannelError(400, "BadArgument", "The body must be JSON.") from exc
        return body if isinstance(body, dict) else {}

    def _conversation_body(
        self,
        conv_id: str,
        user_id: str,
        user: PageUser | None = None,
        issued_at: float | None = None,
    ) -> dict[str, Any]:
        """A fresh token for the conversation; `issued_at` continues the caller's token chain
        (a reconnect hands out a token too, so it must not restart the chain's lifetime)."""
        if issued_at is not None:
            self.tokens.check_chain(issued_at)
        return {
            "conversationId": conv_id,
            "token": self.tokens.issue(conv_id, user_id, user=user, issued_at=issued_at),
            "expires_in": self.tokens.ttl_for(issued_at),
        }

    # -- tokens -------------------------------------------------------------------------------
    async def generate(self, request: web.Request) -> web.Response:
        access = self._access(request)
        if not access.is_secret:
            raise ChannelError(403, "Forbidden", "Generating a token needs the secret.")
        user = (await self._json_body(request)).get("user") or {}
        user_id = user.get("id") if isinstance(user, dict) else None
        if not (isinstance(user_id, str) and user_id.startswith("dl_") and len(user_id) <= 64):
            user_id = None
        await self.limits.token(request, user_id)
        user_id = user_id or new_user_id()
        return web.json_response(self._conversation_body(new_conversation_id(), user_id))

    async def refresh(self, request: web.Request) -> web.Response:
        access = self._access(request)
        if access.is_secret:
            raise ChannelError(403, "Forbidden", "A secret does not expire; nothing to refresh.")
        assert access.conversation_id is not None and access.grant is not None
        await self.limits.token(request, access.user_id)
        token = self.tokens.refresh(access.grant)
        return web.json_response(
            {
                "conversationId": access.conversation_id,
                "token": token,
                "expires_in": self.tokens.ttl_for(access.issued_at),
            }
        )

    # -- conversations -----------------------------------------------------------------------
    async def start(self, request: web.Request) -> web.Response:
        access = self._access(request)
        body = await self._json_body(request)
        if access.is_secret:
            user: dict[str, Any] = body["user"] if isinstance(body.get("user"), dict) else {}
            user_id: str = user["id"] if isinstance(user.get("id"), str) else ""
            conv_id, user_id = new_conversation_id(), (user_id[:64] or new_user_id())
        else:
            assert access.conversation_id is not None and access.user_id is not None
            conv_id, user_id = access.conversation_id, access.user_id
        if await self.channel.conversations.get(conv_id) is None:  # a new one: counted
            await self.limits.conversation(request, user_id)
        conv, created = await self.channel.start(
            conv_id,
            user_id=user_id,
            locale=clean_locale(body.get("locale")),
            service_url=own_service_url(request),
            user=access.user,
        )
        payload = {
            **self._conversation_body(conv.id, conv.user_id, _own(access, conv), access.issued_at),
            "streamUrl": self._stream_url(request, conv, None),
        }
        return web.json_response(payload, status=201 if created else 200)

    async def reconnect(self, request: web.Request) -> web.Response:
        conv_id = request.match_info["conversation_id"]
        access = self._access(request, conv_id)
        conv = await self._conversation(conv_id)
        watermark = request.query.get("watermark") or None
        return web.json_response(
            {
                **self._conversation_body(
                    conv.id, conv.user_id, _own(access, conv), access.issued_at
                ),
                "streamUrl": self._stream_url(request, conv, watermark),
            }
        )

    async def post_activity(self, request: web.Request) -> web.Response:
        conv_id = request.match_info["conversation_id"]
        access = self._access(request, conv_id)
        conv = await self._conversation(conv_id)
        if (request.content_length or 0) > 4 * 256 * 1024:  # UTF-8: at most 4 bytes a char
            raise ChannelError(413, "MessageSizeTooBig", "The activity is too large.")
        try:
            raw = await request.text()
        except (UnicodeDecodeError, ValueError) as exc:
            raise ChannelError(400, "BadArgument", "The body must be UTF-8 JSON.") from exc
        activity_id = await self.channel.post_from_user(
            conv, raw, service_url=own_service_url(request), user=_own(access, conv)
        )
        return web.json_response({"id": activity_id})

    async def get_activities(self, request: web.Request) -> web.Response:
        conv_id = request.match_info["conversation_id"]
        self._access(request, conv_id)
        conv = await self._conversation(conv_id)
        watermark = _watermark(request.query.get("watermark"))
        activities, mark = await self.channel.conversations.since(conv.id, watermark)
        return web.json_response({"activities": activities, "watermark": str(mark)})

    async def upload(self, request: web.Request) -> web.Response:
        self._access(request, request.match_info["conversation_id"])
        raise ChannelError(501, "NotSupported", "This assistant does not take file uploads.")

    # -- the socket -------------------------------------------------------------------------
    async def stream(self, request: web.Request) -> web.StreamResponse:
        conv_id = request.match_info["conversation_id"]
        try:
            grant = self.tokens.verify(request.query.get("t", ""), kind=STREAM)
        except TokenError as exc:
            return error_response(403, exc.code, exc.message)
        if grant.conversation_id != conv_id:
            return error_response(403, "Forbidden", "This token is for another conversation.")
        conv = await self.channel.conversations.get(conv_id)
        if conv is None:
            return error_response(404, "NotFound", GONE)
        try:
            watermark = _watermark(request.query.get("watermark"))
        except ChannelError:
            watermark = None
        ws = web.WebSocketResponse(heartbeat=30.0)
        await ws.prepare(request)
        sockets = self.channel.sockets
        await sockets.attach(conv.id, ws, watermark)
        try:
            async for msg in ws:  # clients only send empty keep-alive frames; nothing to do
                if msg.type == WSMsgType.ERROR:
                    break
        finally:
            sockets.detach(conv.id, ws)
        return ws


def _own(access: Access, conv: ChannelConversation) -> PageUser | None:
    """The token's signed-in user, when the conversation is theirs."""
    if access.user is not None and access.user.user_id == conv.user_id:
        return access.user
    return None


def _watermark(value: str | None) -> int | None:
    if value in (None, "", "-"):
        return None
    try:
        return int(value)
    except ValueError as exc:
        raise ChannelError(
            400, "BadArgument", "The watermark is not one this channel gave."
        ) from exc
