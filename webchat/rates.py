"""How fast a conversation may post: a sliding minute per conversation, and a notice in the chat
at most once a minute (every refused post counts too: a flood of oversize posts is still one).

Kept in this process: with several instances a user's posts spread over them, so the limit
holds per instance. The windows are bounded (the least recently posting are forgotten first).
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass, field


@dataclass
class _Window:
    sent: deque[float] = field(default_factory=deque)
    noticed_at: float = float("-inf")


class MessageRates:
    def __init__(self, per_minute: int, *, max_tracked: int = 10_000) -> None:
        self.per_minute = per_minute
        self.max_tracked = max_tracked
        self._windows: OrderedDict[str, _Window] = OrderedDict()

    def _window(self, conversation_id: str) -> _Window:
        window = self._windows.get(conversation_id)
        if window is None:
            window = self._windows[conversation_id] = _Window()
            while len(self._windows) > self.max_tracked:
                self._windows.popitem(last=False)
        self._windows.move_to_end(conversation_id)
        return window

    def retry_after(self, conversation_id: str, now: float) -> float | None:
        """Count one message against the per-minute limit; seconds to wait if over it."""
        sent = self._window(conversation_id).sent
        while sent and sent[0] <= now - 60.0:
            sent.popleft()
        if len(sent) >= self.per_minute:
            return max(0.1, 60.0 - (now - sent[0]))
        sent.append(now)
        return None

    def notice_due(self, conversation_id: str, now: float) -> bool:
        """Whether to say so in the chat now (once a minute, not once a post)."""
        window = self._window(conversation_id)
        if now - window.noticed_at < 60.0:
            return False
        window.noticed_at = now
        return True
