"""Riding out a database blip: the one place a store turns a lost connection into a retry or a
`StoreUnavailable`.

Why: PostgreSQL restarts (`pg_ctl restart` takes half a second), fails over, or the network
drops a connection, and every pooled connection it had is dead at once. The pool replaces a
dead connection before handing it out (`store/postgres.py`), but a statement already on its way
fails, and while the server is away every attempt does. An operation that is safe to repeat is
tried again for a bounded time (`within`), with a short back-off, so a blip costs a user a
moment, not a generic error; once the time is up, or for an operation that is not safe to
repeat, the caller gets `StoreUnavailable`, which the app answers with 503 and Retry-After (the
channel delivers again) and a background turn waits out (bots/inbox.py).

Which operations are safe to repeat (`@idempotent`): reads; writes whose second run leaves the
same rows as the first, whether or not the first committed before its answer was lost (an
upsert of a processed mark, a DELETE, renewing a lease this instance holds, an INSERT ... ON
CONFLICT DO NOTHING of a shared secret followed by its read). Not safe (`@once`, never
retried): anything whose answer depends on whether it ran before, because a first run that
committed and lost its answer would be read as someone else's: an eTag-checked state write,
taking a claim or finishing one (with its audit row), an audit record, accepting or taking
inbox items, starting or appending to a channel conversation.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

from store.base import StoreUnavailable

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")


class Retry:
    """`transient`: the exceptions that mean "the connection failed" (psycopg's
    OperationalError, which includes the pool's timeout); anything else passes through."""

    def __init__(
        self,
        transient: tuple[type[BaseException], ...],
        *,
        within: float = 5.0,
        first_wait: float = 0.05,
        longest_wait: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.transient = transient
        self.within = within
        self.first_wait = first_wait
        self.longest_wait = longest_wait
        self._clock = clock

    async def once(self, op: Callable[[], Awaitable[T]]) -> T:
        """Run `op` once; a connection failure becomes StoreUnavailable."""
        try:
            return await op()
        except self.transient as exc:
            raise StoreUnavailable(f"store unreachable: {type(exc).__name__}") from exc

    async def repeat(self, op: Callable[[], Awaitable[T]]) -> T:
        """Run `op` (safe to repeat) until it succeeds or `within` seconds have passed."""
        deadline = self._clock() + self.within
        wait = self.first_wait
        while True:
            try:
                return await op()
            except self.transient as exc:
                if self._clock() + wait > deadline:
                    raise StoreUnavailable(f"store unreachable: {type(exc).__name__}") from exc
                log.info("store connection failed (%s); trying again", type(exc).__name__)
                await asyncio.sleep(wait)
                wait = min(wait * 2, self.longest_wait)


class Retrying(Protocol):
    retry: Retry


S = TypeVar("S", bound=Retrying)


def idempotent(
    method: Callable[Concatenate[S, P], Awaitable[T]],
) -> Callable[Concatenate[S, P], Coroutine[Any, Any, T]]:
    """A store method safe to repeat (see the module docstring): retried on connection errors
    for `self.retry.within` seconds, then StoreUnavailable."""

    @functools.wraps(method)
    async def wrapped(self: S, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return await self.retry.repeat(lambda: method(self, *args, **kwargs))

    return wrapped


def once(
    method: Callable[Concatenate[S, P], Awaitable[T]],
) -> Callable[Concatenate[S, P], Coroutine[Any, Any, T]]:
    """A store method not safe to repeat: a connection error is StoreUnavailable at once."""

    @functools.wraps(method)
    async def wrapped(self: S, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return await self.retry.once(lambda: method(self, *args, **kwargs))

    return wrapped
