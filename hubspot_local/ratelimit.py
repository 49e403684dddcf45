"""HubSpot's request budgets: a rolling ten-second bucket, a daily count, a search bucket.

Normal responses carry `X-HubSpot-RateLimit-*` headers; search responses carry none (search
is exempt from the ten-secondly bucket and has its own per-second one). Past a budget the
caller gets HubSpot's 429 body.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from hubspot_local.errors import rate_limited
from hubspot_local.options import RateLimits


class RateLimiter:
    """Counts requests against `limits`; `limits` may be replaced (or set None) at runtime."""

    def __init__(
        self, limits: RateLimits | None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limits = limits
        self._clock = clock
        self._burst: deque[float] = deque()
        self._search: deque[float] = deque()
        self._daily_used = 0

    @staticmethod
    def _trim(window: deque[float], now: float, seconds: float) -> None:
        while window and window[0] <= now - seconds:
            window.popleft()

    def check(self, *, search: bool) -> dict[str, str]:
        """Spend one request; the headers for the response, or raise the 429."""
        limits = self.limits
        if limits is None:
            return {}
        now = self._clock()
        if search:
            self._trim(self._search, now, 1.0)
            if len(self._search) >= limits.search_per_second:
                raise rate_limited("SECONDLY", "You have reached your secondly limit.", {})
            self._search.append(now)
            return {}
        self._trim(self._burst, now, 10.0)
        if self._daily_used >= limits.daily:
            raise rate_limited(
                "DAILY", "You have reached your daily limit.", self._headers(limits, 0)
            )
        if len(self._burst) >= limits.per_ten_seconds:
            raise rate_limited(
                "TEN_SECONDLY_ROLLING",
                "You have reached your ten_secondly_rolling limit.",
                self._headers(limits, 0),
            )
        self._burst.append(now)
        self._daily_used += 1
        return self._headers(limits, limits.per_ten_seconds - len(self._burst))

    def _headers(self, limits: RateLimits, remaining: int) -> dict[str, str]:
        secondly = max(1, limits.per_ten_seconds // 10)
        now = self._clock()
        in_last_second = sum(1 for t in self._burst if t > now - 1.0)
        return {
            "X-HubSpot-RateLimit-Daily": str(limits.daily),
            "X-HubSpot-RateLimit-Daily-Remaining": str(max(0, limits.daily - self._daily_used)),
            "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
            "X-HubSpot-RateLimit-Max": str(limits.per_ten_seconds),
            "X-HubSpot-RateLimit-Remaining": str(max(0, remaining)),
            # Deprecated but still sent by HubSpot.
            "X-HubSpot-RateLimit-Secondly": str(secondly),
            "X-HubSpot-RateLimit-Secondly-Remaining": str(max(0, secondly - in_last_second)),
        }
