"""Entry point: read Settings once, build the collaborators, wire the routes. No logic lives here.

    POST /api/messages   Bot Framework activities (Teams, Emulator, the local Web Chat channel);
                         answered once accepted, the turn going on in the background
    GET  /healthz        liveness
    GET  /readyz         readiness: 503 while starting, or while the store (PostgreSQL) cannot
                         be reached
    /  and /v3/...       the Web Chat page and its Direct Line 3.0-compatible channel (webchat/),
                         whose activities enter the same inbox, adapter and bot in-process

With no HUBSPOT_ACCESS_TOKEN the app starts `hubspot_local` on its own loopback-only listener
(even when the bot itself listens publicly) and points the official SDK at it with a random
bearer token, so the local contacts API is never open to the network.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from dataclasses import dataclass
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)
from botframework.connector.auth import BotFrameworkAuthentication
from openai import AsyncOpenAI

import webchat
from agent.client import build_client, model_name
from agent.loop import ContactAgent
from agent.memory import Encoding, Utf8Bytes, load_encoding
from bots import ContactBot, StoreStorage
from bots.failures import on_turn_error, read_activity, store_unavailable
from bots.inbox import InboxSettings, TurnInbox
from bots.local_mode import loopback_host_only
from bots.starting import BackgroundStart, keep_state
from bots.storage import ThreadedConversationState
from bots.token_auth import StrictTokenAuthentication, token_before_body
from config import Settings
from contacts.budget import BudgetLimits, RequestBudget
from contacts.hubspot import HubSpotAdapter
from contacts.hubspot_rules import PortalRulesCache, rules_reader
from contacts.links import RecordLinks
from contacts.service import ContactsService
from flows.settle import Settler
from flows.settle_sweep import SettleSweep
from flows.writes import WriteLedger
from hubspot_local.embedded import start_embedded
from hubspot_local.server import RunningHubSpot
from store import Store, open_store

log = logging.getLogger("contact_assistant")

# Teams caps messages far below this; the Bot Framework SDK default (1 MiB) would answer an
# oversized message with a bare 413 that no user ever sees. Parse it, and let the bot say why.
MAX_ACTIVITY_BYTES = 16 * 1024 * 1024

SETTINGS_KEY = web.AppKey("settings", Settings)
ADAPTER_KEY = web.AppKey("adapter", CloudAdapter)
STORE_KEY = web.AppKey("store", Store)
BOT_KEY = web.AppKey("bot", ContactBot)
CONTACTS_KEY = web.AppKey("contacts", ContactsService)
HUBSPOT_LOCAL_KEY = web.AppKey("hubspot_local", RunningHubSpot)
INBOX_KEY = web.AppKey("inbox", TurnInbox)
STARTING_KEY = web.AppKey("starting", BackgroundStart)
SWEEP_KEY = web.AppKey("settle_sweep", SettleSweep)


@dataclass(frozen=True)
class _BotFrameworkConfig:
    """The attribute names ConfigurationBotFrameworkAuthentication reads."""

    APP_ID: str
    APP_PASSWORD: str
    APP_TYPE: str
    APP_TENANTID: str
    TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL: str | None = None
    TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL: str | None = None
    TO_BOT_FROM_CHANNEL_TOKEN_ISSUER: str | None = None


def bot_framework_auth(
    settings: Settings, *, credentials_factory: object | None = None, **overrides: str
) -> BotFrameworkAuthentication:
    """The SDK's authentication; every token it cannot validate answers 401 (bots/token_auth.py).
    `credentials_factory` replaces the outgoing (bot -> channel) credentials, for tests."""
    cfg = _BotFrameworkConfig(
        APP_ID=settings.app_id,
        APP_PASSWORD=settings.app_password,
        APP_TYPE=settings.app_type,
        APP_TENANTID=settings.app_tenant_id,
        **overrides,
    )
    return StrictTokenAuthentication(
        ConfigurationBotFrameworkAuthentication(cfg, credentials_factory=credentials_factory)
    )


def create_app(
    settings: Settings,
    *,
    openai_client: AsyncOpenAI | None = None,
    store: Store | None = None,
    auth: BotFrameworkAuthentication | None = None,
    background_start: bool = False,
) -> web.Application:
    """Build the aiohttp app. Tests pass `store` (memory), `openai_client` (a scripted
    server) and `auth` (a BotFrameworkAuthentication pointed at a local OpenID server).
    `background_start` (the served app, `main`): listen at once and start behind, answering
    503 until started (bots/starting.py), so waiting for PostgreSQL does not keep the port shut."""
    local_only = not settings.app_id and not settings.allow_remote
    app = web.Application(
        client_max_size=MAX_ACTIVITY_BYTES,
        middlewares=[*([loopback_host_only] if local_only else []), store_unavailable],
    )
    starting = BackgroundStart(always_open={"/healthz", "/readyz"}) if background_start else None
    if starting is not None:
        app.middlewares.append(starting.middleware)
        app[STARTING_KEY] = starting
    app[SETTINGS_KEY] = settings
    adapter = CloudAdapter(auth or bot_framework_auth(settings))
    adapter.on_turn_error = on_turn_error  # no traceback in the log or the chat
    app[ADAPTER_KEY] = adapter
    store = store if store is not None else open_store(settings)
    app[STORE_KEY] = store
    conversation_state = ThreadedConversationState(StoreStorage(store))
    client = openai_client if openai_client is not None else build_client(settings)
    inbox = app[INBOX_KEY] = TurnInbox(
        adapter=adapter,
        bot=lambda: app[BOT_KEY],
        store=store,
        settings=InboxSettings(
            answer_seconds=settings.turn_answer_seconds,
            lease_seconds=settings.turn_lease_seconds,
            max_running=settings.max_background_turns,
        ),
        exclusive=not settings.database_url,  # SQLite and memory have one process
    )

    async def start_collaborators(app: web.Application) -> None:
        await store.open()
        if settings.local_hubspot:
            local = await start_embedded(settings)
            keep_state(app, HUBSPOT_LOCAL_KEY, local)
            # The embedded API does not throttle: a budget for HubSpot would only slow it.
            token, host, budget = local.token, local.url, RequestBudget.off()
        else:
            token, host = settings.hubspot_access_token, settings.hubspot_base_url
            budget = RequestBudget(BudgetLimits.for_tier(settings.hubspot_tier))
        hubspot = HubSpotAdapter(
            token, host=host, budget=budget, max_workers=settings.hubspot_threads
        )
        # "Open in HubSpot": the account's portal and UI domain, read once, in the background.
        links = RecordLinks(hubspot.account_info, api_scheme=urlsplit(host).scheme or "https")
        links.start()
        contacts = ContactsService(
            hubspot,
            default_region=settings.default_phone_region,
            action_seconds=settings.hubspot_action_seconds,
            links=links,
            # The portal's validation rules, read once and cached (issue 28).
            rules=PortalRulesCache(rules_reader(hubspot)),
            leases=store,  # the claim on a new contact's email, across instances (issue 23)
        )
        keep_state(app, CONTACTS_KEY, contacts)
        # The tokenizer's tables take about a second to load and most of the app's memory: only
        # with a model, once, off the event loop. Guided mode sizes its window in UTF-8 bytes,
        # an upper bound on tokens.
        encoding: Encoding = (
            await asyncio.to_thread(load_encoding) if client is not None else Utf8Bytes()
        )
        agent = None
        if client is not None:
            agent = ContactAgent(
                client,
                model=model_name(settings),
                contacts=contacts,
                timeout_seconds=settings.model_timeout_seconds,
                encoding=encoding,
            )
        bot = ContactBot(
            conversation_state=conversation_state,
            contacts=contacts,
            store=store,
            settings=settings,
            encoding=encoding,
            agent=agent,
        )
        keep_state(app, BOT_KEY, bot)
        await inbox.start()  # last: what a dead instance left needs the bot
        # Writes left "attempted" or "may have been written": HubSpot read, the record resolved.
        ledger = WriteLedger(store)
        sweep = SettleSweep(
            store=store,
            settler=Settler(contacts=contacts, ledger=ledger),
            action_seconds=contacts.action_seconds,
        )
        keep_state(app, SWEEP_KEY, sweep)
        sweep.start()

    async def finish_turns(app: web.Application) -> None:
        await inbox.close()  # while the store, HubSpot and the channels are still there
        sweep = app.get(SWEEP_KEY)
        if sweep is not None:
            await sweep.close()

    async def stop_collaborators(app: web.Application) -> None:
        local = app.get(HUBSPOT_LOCAL_KEY)
        if local is not None:
            await local.close()
        contacts = app.get(CONTACTS_KEY)
        if contacts is not None:
            if contacts.links is not None:
                await contacts.links.aclose()
            await contacts.aclose()
        if openai_client is None and client is not None:
            await client.close()  # ours to close; a client passed in is its owner's
        await store.close()

    app.on_startup.append(start_collaborators)
    app.on_shutdown.append(finish_turns)
    app.on_cleanup.append(stop_collaborators)

    async def messages(request: web.Request) -> web.StreamResponse:
        """Answered as soon as the activity is accepted (bots/inbox.py); invokes inline."""
        if settings.app_id:  # no token, no body read (bots/token_auth.py)
            await token_before_body(request, adapter.bot_framework_authentication)
        read = await read_activity(request)
        if isinstance(read, web.Response):
            return read
        return await inbox.process(request, *read)

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def readyz(request: web.Request) -> web.Response:
        """Whether this instance can take turns now: started, and its store is reachable."""
        if starting is not None and not starting.started:
            return web.json_response({"status": "starting"}, status=503)
        if await store.reachable():
            return web.json_response({"status": "ready"})
        return web.json_response({"status": "store unreachable"}, status=503)

    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    # After start_collaborators in on_startup: the store is open when the channel starts.
    webchat.setup(
        app,
        settings=settings,
        adapter=adapter,
        bot=lambda: app[BOT_KEY],
        store=store,
        inbox=inbox,
    )
    if starting is not None:
        starting.take_over(app)  # last: every start-up step above runs after the server listens
    return app


class _PathOnlyAccessLogger(AbstractAccessLogger):
    """Method, path, status and time, never the query string: Web Chat stream URLs carry a
    token in `?t=`, and secrets never reach the log."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info("%s %s %s %.3fs", request.method, request.path, response.status, time)


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    settings = Settings.from_env()
    host = settings.bind_host
    if not settings.app_id:
        log.warning(
            "No MicrosoftAppId: local mode without authentication, listening on %s only%s.",
            host,
            "" if host.startswith("127.") else " (ALLOW_REMOTE is set)",
        )
    log.info(
        "HubSpot: %s",
        "local contacts API (no HUBSPOT_ACCESS_TOKEN)"
        if settings.local_hubspot
        else settings.hubspot_base_url,
    )
    log.info(
        "Model: %s",
        "configured"
        if settings.model_configured
        else "none (guided mode: cards and typed commands)",
    )
    base = f"http://{'localhost' if host.startswith('127.') else host}:{settings.port}"
    print(
        f"\nHubSpot Contact Assistant is running.\n"
        f"  Chat in your browser:        open {base}{settings.public_base_path}/\n"
        f"  Bot Framework Emulator:      {base}/api/messages (no app id / password)\n",
        flush=True,
    )
    app = create_app(settings, background_start=True)
    app[STARTING_KEY].exit_on_failure = True  # a start-up that cannot succeed ends the process
    web.run_app(
        app,
        host=host,
        port=settings.port,
        print=None,
        access_log_class=_PathOnlyAccessLogger,
    )


if __name__ == "__main__":
    main(sys.argv[1:])
