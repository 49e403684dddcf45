"""The channel's memory: each conversation's activities, numbered by watermark, and its socket.

A watermark is the sequence number of an activity in its conversation (as a string on the wire,
opaque to clients). Every activity that GET returns -- the user's own messages echoed back and
the bot's replies -- gets the next number and the id `<conversationId>|<seq:07d>`, the shape the
real service uses. Typing is pushed to the socket only and never numbered; conversationUpdate
never gets here at all (it goes to the bot only).

Memory is bounded: each conversation keeps its last `history_limit` activities, and the store
keeps at most `max_conversations`, dropping the longest idle first (tokens are free to mint, so
conversations must not be able to grow without end). Everything lives in this process: one app
instance serves its own Web Chat users.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol


class Socket(Protocol):
    """The part of a WebSocket the store needs (aiohttp's WebSocketResponse fits)."""

    async def send_str(self, data: str) -> None: ...

    async def close(self, *, code: int = ..., message: bytes = ...) -> bool: ...


@dataclass
class Entry:
    seq: int
    activity: dict[str, Any]


@dataclass
class Conversation:
    id: str
    user_id: str
    locale: str | None = None
    history_limit: int = 500
    log: deque[Entry] = field(default_factory=deque)
    seq: int = 0
    socket: Socket | None = None
    last_active: float = 0.0
    sent_times: deque[float] = field(default_factory=deque)
    rate_noticed_at: float = float("-inf")
    turn_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    send_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    socket_seq: int = 0  # the highest watermark the open socket has been sent

    def activity_id(self, seq: int) -> str:
        return f"{self.id}|{seq:07d}"

    async def append(self, activity: dict[str, Any], *, keep_id: bool = False) -> str:
        """Number the activity, keep it for GET, push it to the socket; returns its id.

        `keep_id` is for an update of an earlier activity: it comes again under a new watermark
        but with its old id, so clients replace what they show."""
        self.seq += 1
        seq = self.seq
        if not keep_id or not activity.get("id"):
            activity["id"] = self.activity_id(seq)
        self.log.append(Entry(seq, activity))
        while len(self.log) > self.history_limit:
            self.log.popleft()
        await self.push({"activities": [activity], "watermark": str(seq)}, seq=seq)
        return str(activity["id"])

    async def push(self, activity_set: dict[str, Any], *, seq: int | None = None) -> None:
        """Send one ActivitySet frame to the open socket, if any, in order and once: a frame
        the socket already got in its opening replay is skipped; a dead socket is dropped."""
        async with self.send_lock:
            socket = self.socket
            if socket is None or (seq is not None and seq <= self.socket_seq):
                return
            try:
                await socket.send_str(json.dumps(activity_set, ensure_ascii=False))
            except (ConnectionError, RuntimeError):
                if self.socket is socket:
                    self.socket = None
                return
            if seq is not None:
                self.socket_seq = seq

    async def attach(self, socket: Socket, watermark: int | None) -> None:
        """Make `socket` the conversation's one socket and replay what came after `watermark`
        (a fresh conversation's stream URL has none: everything so far, e.g. the welcome card).
        An older socket is closed with the reason Direct Line gives, `collision`."""
        old = self.socket
        async with self.send_lock:
            self.socket = socket
            self.socket_seq = self.seq
            activities, mark = self.since(watermark, limit=self.history_limit)
            if activities:
                await socket.send_str(
                    json.dumps(
                        {"activities": activities, "watermark": str(mark)}, ensure_ascii=False
                    )
                )
        if old is not None and old is not socket:
            await old.close(code=4000, message=b"collision")

    def detach(self, socket: Socket) -> None:
        if self.socket is socket:
            self.socket = None

    def since(self, watermark: int | None, *, limit: int = 100) -> tuple[list[dict[str, Any]], int]:
        """Activities after `watermark` (all kept ones for None), and the watermark to return."""
        after = -1 if watermark is None else watermark
        picked = [e for e in self.log if e.seq > after][:limit]
        if picked:
            return [e.activity for e in picked], picked[-1].seq
        return [], max(after, 0) if watermark is not None else self.seq

    def retry_after(self, per_minute: int, now: float) -> float | None:
        """Count one message against the per-minute limit; seconds to wait if over it."""
        window = self.sent_times
        while window and window[0] <= now - 60.0:
            window.popleft()
        if len(window) >= per_minute:
            return max(0.1, 60.0 - (now - window[0]))
        window.append(now)
        return None


class ConversationStore:
    """All live conversations of this process, least recently active first."""

    def __init__(
        self,
        *,
        max_conversations: int = 5000,
        history_limit: int = 500,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._items: OrderedDict[str, Conversation] = OrderedDict()
        self.max_conversations = max_conversations
        self.history_limit = history_limit
        self._clock = clock

    def get(self, conversation_id: str) -> Conversation | None:
        conv = self._items.get(conversation_id)
        if conv is not None:
            conv.last_active = self._clock()
            self._items.move_to_end(conversation_id)
        return conv

    def create(
        self, conversation_id: str, *, user_id: str, locale: str | None = None
    ) -> Conversation:
        conv = Conversation(
            conversation_id,
            user_id,
            locale,
            history_limit=self.history_limit,
            last_active=self._clock(),
        )
        self._items[conversation_id] = conv
        while len(self._items) > self.max_conversations:
            _, dropped = self._items.popitem(last=False)
            dropped.socket = None
        return conv

    def __len__(self) -> int:
        return len(self._items)

    def sockets(self) -> list[Socket]:
        return [c.socket for c in self._items.values() if c.socket is not None]
