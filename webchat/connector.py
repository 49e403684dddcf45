"""The connector API the bot replies to, served under `/webchat-connector/` (the serviceUrl the
channel puts on every activity it hands the bot):

    POST   /webchat-connector/v3/conversations/{id}/activities              sendToConversation
    POST   /webchat-connector/v3/conversations/{id}/activities/{replyToId}   replyToActivity
    PUT    /webchat-connector/v3/conversations/{id}/activities/{activityId}  updateActivity
    DELETE /webchat-connector/v3/conversations/{id}/activities/{activityId}  (accepted, ignored)

Only the bot's own ConnectorClient knows the bearer token these need (see bridge.py); anyone
else gets 401, so nobody can put words in the bot's mouth. The prefix keeps these apart from
`/v3/directline/...`, which is the client side of the channel.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable
from typing import Any

from aiohttp import web

from ground.json_input import loads_limited
from webchat.bridge import CONNECTOR_PREFIX
from webchat.channel import ChannelError, DirectLineChannel


class ConnectorApi:
    def __init__(self, *, channel: DirectLineChannel, token: str) -> None:
        self.channel = channel
        self._expected = f"Bearer {token}".encode()

    def routes(self) -> list[web.RouteDef]:
        base = f"{CONNECTOR_PREFIX}/v3/conversations/{{conversation_id}}/activities"
        return [
            web.post(base, self.send),
            web.post(f"{base}/{{activity_id}}", self.send),
            web.put(f"{base}/{{activity_id}}", self.update),
            web.delete(f"{base}/{{activity_id}}", self.delete),
        ]

    def _check(self, request: web.Request) -> None:
        given = request.headers.get("Authorization", "").encode()
        if not hmac.compare_digest(given, self._expected):
            raise web.HTTPUnauthorized(
                text='{"error":{"code":"Unauthorized","message":"Not the bot."}}',
                content_type="application/json",
            )

    async def _body(self, request: web.Request) -> dict[str, Any]:
        try:
            body = loads_limited(await request.read())
        except ValueError as exc:
            raise web.HTTPBadRequest(text="activity JSON expected") from exc
        if not isinstance(body, dict):
            raise web.HTTPBadRequest(text="activity JSON expected")
        return body

    async def send(self, request: web.Request) -> web.Response:
        self._check(request)
        body = await self._body(request)
        return await self._answer(
            self.channel.post_from_bot(
                request.match_info["conversation_id"],
                body,
                reply_to=request.match_info.get("activity_id"),
            )
        )

    async def update(self, request: web.Request) -> web.Response:
        self._check(request)
        body = await self._body(request)
        return await self._answer(
            self.channel.post_from_bot(
                request.match_info["conversation_id"],
                body,
                update_of=request.match_info["activity_id"],
            )
        )

    async def delete(self, request: web.Request) -> web.Response:
        self._check(request)
        return web.json_response({})

    @staticmethod
    async def _answer(pending: Awaitable[str]) -> web.Response:
        try:
            activity_id = await pending
        except ChannelError as exc:
            return web.json_response(
                {"error": {"code": exc.code, "message": exc.message}}, status=exc.status
            )
        return web.json_response({"id": activity_id})
