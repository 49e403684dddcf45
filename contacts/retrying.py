"""How long to wait before trying HubSpot again, and how many times.

Two different waits: after a 429 HubSpot has said how long its window is, so we wait that long
(capped, so a user is never left hanging for a daily limit); after a 5xx or a timeout nobody
knows, so we back off exponentially with full jitter, which keeps many users that failed at the
same moment from retrying in lock-step.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4  # tries in all for a 5xx / timeout (the first one included)
    backoff_base_seconds: float = 0.25
    backoff_cap_seconds: float = 4.0
    rate_limit_retries: int = 3  # extra tries after a 429
    rate_limit_default_seconds: float = 1.0  # 429 without any hint (search's secondly limit)
    rate_limit_cap_seconds: float = 10.0

    def backoff(self, failures: int, *, rng: random.Random | None = None) -> float:
        """Full jitter: uniform in [0, min(cap, base * 2**(failures-1))]."""
        ceiling = min(
            self.backoff_cap_seconds, self.backoff_base_seconds * (2 ** max(0, failures - 1))
        )
        return (rng or random).uniform(0, ceiling)

    def rate_limit_wait(self, headers: Mapping[str, str] | None) -> float:
        """What HubSpot asked for: `Retry-After` (seconds) if present, else the rate-limit window
        (`X-HubSpot-RateLimit-Interval-Milliseconds`) when the window's budget is spent, else a
        default; always capped, plus a little jitter so waiters do not return together."""
        wait = self.rate_limit_default_seconds
        retry_after = _header_float(headers, "Retry-After")
        interval_ms = _header_float(headers, "X-HubSpot-RateLimit-Interval-Milliseconds")
        remaining = _header_float(headers, "X-HubSpot-RateLimit-Remaining")
        if retry_after is not None:
            wait = retry_after
        elif interval_ms is not None and (remaining is None or remaining <= 0):
            wait = interval_ms / 1000
        wait = max(0.0, min(wait, self.rate_limit_cap_seconds))
        return wait + random.uniform(0, min(0.25, wait / 4 + 0.01))


def _header_float(headers: Mapping[str, str] | None, name: str) -> float | None:
    if not headers:
        return None
    value = headers.get(name)
    if value is None:
        value = next((v for k, v in headers.items() if k.lower() == name.lower()), None)
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None
