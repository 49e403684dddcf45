"""How fast a conversation may post: a sliding minute per conversation, and a notice in the chat
at most once a minute (every refused post counts too: a flood of oversize posts is still one).

Kept in this process with one process (memory or SQLite store); the windows are bounded (the
least recently posting are forgotten first). With PostgreSQL (several instances, a user's posts
spread over them) the limit is counted in the store (`shared`), for the whole deployment: there
the minute is a bucket of `per_minute` refilled evenly (store/postgres_rates.py), and the notice
a bucket of one a minute.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field

from store.base import SharedRates


@dataclass
class _Window:
    sent: deque[float] = field(default_factory=deque)
    noticed_at: float = float("-inf")


class MessageRates:
    def __init__(
        self, per_minute: int, *, max_tracked: int = 10_000, shared: SharedRates | None = None
    ) -> None:
        self.per_minute = per_minute
        self.max_tracked = max_tracked
        self.shared = shared
        self._windows: OrderedDict[str, _Window] = OrderedDict()

    def _window(self, conversation_id: str) -> _Window:
        window = self._windows.get(conversation_id)
        if window is None:
            window = self._windows[conversation_id] = _Window()
            while len(self._windows) > self.max_tracked:
                self._windows.popitem(last=False)
        self._windows.move_to_end(conversation_id)
        return window

    async def retry_after(self, conversation_id: str, now: float) -> float | None:
        """Count one message against the per-minute limit; seconds to wait if over it."""
        if self.shared is not None:
            (wait,) = await self.shared.rate_take(
                [(f"messages|{conversation_id}", self.per_minute)], now=time.time()
            )
            return max(0.1, wait) if wait > 0 else None
        sent = self._window(conversation_id).sent
        while sent and sent[0] <= now - 60.0:
            sent.popleft()
        if len(sent) >= self.per_minute:
            return max(0.1, 60.0 - (now - sent[0]))
        sent.append(now)
        return None

    async def notice_due(self, conversation_id: str, now: float) -> bool:
        """Whether to say so in the chat now (once a minute, not once a post)."""
        if self.shared is not None:
            (wait,) = await self.shared.rate_take(
                [(f"notice|{conversation_id}", 1)], now=time.time()
            )
            return wait == 0
        window = self._window(conversation_id)
        if now - window.noticed_at < 60.0:
            return False
        window.noticed_at = now
        return True
