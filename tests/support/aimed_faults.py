"""The local HubSpot's faults, aimed: helpers for the issue 23 tests of write outcomes.

`Faults` are seeded, so a fault pattern is exact once its seed is known: `refused_first` finds
the seed whose first decision on a route is a refusal before anything is written and whose next
ones are not, by replaying the injector's own sequence (no server involved). `held` faults every
request of a route by holding it past the client's timeout, before or after the write commits,
so a test can change HubSpot in between, as another user would.
"""

from __future__ import annotations

from hubspot_local import Faults
from hubspot_local.faults import FaultInjector
from tests.support.hubspot_server import LocalHubSpot
from tests.support.waiting import until

HOLD_SECONDS = 1.5  # past the adapter's timeout in these tests (0.4 s)


def refused_first(route: str, *, then_answered: int = 8, status: int = 503) -> Faults:
    """HubSpot refuses the first request on `route` with `status` before writing anything, and
    answers the next `then_answered` ones."""
    wanted = [True] + [False] * then_answered
    for seed in range(100_000):
        faults = Faults(
            rate=0.5,
            seed=seed,
            statuses=(status,),
            after_commit_share=0.0,
            routes=frozenset({route}),
        )
        injector = FaultInjector(faults)
        if [injector.decide(route) is not None for _ in wanted] == wanted:
            return faults
    raise AssertionError("no seed gives that pattern")


def in_order(steps: list[tuple[str, bool]], *, status: int = 503) -> Faults:
    """Faults decided request by request as `steps` say: (route, faulted), in the order the
    requests arrive (a fault on a write route comes after the write committed). E.g. a read
    answered, the update faulted after it committed, the reads after it refused: an update
    whose outcome HubSpot cannot tell."""
    routes = frozenset(route for route, _ in steps)
    for seed in range(1_000_000):
        faults = Faults(
            rate=0.5, seed=seed, statuses=(status,), after_commit_share=1.0, routes=routes
        )
        injector = FaultInjector(faults)
        if all((injector.decide(route) is not None) == hit for route, hit in steps):
            return faults
    raise AssertionError("no seed gives that pattern")


def held(route: str, *, after_commit: bool) -> Faults:
    """Every request on `route` held `HOLD_SECONDS` (the client times out): before the write
    (then refused with 504, nothing written) or after it committed (the answer comes too late)."""
    return Faults(
        rate=1.0,
        hang_share=1.0,
        hang_seconds=HOLD_SECONDS,
        after_commit_share=1.0 if after_commit else 0.0,
        routes=frozenset({route}),
    )


def lost_answer(route: str) -> Faults:
    """Every write on `route` commits, then its answer is a 503."""
    return Faults(rate=1.0, statuses=(503,), after_commit_share=1.0, routes=frozenset({route}))


async def held_now(hs: LocalHubSpot, route: str) -> None:
    """Wait until a request on `route` is being held (the test may now act as another user)."""
    await until(lambda: hs.counters[route].faulted >= 1, within=10, what=f"a held {route}")
