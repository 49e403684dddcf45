"""The Direct Line channel's rules, apart from HTTP: start a conversation, take a user's
activity, take the bot's reply. `directline.py` and `connector.py` are the thin HTTP faces.

What a user posts is stamped the way Direct Line stamps it (id, timestamp, channelId,
`from` forced to the token's user, the conversation's locale when the client sent none); for a
signed-in user `from` also carries their name and, in `from.properties`, email, tenant and
subject (webchat/identity.py), whatever the client put there,
echoed into the conversation's history, then handed to the bot through the app's inbox
(bridge.py): the POST is answered with the activity's id once both are in the store, so a turn
whose instance dies is taken over and its page still gets the reply. A client posting again
what it posted before (the same `channelData.clientActivityID`, as Web Chat does when a POST
failed) gets the first post's id, and the message is neither shown nor run twice. The bot runs
one conversation's turns one at a time, across instances (bots/contact_bot.py), so a
double-clicked card button cannot race its own first click. Refusals (size, rate) are
ChannelErrors with the Direct Line ErrorResponse code, plus a notice in the chat.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import re
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ground.json_input import InvalidUnicode, check_unicode, loads_limited
from ground.locks import KeyedLocks
from store.base import ChannelConversation, ChannelFull, SharedRates, channel_activity_id
from webchat.bridge import BotBridge
from webchat.conversations import ConversationLog, Sockets
from webchat.identity import PageUser
from webchat.notices import notice
from webchat.rates import MessageRates

log = logging.getLogger(__name__)

CHANNEL_ID = "directline"
MAX_ACTIVITY_CHARS = 256 * 1024  # Direct Line's own limit on a serialized activity
# Where a page's activity may hold a lone surrogate (what the user typed, a card's values): the
# bot names the problem. Anywhere else the post is refused (ground/json_input.py).
TYPED_FIELDS = frozenset({"text", "value", "attachments", "channelData"})
BOT_NAME = "Contact Assistant"
# What a client hears about a conversation the channel no longer has: most often one dropped
# after being idle, to make room for others (webchat/conversations.py).
GONE = (
    "This chat has expired (it was idle and ended to make room for others, or the server no "
    "longer has it). Start a new chat."
)
# How long a page's POST waits for its turn before it is answered (the answer never waits for
# more than the message being in the store; waiting for the turn too only makes the reply come
# before the answer, as some clients expect). Below DirectLineJS's 20 s request timeout.
MAX_ANSWER_SECONDS = 15.0
MAX_CLIENT_ID_CHARS = 200
_LOCALE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$")


@dataclass
class ChannelError(Exception):
    status: int
    code: str
    message: str
    headers: dict[str, str] = field(default_factory=dict)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def clean_locale(value: Any) -> str | None:
    """A BCP 47-looking tag, or None: the locale reaches the bot and the cards, keep it tame."""
    return value if isinstance(value, str) and _LOCALE.match(value) else None


def user_account(user_id: str, user: PageUser | None, name: Any = None) -> dict[str, Any]:
    """`from` for a user's activity: the token's user, and only a signed-in user's own name
    and identity (an anonymous client may still name itself, as Direct Line lets it)."""
    account: dict[str, Any] = {"id": user_id, "role": "user"}
    if user is not None:
        if user.name:
            account["name"] = user.name
        account["properties"] = user.properties()
    elif isinstance(name, str):
        account["name"] = name
    return account


def client_activity_id(body: dict[str, Any]) -> str | None:
    """The id the client gave its activity (Web Chat's `channelData.clientActivityID`, the same
    when it posts the activity again), or None."""
    data = body.get("channelData")
    found = data.get("clientActivityID") if isinstance(data, dict) else None
    if isinstance(found, str) and 0 < len(found) <= MAX_CLIENT_ID_CHARS:
        return found
    return None


def new_user_id() -> str:
    return f"dl_{secrets.token_urlsafe(12)}"


def new_conversation_id() -> str:
    return secrets.token_urlsafe(18)


class DirectLineChannel:
    def __init__(
        self,
        *,
        bridge: BotBridge,
        conversations: ConversationLog,
        bot_id: str,
        max_message_chars: int,
        messages_per_minute: int,
        clock: Callable[[], float] = time.monotonic,
        shared_rates: SharedRates | None = None,
        answer_seconds: float = 0.0,
    ) -> None:
        """`answer_seconds`: how long a page's POST waits for its turn (TURN_ANSWER_SECONDS,
        at most MAX_ANSWER_SECONDS) before it is answered anyway."""
        self.bridge = bridge
        self.conversations = conversations
        self.sockets = Sockets(conversations)
        self.bot_account = {"id": bot_id, "name": BOT_NAME, "role": "bot"}
        self.max_message_chars = max_message_chars
        self.messages_per_minute = messages_per_minute
        self.rates = MessageRates(messages_per_minute, shared=shared_rates)
        self._clock = clock
        self.answer_seconds = min(answer_seconds, MAX_ANSWER_SECONDS)
        self._posting = KeyedLocks()
        self._tasks: set[asyncio.Task[None]] = set()

    # -- conversations --------------------------------------------------------------------------
    async def start(
        self,
        conversation_id: str,
        *,
        user_id: str,
        locale: str | None,
        service_url: str,
        user: PageUser | None = None,
    ) -> tuple[ChannelConversation, bool]:
        """The conversation, and whether it was created now (then the bot hears of the user
        joining, in the background, so the welcome card is on its way before the socket opens).
        Two instances starting the same one at once create it once, and welcome once."""
        conv = await self.conversations.get(conversation_id)
        if conv is not None:
            return conv, False
        conv = ChannelConversation(conversation_id, user_id, locale)
        try:
            created = await self.conversations.start(conv)
        except ChannelFull as exc:
            log.warning("new conversation refused: %s", exc)
            raise ChannelError(
                503,
                "ServiceUnavailable",
                "The chat is full: every conversation it can keep is in use. Try again in a "
                "few minutes.",
                {"Retry-After": "60"},
            ) from exc
        if not created:
            found = await self.conversations.get(conversation_id)
            return (found or conv), False
        update = {
            "type": "conversationUpdate",
            "id": str(uuid.uuid4()),
            "timestamp": now_iso(),
            "channelId": CHANNEL_ID,
            "serviceUrl": service_url,
            "from": user_account(user_id, user),
            "recipient": dict(self.bot_account),
            "conversation": {"id": conv.id},
            "membersAdded": [
                {"id": self.bot_account["id"], "name": BOT_NAME},
                {k: v for k, v in user_account(user_id, user).items() if k != "role"},
            ],
            "membersRemoved": [],
        }
        if conv.locale:
            update["locale"] = conv.locale
        self._track(await self.bridge.accept(update))
        return conv, True

    def _track(self, turn: asyncio.Task[None] | None) -> None:
        """Keep a turn running here in sight of `settle`."""
        if turn is not None and not turn.done():
            self._tasks.add(turn)
            turn.add_done_callback(self._tasks.discard)

    async def _append(
        self, conversation_id: str, activity: dict[str, Any], *, keep_id: bool = False
    ) -> str:
        """Keep the activity in the conversation and send it to this process's socket at once
        (another instance's socket hears of it through the store). A conversation that is gone
        is a 404: the append itself says so, no read first."""
        activity_id = await self.conversations.append(conversation_id, activity, keep_id=keep_id)
        if activity_id is None:
            raise ChannelError(404, "NotFound", GONE)
        await self.sockets.flush(conversation_id)
        return activity_id

    # -- from the user --------------------------------------------------------------------------
    async def post_from_user(
        self,
        conv: ChannelConversation,
        raw: str,
        *,
        service_url: str,
        user: PageUser | None = None,
    ) -> str:
        # Every post counts, refused ones too: a flood of oversize posts is still a flood.
        now = self._clock()
        wait = await self.rates.retry_after(conv.id, now)
        if wait is not None:
            seconds = int(wait + 0.999)
            if await self.rates.notice_due(conv.id, now):
                await self._notice(
                    conv, "rate_limited", limit=self.messages_per_minute, seconds=seconds
                )
            raise ChannelError(
                429,
                "TooManyRequests",
                f"At most {self.messages_per_minute} messages a minute.",
                {"Retry-After": str(seconds)},
            )
        if len(raw) > MAX_ACTIVITY_CHARS:
            await self._notice(conv, "too_large")
            raise ChannelError(
                413,
                "MessageSizeTooBig",
                f"The activity is larger than {MAX_ACTIVITY_CHARS} characters.",
            )
        try:
            body = loads_limited(raw)
            # A lone surrogate in the text or a card's values is the bot's to name; elsewhere
            # (the sender, ids) nothing could keep it: refused, and said so in the chat.
            check_unicode(body, free_text=TYPED_FIELDS)
        except InvalidUnicode as exc:
            await self._notice(conv, "bad_unicode")
            raise ChannelError(
                400, "BadArgument", "The activity holds text that is not valid Unicode."
            ) from exc
        except ValueError:  # not JSON, or nested deeper than any activity
            body = None
        if not isinstance(body, dict):
            raise ChannelError(400, "BadArgument", "The body must be one activity as JSON.")
        kind = body.get("type") or "message"
        if not isinstance(kind, str):
            raise ChannelError(400, "BadArgument", "The activity type must be a string.")
        if kind in ("conversationUpdate", "contactRelationUpdate"):
            raise ChannelError(400, "BadArgument", f"Clients cannot send {kind} activities.")
        if kind == "typing":  # the bot does nothing with a user's typing; keep it off its turns
            return channel_activity_id(conv.id, conv.seq)
        text = body.get("text")
        if text is not None and not isinstance(text, str):
            raise ChannelError(400, "BadArgument", "The text must be a string.")
        if text and len(text) > self.max_message_chars:
            await self._notice(conv, "too_long", length=len(text), limit=self.max_message_chars)
            raise ChannelError(
                413,
                "MessageTooLong",
                f"The text is longer than {self.max_message_chars} characters.",
            )
        sender: dict[str, Any] = body["from"] if isinstance(body.get("from"), dict) else {}
        if user is not None and user.user_id != conv.user_id:
            user = None  # never another user's identity on this conversation's activities
        activity = {
            **body,
            "type": kind,
            "timestamp": now_iso(),
            "channelId": CHANNEL_ID,
            "from": user_account(conv.user_id, user, sender.get("name")),
            "recipient": dict(self.bot_account),
            "conversation": {"id": conv.id},
        }
        activity.pop("serviceUrl", None)
        activity.pop("id", None)
        locale = clean_locale(body.get("locale")) or conv.locale
        if locale:
            activity["locale"] = locale
        else:
            activity.pop("locale", None)
        client_id = client_activity_id(body)
        # One post of a conversation at a time here, so a client's second post of one activity
        # finds the first one's echo. (Across instances the two would have to arrive at the
        # same moment: a client posts again only after its first POST failed.)
        async with self._posting.hold(conv.id):
            echo = await self.conversations.find_client_activity(conv.id, client_id)
            if echo is None:
                echo = dict(activity)
                echo["id"] = await self._append(conv.id, activity)  # clients see their own
            to_bot = copy.deepcopy(echo)
            to_bot["serviceUrl"] = service_url
            turn = await self.bridge.accept(to_bot)  # kept in the store when this returns
        self._track(turn)
        if turn is not None and self.answer_seconds > 0:
            await asyncio.wait({turn}, timeout=self.answer_seconds)
        return str(echo["id"])

    async def _notice(self, conv: ChannelConversation, key: str, **values: object) -> None:
        await self._append(
            conv.id,
            {
                "type": "message",
                "timestamp": now_iso(),
                "channelId": CHANNEL_ID,
                "from": dict(self.bot_account),
                "conversation": {"id": conv.id},
                "text": notice(key, conv.locale, **values),
                **({"locale": conv.locale} if conv.locale else {}),
            },
        )

    # -- from the bot ---------------------------------------------------------------------------
    async def post_from_bot(
        self,
        conversation_id: str,
        body: dict[str, Any],
        *,
        reply_to: str | None = None,
        update_of: str | None = None,
    ) -> str:
        activity = dict(body)
        activity.pop("serviceUrl", None)  # the channel's loopback address is nobody's business
        activity["conversation"] = {"id": conversation_id}
        activity["channelId"] = CHANNEL_ID
        activity.setdefault("timestamp", now_iso())
        if isinstance(activity.get("from"), dict):
            activity["from"] = {**activity["from"], "role": "bot"}
        else:
            activity["from"] = dict(self.bot_account)
        if reply_to and not activity.get("replyToId"):
            activity["replyToId"] = reply_to
        if activity.get("type") == "typing":  # WebSocket only, never in GET's history
            if await self.conversations.get(conversation_id) is None:  # nothing else checks
                raise ChannelError(404, "NotFound", GONE)
            activity["id"] = f"{conversation_id}|typing-{secrets.token_hex(4)}"
            await self.sockets.push(conversation_id, {"activities": [activity]})
            return str(activity["id"])
        if update_of:
            activity["id"] = update_of
            # Web Chat orders a transcript by timestamp: an update that kept the time it was
            # sent would move the card to the bottom instead of replacing it where it is.
            first = await self._sent_at(conversation_id, update_of)
            if first:
                activity["timestamp"] = first
            return await self._append(conversation_id, activity, keep_id=True)
        activity.pop("id", None)
        return await self._append(conversation_id, activity)

    async def _sent_at(self, conversation_id: str, activity_id: str) -> str:
        """When the activity `activity_id` (`<conversation>|<seq>`) first went out ('' when it
        is not, or no longer, in the conversation's history)."""
        seq = activity_id.rpartition("|")[2]
        if not seq.isdigit():
            return ""
        found, _ = await self.conversations.since(conversation_id, int(seq) - 1, limit=1)
        if found and found[0].get("id") == activity_id:
            return str(found[0].get("timestamp") or "")
        return ""

    async def settle(self) -> None:
        """Wait for the turns running in the background (welcomes) to end. A shutdown that
        does this while the server still listens leaves no reply of theirs in flight."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.sockets.close()
        await self.bridge.close()
