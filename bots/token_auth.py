"""The transport check in front of the bot: only activities with a valid Bot Framework token.

`StrictTokenAuthentication` wraps the SDK's token check for two reasons.

Every token it cannot validate must be a 401. The SDK itself turns only some failures into
`PermissionError` (a missing header on its parameterized path, an expired token, a bad
signature, an unknown key id or an unendorsed channel escape as other exceptions, which aiohttp
would answer with a 500 and a traceback in the log). When the signing keys cannot be fetched the
request may be fine, so that one is a 503 and the channel retries.

The check must not block the event loop. The SDK fetches the OpenID metadata and signing keys
with synchronous `requests.get` (no timeout) inside its async validation, on the first request
and then once a day; on the loop that would stall every conversation, Web Chat socket and
HubSpot call for as long as login.botframework.com takes to answer. So each check runs on a
worker thread, in an event loop of its own. Nothing in the check touches the app's loop: it
validates a JWT and builds plain objects (claims, a connector factory) that the adapter then
uses on the app's loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import requests
from aiohttp import web
from botbuilder.schema import Activity
from botframework.connector.auth import (
    AuthenticateRequestResult,
    BotFrameworkAuthentication,
    ClaimsIdentity,
    ConnectorFactory,
    UserTokenClient,
)
from botframework.connector.skills import BotFrameworkClient

log = logging.getLogger(__name__)

T = TypeVar("T")


def _run_in_worker_loop(check: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Called on a worker thread: the SDK's check may block here without stalling the app."""
    return asyncio.run(check())


async def _off_loop(check: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run the SDK coroutine `check()` to completion on a worker thread (see the docstring)."""
    return await asyncio.to_thread(_run_in_worker_loop, check)


class StrictTokenAuthentication(BotFrameworkAuthentication):
    """The SDK's Bot Framework authentication, with every invalid token answered by a 401 and
    the token check kept off the event loop."""

    def __init__(self, inner: BotFrameworkAuthentication) -> None:
        self._inner = inner

    async def _checked(
        self,
        check: Callable[[], Coroutine[Any, Any, AuthenticateRequestResult]],
    ) -> AuthenticateRequestResult:
        try:
            result = await _off_loop(check)
        except PermissionError as exc:
            log.warning("refused a request: %s", exc)
            raise
        except requests.RequestException as exc:
            log.error("could not fetch the Bot Framework signing keys: %s", type(exc).__name__)
            raise web.HTTPServiceUnavailable(text="Cannot validate tokens right now.") from exc
        except Exception as exc:  # the SDK's other token failures (see the module docstring)
            log.warning("refused a request: invalid token (%s)", type(exc).__name__)
            raise PermissionError("invalid token") from exc
        if result is None or result.claims_identity is None:
            raise PermissionError("no identity")
        return result

    async def authenticate_request(
        self, activity: Activity, auth_header: str
    ) -> AuthenticateRequestResult:
        return await self._checked(lambda: self._inner.authenticate_request(activity, auth_header))

    async def authenticate_streaming_request(
        self, auth_header: str, channel_id_header: str
    ) -> AuthenticateRequestResult:
        return await self._checked(
            lambda: self._inner.authenticate_streaming_request(auth_header, channel_id_header)
        )

    async def authenticate_channel_request(self, auth_header: str) -> ClaimsIdentity:
        try:
            return await _off_loop(lambda: self._inner.authenticate_channel_request(auth_header))
        except PermissionError:
            raise
        except Exception as exc:
            raise PermissionError("invalid token") from exc

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        return self._inner.create_connector_factory(claims_identity)

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        return await self._inner.create_user_token_client(claims_identity)

    def create_bot_framework_client(self) -> BotFrameworkClient:
        return self._inner.create_bot_framework_client()

    def get_originating_audience(self) -> str:
        audience: str = self._inner.get_originating_audience()
        return audience
