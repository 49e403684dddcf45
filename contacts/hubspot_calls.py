"""The HubSpot call core: how one SDK call leaves, is retried, and ends, for every caller.

The adapter (`contacts.hubspot`), its batch calls (`contacts.hubspot_batch`) and its owners
calls (`contacts.hubspot_owners`) all send through one `HubSpotCalls`, so they share one thread
pool, one request budget and one retry loop, and nobody repeats those rules.

Why it looks the way it does:
- `hubspot-api-client` blocks, so every call runs in a bounded thread pool, never on the event
  loop; the bound also caps how many sockets one bot opens to HubSpot. A call takes its budget
  slot (`contacts.budget`) first and a thread only once it may leave, so callers waiting out the
  budget hold no thread.
- The SDK's own urllib3 retries are off: they would retry a POST whose answer was lost and could
  create a contact twice. Retries happen here, in the one loop (`HubSpotCalls.retrying`), with
  the caller saying what a repeat would mean, and within the running action's deadline
  (`contacts.deadline`), not per attempt.
- SDK exceptions stop here (`contacts.translate`): callers hear `contacts.errors`, including the
  two "may have happened" errors (`unknown_outcome`, `unconfirmed_change`) a lost write answer
  leaves behind.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from contacts import deadline
from contacts.budget import RequestBudget
from contacts.errors import ContactsError, HubSpotRejectedToken, HubSpotUnavailable, RateLimited
from contacts.retrying import RetryPolicy
from contacts.translate import Throttled, Transient, translate

# The adapter's logger, as before the core moved out of it: operators' filters keep working.
log = logging.getLogger("contacts.hubspot")
T = TypeVar("T")
MIN_ATTEMPT_SECONDS = 0.05  # less time than this left in the action: not worth a try

# One try of a call; `retrying` is True when an earlier try failed (the caller may look first).
Attempt = Callable[[bool], Awaitable[T]]
# What the caller hears past the retry limits: (the error, a write may have happened, cause).
GiveUp = Callable[[ContactsError, bool, BaseException], Awaitable[T]]


class OutOfTime(Exception):
    """The action's deadline came before the call could be sent (or sent again)."""

    def __init__(self, what: str, *, budget: bool = False) -> None:
        super().__init__(what)
        self.budget = budget


def unknown_outcome() -> HubSpotUnavailable:
    """A create whose answer was lost and whose contact we could not find (or look for): the
    user must hear that it may exist, so nobody creates it again blindly."""
    return HubSpotUnavailable(
        "HubSpot did not confirm the new contact; it may or may not have been created.",
        write_may_have_happened=True,
    )


def unconfirmed_change() -> HubSpotUnavailable:
    """An update whose answer was lost: the change may be saved, so "failed" would be a lie."""
    return HubSpotUnavailable(
        "HubSpot did not confirm the change; it may or may not have been saved.",
        write_may_have_happened=True,
    )


class HubSpotCalls:
    """Runs SDK calls for the HubSpot adapters: on its threads, within the request budget and
    the action's deadline, retried by one policy, failing only with `ContactsError`s."""

    def __init__(
        self,
        *,
        max_workers: int = 16,
        timeout_seconds: float = 10,
        retry: RetryPolicy | None = None,
        budget: RequestBudget | None = None,
    ) -> None:
        self._executor = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="hubspot")
        self._slots = asyncio.Semaphore(max_workers)
        self._timeout = timeout_seconds
        self._retry = retry or RetryPolicy()
        # Public so a bench can lift HubSpot's limits on a running app (bench/store.py).
        self.budget = budget or RequestBudget()

    def search_is_free(self) -> bool:
        """Would a search leave at once (the search budget has room and nobody queues)? Lets a
        caller decide to wait for company before spending a search slot."""
        return self.budget.search_room()

    async def send(
        self, fn: Callable[..., T], *args: Any, search: bool = False, **kwargs: Any
    ) -> T:
        """One try, not retried: for callers that decide themselves what a repeat means (a
        create looks its email up first). Spends from the budget, then takes a thread and runs
        the SDK call. Both waits end at the action's deadline (`OutOfTime`); the call itself
        gets what is left, at most the timeout. SDK exceptions come out untranslated, for the
        caller's `retrying` loop to read."""
        try:
            async with asyncio.timeout(deadline.remaining()):
                await self.budget.spend(search=search)
        except TimeoutError:
            raise OutOfTime("the request budget", budget=True) from None
        try:
            async with asyncio.timeout(deadline.remaining()):
                await self._slots.acquire()
        except TimeoutError:
            raise OutOfTime("a free HubSpot thread") from None
        try:
            timeout = self._timeout
            left = deadline.remaining()
            if left is not None:
                if left < MIN_ATTEMPT_SECONDS:
                    raise OutOfTime("the call")
                timeout = min(timeout, left)
            loop = asyncio.get_running_loop()
            call = functools.partial(fn, *args, _request_timeout=timeout, **kwargs)
            return await loop.run_in_executor(self._executor, call)
        finally:
            self._slots.release()

    async def look(self, fn: Callable[..., T], *args: Any, key: str, **kwargs: Any) -> T:
        """One try of a read made inside a write's attempt (the evidence a re-send is decided
        by), not retried on its own: its failure is the attempt's, for the write's loop to
        retry, and a read that failed never makes the write "may have been written"."""
        try:
            return await self.send(fn, *args, **kwargs)
        except OutOfTime:
            raise
        except Exception as exc:  # noqa: BLE001 - translated right here
            problem = translate(exc, key=key, retry=self._retry)
            if isinstance(problem, Transient):
                raise Transient(f"a read for evidence: {problem}", maybe_done=False) from exc
            raise problem from exc

    async def call(
        self,
        fn: Callable[..., T],
        *args: Any,
        key: str,
        search: bool = False,
        write: bool = False,
        **kwargs: Any,
    ) -> T:
        """A call that is safe to repeat (reads, and PATCHes of the same values), retried as
        the policy says. `key` names the record for a ContactNotFound; a `write` whose answer
        was lost ends in `unconfirmed_change`, because it may have been saved."""

        async def attempt(retrying: bool) -> T:
            return await self.send(fn, *args, search=search, **kwargs)

        async def give_up(final: ContactsError, maybe_written: bool, cause: BaseException) -> T:
            raise (unconfirmed_change() if maybe_written else final) from cause

        what = getattr(fn, "__name__", "call")
        return await self.retrying(attempt, key=key, what=what, write=write, give_up=give_up)

    async def retrying(
        self,
        attempt: Attempt[T],
        *,
        key: str,
        what: str,
        write: bool,
        give_up: GiveUp[T],
        can_retry: bool = True,
    ) -> T:
        """The one retry loop. `attempt(retrying)` makes one try; a 429 is waited out as HubSpot
        asks, a 5xx / timeout retried with jittered backoff (when `can_retry`), never past the
        action's deadline. Past the limits `give_up(error, maybe_written, cause)` decides what
        the caller hears: `maybe_written` when a `write` try may have been applied although its
        answer was lost. One loop for every call, so a single and a batch write cannot drift
        apart in what they retry."""
        failures = throttles = 0
        maybe_written = False
        while True:
            try:
                return await attempt(failures + throttles > 0)
            except OutOfTime as exc:
                log.info("HubSpot %s: out of time waiting for %s", what, exc)
                late: ContactsError = RateLimited() if exc.budget else HubSpotUnavailable()
                return await give_up(late, maybe_written, exc)
            except Exception as exc:  # noqa: BLE001 - translated right here
                problem = translate(exc, key=key, retry=self._retry)
                if isinstance(problem, HubSpotRejectedToken):
                    log.error(
                        "HubSpot rejected the token: check HUBSPOT_ACCESS_TOKEN and its scopes "
                        "(crm.objects.contacts.read and .write); %s",
                        problem,
                    )
                if isinstance(problem, ContactsError):
                    raise problem from exc
                left = deadline.remaining()
                final: ContactsError
                if isinstance(problem, Throttled):
                    throttles += 1
                    # A write's 429 may come after HubSpot took it (a proxy's, a retry's): the
                    # next try reads first, and giving up says it may have been written.
                    maybe_written = maybe_written or write
                    in_time = left is None or problem.wait + MIN_ATTEMPT_SECONDS < left
                    if throttles <= self._retry.rate_limit_retries and in_time:
                        await asyncio.sleep(problem.wait)
                        continue
                    final = RateLimited(problem.wait)
                else:
                    failures += 1
                    maybe_written = maybe_written or (write and problem.maybe_done)
                    log.info("HubSpot %s failed (%s), attempt %d", what, problem, failures)
                    pause = self._retry.backoff(failures)
                    in_time = left is None or pause + MIN_ATTEMPT_SECONDS < left
                    if can_retry and failures < self._retry.attempts and in_time:
                        await asyncio.sleep(pause)
                        continue
                    final = HubSpotUnavailable()
                return await give_up(final, maybe_written, exc)

    def close(self) -> None:
        """Stop the threads; calls still queued for one are cancelled, not left hanging."""
        self._executor.shutdown(wait=False, cancel_futures=True)
