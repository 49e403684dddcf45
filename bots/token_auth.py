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
HubSpot call for as long as login.botframework.com takes to answer. So each check runs on one
worker thread with an event loop of its own, kept for the process (a fresh `asyncio.run` per
check cost about a millisecond a turn). Nothing in the check touches the app's loop: it
validates a JWT and builds plain objects (claims, a connector factory) that the adapter then
uses on the app's loop.

And the connector clients the bot replies through are kept, one per app id, service URL and
audience: the SDK builds a new one for every turn, and building one (msrest's retry policy
above all) cost about 7 ms of event-loop time, twice a turn.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar, cast

import requests
from aiohttp import web
from botbuilder.schema import Activity
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConstants,
    BotFrameworkAuthentication,
    ClaimsIdentity,
    ConnectorFactory,
    UserTokenClient,
)
from botframework.connector.skills import BotFrameworkClient

log = logging.getLogger(__name__)

T = TypeVar("T")
MAX_HEADER_CHARS = 16 * 1024  # a Bot Framework JWT is 1-2 KB
MAX_KEPT_CLIENTS = 256  # distinct (app id, service URL, audience): a handful in practice


class _WorkerLoop:
    """An event loop on a daemon thread of its own: the SDK's checks may block there without
    stalling the app. Started on first use."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()

    def _started(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                threading.Thread(
                    target=loop.run_forever, name="bot-token-checks", daemon=True
                ).start()
                self._loop = loop
            return self._loop

    async def run(self, check: Callable[[], Coroutine[Any, Any, T]]) -> T:
        future = asyncio.run_coroutine_threadsafe(check(), self._started())
        return await asyncio.wrap_future(future)


_worker = _WorkerLoop()


async def _off_loop(check: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run the SDK coroutine `check()` to completion on the worker loop (see the docstring)."""
    return await _worker.run(check)


class _KeptConnectorFactory(ConnectorFactory):
    """The SDK's factory for one identity, handing out the clients kept in `clients`."""

    def __init__(
        self, inner: ConnectorFactory, identity: str, clients: OrderedDict[tuple[str, ...], Any]
    ) -> None:
        self._inner = inner
        self._identity = identity
        self._clients = clients

    async def create(self, service_url: str, audience: str | None = None) -> ConnectorClient:
        key = (self._identity, service_url, audience or "")
        client = self._clients.get(key)
        if client is None:
            client = self._clients[key] = await self._inner.create(service_url, audience)
            while len(self._clients) > MAX_KEPT_CLIENTS:
                self._clients.popitem(last=False)
        self._clients.move_to_end(key)
        return client


def _identity(claims_identity: ClaimsIdentity) -> str:
    """What the SDK derives a caller's outgoing credentials from: who the token was for and by."""
    claims = claims_identity.claims or {}
    return "|".join(
        str(claims.get(k, ""))
        for k in (
            AuthenticationConstants.AUDIENCE_CLAIM,
            AuthenticationConstants.APP_ID_CLAIM,
            AuthenticationConstants.AUTHORIZED_PARTY,
        )
    )


class StrictTokenAuthentication(BotFrameworkAuthentication):
    """The SDK's Bot Framework authentication, with every invalid token answered by a 401 and
    the token check kept off the event loop."""

    def __init__(self, inner: BotFrameworkAuthentication) -> None:
        self._inner = inner
        self._clients: OrderedDict[tuple[str, ...], Any] = OrderedDict()

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
        inner = self._inner.create_connector_factory(claims_identity)
        return _KeptConnectorFactory(inner, _identity(claims_identity), self._clients)

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        """Kept like the connector clients (the SDK makes one per turn, unused by this bot)."""
        key = ("user-token", _identity(claims_identity))
        client = self._clients.get(key)
        if client is None:
            client = self._clients[key] = await self._inner.create_user_token_client(
                claims_identity
            )
        return cast(UserTokenClient, client)

    def create_bot_framework_client(self) -> BotFrameworkClient:
        return self._inner.create_bot_framework_client()

    def get_originating_audience(self) -> str:
        audience: str = self._inner.get_originating_audience()
        return audience


async def token_before_body(request: web.Request, auth: BotFrameworkAuthentication) -> None:
    """With an app id set, the Authorization header is checked before the body is read: a 401
    (closing the connection, so the body is never read at all) for a missing or invalid token.

    Why first: aiohttp buffers a body whole when it is read (up to the app's 16 MiB limit), and
    the SDK wants the activity before it looks at the token; 32 anonymous 15 MB POSTs at once
    took the process from 95 MB to over 1 GB. The token alone is checked here as a channel's
    (or the Emulator's) token for this bot; the full check, against the activity's channel and
    service URL, still runs once the activity is read."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    try:
        if scheme.lower() != "bearer" or not token.strip() or len(header) > MAX_HEADER_CHARS:
            raise PermissionError("no bearer token")
        # An activity with no channel and no service URL: the token's signature, issuer,
        # audience and lifetime are checked, its endorsements and service URL claim wait for
        # the activity (an empty channel id asks for no endorsement).
        await auth.authenticate_request(Activity(), header)
    except PermissionError as exc:
        log.warning("refused a request before reading it: %s", exc)
        refused = web.HTTPUnauthorized(text="A valid Bot Framework token is required.")
        refused.force_close()  # the unread body goes with the connection
        raise refused from None
