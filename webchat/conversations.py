"""The channel's conversations, kept in the shared store, and the sockets this process holds.

A watermark is the sequence number of an activity in its conversation (as a string on the wire,
opaque to clients). Every activity that GET returns -- the user's own messages echoed back and
the bot's replies -- gets the next number and the id `<conversationId>|<seq:07d>`, the shape the
real service uses. Typing is pushed to the socket only and never numbered; conversationUpdate
never gets here at all (it goes to the bot only).

Everything a conversation is (its user, its language, its numbered activities) lives in the
store (`store.base.Store.channel_*`: memory, the SQLite file, or PostgreSQL), so any instance can
answer any conversation's poll, post or reconnect, and a restart loses no open chat. Only the
WebSockets cannot be shared: `Sockets` holds this process's and hears from the store when an
activity was appended anywhere (in-process for memory and SQLite, PostgreSQL NOTIFY across
instances); each socket then sends what it has not sent yet, in order, once.

Memory is bounded: each conversation keeps its last `history_limit` activities, and the store
keeps at most `max_conversations` (WEBCHAT_MAX_CONVERSATIONS). To make room for a new one it
drops the least recently active *idle* ones (no activity for `active_seconds`,
WEBCHAT_ACTIVE_MINUTES); an active conversation is never dropped, and when every one is active
a new one is refused (503) instead. A dropped conversation's socket is closed, so its page
reconnects, hears 404 and says the chat expired.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any, Protocol

from store.base import ChannelConversation, Store

log = logging.getLogger(__name__)

PAGE = 100  # activities per GET, and per socket frame when a socket catches up
# How far back a post looks for an earlier post of the same client activity: a client posts
# again within seconds of a failed POST, a handful of activities later at most.
CLIENT_LOOKBACK = PAGE
# How a socket of a dropped conversation is closed: DirectLineJS would only reconnect, hear 404
# and stop without a word, so the page (static/chat.js) looks for this code and says so.
ENDED_CLOSE_CODE = 4404


class Socket(Protocol):
    """The part of a WebSocket the channel needs (aiohttp's WebSocketResponse fits)."""

    async def send_str(self, data: str) -> None: ...

    async def close(self, *, code: int = ..., message: bytes = ...) -> bool: ...


class ConversationLog:
    """The conversations and their numbered activities, in the store."""

    def __init__(
        self,
        store: Store,
        *,
        max_conversations: int = 5000,
        active_seconds: float = 600.0,
        history_limit: int = 500,
    ) -> None:
        self.store = store
        self.max_conversations = max_conversations
        self.active_seconds = active_seconds
        self.history_limit = history_limit

    async def start(self, conversation: ChannelConversation) -> bool:
        """Create it unless it exists (on any instance); True when created now. ChannelFull
        when every kept conversation is active."""
        return await self.store.channel_start(
            conversation, keep=self.max_conversations, active_seconds=self.active_seconds
        )

    async def get(self, conversation_id: str) -> ChannelConversation | None:
        return await self.store.channel_get(conversation_id)

    async def append(
        self, conversation_id: str, activity: dict[str, Any], *, keep_id: bool = False
    ) -> str | None:
        """Number the activity and keep it for GET; its id, or None if the conversation is
        gone. `keep_id` is for an update of an earlier activity: it comes again under a new
        watermark but with its old id, so clients replace what they show."""
        return await self.store.channel_append(
            conversation_id, activity, keep_id=keep_id, history=self.history_limit
        )

    async def since(
        self, conversation_id: str, watermark: int | None, *, limit: int = PAGE
    ) -> tuple[list[dict[str, Any]], int]:
        return await self.store.channel_since(conversation_id, watermark, limit)

    async def find_client_activity(
        self, conversation_id: str, client_id: str | None
    ) -> dict[str, Any] | None:
        """The user's activity the client gave `client_id`, among the newest ones, or None."""
        if client_id is None:
            return None
        conv = await self.get(conversation_id)
        if conv is None:
            return None
        recent, _ = await self.since(
            conversation_id, max(conv.seq - CLIENT_LOOKBACK, 0), limit=CLIENT_LOOKBACK
        )
        for activity in recent:
            data = activity.get("channelData")
            if (
                isinstance(data, dict)
                and data.get("clientActivityID") == client_id
                and (activity.get("from") or {}).get("role") == "user"
            ):
                return activity
        return None


@dataclass
class _Held:
    socket: Socket
    sent: int  # the highest watermark this socket has been sent (-1: nothing yet)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class Sockets:
    """This process's WebSockets, at most one per conversation across every instance: a newer
    socket for the same conversation, here or on another instance, closes the older one with
    the reason Direct Line gives, `collision`."""

    def __init__(self, log_: ConversationLog) -> None:
        self.log = log_
        self.instance = secrets.token_hex(8)
        self._held: dict[str, _Held] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        log_.store.channel_listen(self._heard)

    async def attach(self, conversation_id: str, socket: Socket, watermark: int | None) -> None:
        """Make `socket` the conversation's one socket and replay what came after `watermark`
        (a fresh conversation's stream URL has none: everything so far, e.g. the welcome)."""
        old = self._held.get(conversation_id)
        self._held[conversation_id] = _Held(socket, -1 if watermark is None else watermark)
        await self.log.store.channel_signal(conversation_id, {"attached": self.instance})
        await self.flush(conversation_id)
        if old is not None and old.socket is not socket:
            await old.socket.close(code=4000, message=b"collision")

    def detach(self, conversation_id: str, socket: Socket) -> None:
        held = self._held.get(conversation_id)
        if held is not None and held.socket is socket:
            del self._held[conversation_id]

    async def flush(self, conversation_id: str) -> None:
        """Send the socket, if this process holds one, every activity it has not had yet."""
        held = self._held.get(conversation_id)
        if held is None:
            return
        async with held.lock:
            while self._held.get(conversation_id) is held:
                activities, mark = await self.log.since(conversation_id, held.sent)
                if not activities:
                    return
                frame = {"activities": activities, "watermark": str(mark)}
                if not await self._send(conversation_id, held, frame):
                    return
                held.sent = mark

    async def push(self, conversation_id: str, frame: dict[str, Any]) -> None:
        """An unnumbered frame (typing) to the conversation's socket, wherever it is held."""
        held = self._held.get(conversation_id)
        if held is None:
            await self.log.store.channel_signal(conversation_id, {"frame": frame})
            return
        await self._push_local(conversation_id, held, frame)

    async def _send(self, conversation_id: str, held: _Held, frame: dict[str, Any]) -> bool:
        try:
            await held.socket.send_str(json.dumps(frame, ensure_ascii=False))
        except (ConnectionError, RuntimeError):
            self.detach(conversation_id, held.socket)  # a dead socket is dropped
            return False
        return True

    def _heard(self, conversation_id: str, message: dict[str, Any]) -> None:
        """What the store relays: something to send, or another instance taking a socket."""
        if conversation_id == "*":
            for held_id in list(self._held):
                self._spawn(self.flush(held_id))
            return
        held = self._held.get(conversation_id)
        if held is None:
            return
        seq = message.get("seq")
        if message.get("ended"):  # dropped to make room: the page reconnects and hears 404
            self.detach(conversation_id, held.socket)
            self._spawn(self._end(held.socket))
        elif isinstance(seq, int) and seq > held.sent:
            self._spawn(self.flush(conversation_id))
        elif isinstance(message.get("frame"), dict):
            self._spawn(self._push_local(conversation_id, held, message["frame"]))
        elif message.get("attached") not in (None, self.instance):
            self.detach(conversation_id, held.socket)
            self._spawn(self._close(held.socket))

    async def _push_local(self, conversation_id: str, held: _Held, frame: dict[str, Any]) -> None:
        """Send `frame` to `held` unless another socket took its place meanwhile."""
        async with held.lock:
            if self._held.get(conversation_id) is held:
                await self._send(conversation_id, held, frame)

    @staticmethod
    async def _close(socket: Socket) -> None:
        await socket.close(code=4000, message=b"collision")

    @staticmethod
    async def _end(socket: Socket) -> None:
        await socket.close(code=ENDED_CLOSE_CODE, message=b"conversation ended")

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        held, self._held = list(self._held.values()), {}
        for one in held:
            await one.socket.close()
