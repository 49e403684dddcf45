"""How the channel talks to the bot: in-process into the CloudAdapter, and back over HTTP.

Inbound, a user's activity goes straight into `adapter.process_activity` with an
`AuthenticateRequestResult` built here, instead of being POSTed to /api/messages with a JWT.
This is what lets one app serve Teams (where /api/messages demands Microsoft's tokens) and the
intranet page (which needs nothing from Azure) at the same time: the activity never crosses the
network, so there is nothing to authenticate, and `/api/messages` stays closed to outsiders.

The turn enters through the app's inbox (bots/inbox.py), the same door as /api/messages: kept
in the store before the page hears its message was sent, leased and renewed while it runs here,
taken over by another instance (or the restart) when this one dies. A taken-over turn gets the
taking instance's own serviceUrl and connector token (`take_over`): the replies of a dead
instance's turn reach the page through the store, whichever instance holds its socket.

Outbound, the bot replies like to any channel: its ConnectorClient POSTs to the activity's
`serviceUrl`, which is this app's own loopback address plus `/webchat-connector/`. The client's
credentials put a per-process random bearer token on those calls, and the connector routes
(`connector.py`) refuse anything without it, so nobody else can speak as the bot.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import requests
from botbuilder.core import CloudAdapterBase
from botbuilder.schema import Activity
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConstants,
    ClaimsIdentity,
    ConnectorFactory,
)
from msrest.authentication import Authentication

from bots.inbox import TurnInbox
from ground.ids import PAGE_CALLER_ID

log = logging.getLogger(__name__)

CONNECTOR_PREFIX = "/webchat-connector"

# How long one reply POST to our own connector routes may take. They only queue the activity,
# so they answer in milliseconds; msrest's default (100 s, with no retry) would let a reply caught
# by a shutdown (its connection accepted just as the listener closed, never answered, never
# closed) hold the process's worker thread, and so the shutdown, for a minute and a half.
REPLY_TIMEOUT_SECONDS = 10.0
# How long a turn taken over at start-up waits for this process to listen (its replies come
# back to its own connector routes, which answer only once the server is up).
LISTEN_WAIT_SECONDS = 60.0


class ChannelCredentials(Authentication):
    """Signs the bot's calls to the channel's connector routes with the process's own token."""

    def __init__(self, token: str) -> None:
        self._token = token

    def signed_session(self, session: requests.Session | None = None) -> requests.Session:
        session = session or requests.Session()
        session.headers["Authorization"] = f"Bearer {self._token}"
        return session


class _LocalConnectorFactory(ConnectorFactory):
    """Hands the adapter one ConnectorClient per serviceUrl (there is only ever ours)."""

    def __init__(self, credentials: ChannelCredentials, timeout: float) -> None:
        self._credentials = credentials
        self._timeout = timeout
        self._clients: dict[str, ConnectorClient] = {}

    async def create(self, service_url: str, audience: str | None = None) -> ConnectorClient:
        client = self._clients.get(service_url)
        if client is None:
            client = self._clients[service_url] = ConnectorClient(
                self._credentials, base_url=service_url
            )
            # The channel is this very process: a refused connection means it is shutting down,
            # and retrying with backoff would only hold the shutdown up.
            client.config.retry_policy.retries = 0
            client.config.connection.timeout = self._timeout
        return client

    async def close(self) -> None:
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.__aexit__(None, None, None)


class BotBridge:
    """Delivers channel activities to the bot; knows the token its replies must carry."""

    def __init__(
        self,
        *,
        adapter: CloudAdapterBase,
        bot: Callable[[], Any],
        app_id: str = "",
        connector_token: str | None = None,
        reply_timeout: float = REPLY_TIMEOUT_SECONDS,
        inbox: TurnInbox | None = None,
        service_url: str = "",
    ) -> None:
        """`inbox`: the app's (None: turns run inline, as `deliver`). `service_url`: this
        process's own connector address, for turns taken over before any page called it (the
        address a page's request arrived on replaces it)."""
        self._adapter = adapter
        self._bot = bot
        self._app_id = app_id
        self.connector_token = connector_token or secrets.token_urlsafe(32)
        self._factory = _LocalConnectorFactory(
            ChannelCredentials(self.connector_token), reply_timeout
        )
        self._inbox = inbox
        self.service_url = service_url
        if inbox is not None:
            inbox.add_door(PAGE_CALLER_ID, self.take_over)

    def _auth_result(self) -> AuthenticateRequestResult:
        result = AuthenticateRequestResult()
        # The same claims the SDK gives an authenticated channel call for this bot, so the
        # turn (and anything it reads from the identity) looks like any other channel's.
        result.claims_identity = ClaimsIdentity(
            {
                AuthenticationConstants.AUDIENCE_CLAIM: self._app_id,
                AuthenticationConstants.APP_ID_CLAIM: self._app_id,
            },
            True,
            "webchat-local",
        )
        result.audience = AuthenticationConstants.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE
        # Never what the SDK computes for a request to /api/messages (it overwrites caller_id
        # on every activity it authenticates), so the access policy can tell this channel's
        # turns, and the identity they carry, from anyone else's.
        result.caller_id = PAGE_CALLER_ID
        result.connector_factory = self._factory
        return result

    async def deliver(self, activity: dict[str, Any]) -> None:
        """Run one bot turn for `activity`; its replies arrive at the connector routes before
        this returns. Raises whatever the turn raised (the caller answers 502)."""
        bot = self._bot()
        await self._adapter.process_activity(
            self._auth_result(), Activity().deserialize(activity), bot.on_turn
        )

    async def accept(self, activity: dict[str, Any]) -> asyncio.Task[None] | None:
        """Hand the turn of `activity` to the inbox; once this returns it is in the store. The
        turn's task when it runs here (None: another live instance has it in hand)."""
        if isinstance(activity.get("serviceUrl"), str):
            self.service_url = activity["serviceUrl"]
        if self._inbox is None:
            return asyncio.get_running_loop().create_task(self.deliver(activity))
        return await self._inbox.accept(
            activity, Activity().deserialize(activity), self._auth_result()
        )

    async def take_over(self, activity: Activity) -> AuthenticateRequestResult:
        """Ready a turn another instance (or this process's previous run) accepted: replies to
        this process, once it listens."""
        if self.service_url:
            activity.service_url = self.service_url
            await _listening(self.service_url, LISTEN_WAIT_SECONDS)
        return self._auth_result()

    async def close(self) -> None:
        await self._factory.close()


async def _listening(url: str, within: float) -> None:
    """Return once something accepts connections at `url`'s host and port."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    deadline = time.monotonic() + within
    while True:
        try:
            _, writer = await asyncio.open_connection(host, port)
        except OSError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.1)
            continue
        writer.close()
        await writer.wait_closed()
        return
