"""The built-in Direct Line 3.0 channel, the Web Chat page and its sign-in: the top of the
stack with app.py; may import everything below. Only bridge.py uses the Bot Framework SDK.

    page (browser) --Direct Line 3.0 REST + WebSocket--> directline.py --> channel.py
        channel.py --in-process CloudAdapter turn (bridge.py)--> the bot
        the bot --ConnectorClient HTTP to /webchat-connector/ (connector.py)--> channel.py
        channel.py --watermarked ActivitySets--> GET activities / the socket --> page

Nothing here needs Azure: the channel is the Direct Line service, in this process. Conversations
and their activities live in the app's store (SQLite by default, PostgreSQL with DATABASE_URL)
and tokens are signed with a key every instance shares, so a restart or another instance behind
the load balancer carries an open chat on.

Who the page's users are comes from sign-in (signin.py: OpenID Connect, or a trusted proxy's
header): their Direct Line token carries it, and the channel stamps it on every activity.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bots.inbox import TurnInbox
from config import Settings
from store.base import SharedRates, Store
from webchat.bridge import BotBridge
from webchat.channel import DirectLineChannel
from webchat.connector import ConnectorApi
from webchat.conversations import ConversationLog
from webchat.directline import DirectLineApi, service_url_at
from webchat.limits import StartLimits
from webchat.page import WebChatPage, policy_on_every_page
from webchat.sessions import SESSION_KEY_NAME
from webchat.signin import SignIn
from webchat.tokens import TokenSigner, signing_key

DEFAULT_BOT_ID = "contact-assistant"


@dataclass
class WebChat:
    """What setup() built; kept on the app under WEBCHAT_KEY (tests mint tokens with it)."""

    channel: DirectLineChannel
    tokens: TokenSigner
    bridge: BotBridge
    signin: SignIn
    limits: StartLimits


WEBCHAT_KEY = web.AppKey("webchat", WebChat)


def setup(
    app: web.Application,
    *,
    settings: Settings,
    adapter: Any,
    bot: Callable[[], Any],
    store: Store,
    inbox: TurnInbox | None = None,
    token_ttl_seconds: int = 1800,
) -> WebChat:
    """Add the page, the Direct Line API and the connector routes to `app`.

    `adapter` is the app's CloudAdapter (the same one /api/messages uses); `bot` returns the
    bot once the app has started; `store` is the app's, opened by the app before this part's
    own start-up step (which fetches the shared token key) runs. `inbox` is the app's door for
    turns (bots/inbox.py): a page's turns enter there, as /api/messages's do."""
    settings.check_webchat()  # Settings built by hand (tests) get the check from_env makes
    tokens = TokenSigner(
        ttl_seconds=token_ttl_seconds,
        max_lifetime_seconds=settings.webchat_token_max_lifetime_hours * 3600,
    )
    signin = SignIn(settings)
    # With PostgreSQL the limits are counted in the store, for every instance at once.
    shared = store if isinstance(store, SharedRates) else None
    limits = StartLimits(
        tokens_per_minute=settings.webchat_tokens_per_minute,
        conversations_per_minute=settings.webchat_conversations_per_minute,
        address_per_minute=settings.webchat_address_per_minute,
        trusted_proxies=settings.webchat_trusted_proxies,
        shared=shared,
    )
    bridge = BotBridge(
        adapter=adapter,
        bot=bot,
        app_id=settings.app_id,
        inbox=inbox,
        service_url=service_url_at(settings.bind_host, settings.port),
    )
    conversations = ConversationLog(
        store,
        max_conversations=settings.webchat_max_conversations,
        active_seconds=settings.webchat_active_minutes * 60,
    )
    channel = DirectLineChannel(
        bridge=bridge,
        conversations=conversations,
        bot_id=settings.app_id or DEFAULT_BOT_ID,
        max_message_chars=settings.max_message_chars,
        messages_per_minute=settings.messages_per_minute,
        shared_rates=shared,
        answer_seconds=settings.turn_answer_seconds,
    )
    api = DirectLineApi(
        channel=channel,
        tokens=tokens,
        secret=settings.directline_secret,
        public_base_path=settings.public_base_path,
        limits=limits,
    )
    page = WebChatPage(
        tokens=tokens, signin=signin, open_to_all=settings.webchat_page_open, limits=limits
    )
    routes = ConnectorApi(channel=channel, token=bridge.connector_token).routes()
    for base in dict.fromkeys(["", settings.public_base_path]):
        routes += api.routes(base) + page.routes(base) + signin.routes(base)
    app.add_routes(routes)
    webchat = WebChat(channel=channel, tokens=tokens, bridge=bridge, signin=signin, limits=limits)
    app[WEBCHAT_KEY] = webchat

    async def start(app: web.Application) -> None:
        tokens.rekey(await signing_key(settings.directline_secret, store))
        if signin.mode:
            signin.cookies.rekey(await store.secret(SESSION_KEY_NAME))

    async def close(app: web.Application) -> None:
        await channel.close()
        await signin.close()

    app.on_startup.append(start)
    app.on_shutdown.append(close)
    app.on_response_prepare.append(policy_on_every_page)
    return webchat
