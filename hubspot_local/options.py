"""Knobs of the local HubSpot API: rate limits, fault injection, search limits.

Plain frozen dataclasses so a test can build one, hand it to `create_app(...)`, and later swap
it at runtime (`server.controls.faults = Faults(...)`) without touching the running app.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Route names used by `Faults.routes` and by the request counters.
ROUTES = frozenset(
    {
        "list",
        "create",
        "read",
        "update",
        "archive",
        "search",
        "batch_read",
        "batch_create",
        "batch_update",
        "batch_upsert",
        "batch_archive",
        "merge",
        "gdpr_delete",
        "owners_list",
        "owners_read",
        "account_info",
        "record_page",
        "property_validations",
        "property_validation",
    }
)
OWNER_ROUTES = frozenset({"owners_list", "owners_read"})
WRITE_ROUTES = frozenset(
    {
        "create",
        "update",
        "archive",
        "batch_create",
        "batch_update",
        "batch_upsert",
        "batch_archive",
        "merge",
        "gdpr_delete",
    }
)


@dataclass(frozen=True)
class RateLimits:
    """HubSpot's budgets for a privately distributed app; the default is the Free/Starter tier.

    `per_ten_seconds` is the rolling burst bucket every non-search call draws from; search has
    its own `search_per_second` bucket (search is exempt from the ten-secondly one and its
    responses carry no rate headers). `daily` only feeds the `X-HubSpot-RateLimit-Daily*`
    headers and a DAILY 429 once spent.
    """

    per_ten_seconds: int = 100
    search_per_second: int = 5
    daily: int = 250_000

    @classmethod
    def professional(cls) -> RateLimits:
        return cls(per_ten_seconds=190, daily=625_000)


@dataclass(frozen=True)
class Faults:
    """A seeded share of requests answered with an error status or held too long.

    `rate` is the share of requests (on `routes`, or every route when None) that are faulted.
    Of those, `hang_share` are held `hang_seconds` (long enough to make a client time out);
    the rest get one of `statuses`. On write routes `after_commit_share` of the faults happen
    AFTER the write committed (the record exists, the client sees an error or a timeout), the
    others before anything is written. That split is what turns a blind retry into a duplicate.
    """

    rate: float = 0.0
    seed: int = 0
    statuses: tuple[int, ...] = (429, 500, 502, 503)
    hang_share: float = 0.0
    hang_seconds: float = 30.0
    after_commit_share: float = 0.5
    routes: frozenset[str] | None = None

    def __post_init__(self) -> None:
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError("Faults.rate must be between 0 and 1")
        if self.routes is not None:
            object.__setattr__(self, "routes", frozenset(self.routes))
            unknown = set(self.routes) - ROUTES
            if unknown:
                raise ValueError(f"unknown routes {sorted(unknown)}; known: {sorted(ROUTES)}")
        if not self.statuses:
            raise ValueError("Faults.statuses must name at least one status")

    def applies_to(self, route: str) -> bool:
        return self.rate > 0 and (self.routes is None or route in self.routes)


@dataclass(frozen=True)
class SearchLimits:
    """Current documented search limits (2026 docs: 5 groups, 6 filters each, 18 in all)."""

    max_groups: int = 5
    max_filters_per_group: int = 6
    max_filters_total: int = 18
    max_page: int = 200
    max_results: int = 10_000
    max_query_chars: int = 3_000


@dataclass
class RouteCounter:
    """What one route saw: requests, faults injected, statuses sent, writes that committed.

    `faulted_after_commit` counts only faults that hit a write which really committed (the
    client saw an error or timed out, yet the change is there); `committed` counts every write
    that committed, faulted or not.
    """

    total: int = 0
    faulted: int = 0
    faulted_after_commit: int = 0
    committed: int = 0
    statuses: dict[int, int] = field(default_factory=dict)

    def status(self, code: int) -> None:
        self.statuses[code] = self.statuses.get(code, 0) + 1
