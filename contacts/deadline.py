"""One user action's total time with HubSpot: a deadline shared by every call and retry in it.

A find, a create (lookup + create) or a Confirm (re-read + write) is one action. Its deadline is
set once, where the action starts (`ContactsService`), and read wherever time is spent: the
adapter's retry loop sizes each attempt's timeout to what is left and stops retrying when
nothing is; a caller waiting for a coalesced batch stops waiting at its own deadline. So a
HubSpot that hangs costs the user the action's budget, not a timeout per attempt per call.

It lives in a context variable because the action's calls run in its own task (and batch tasks
get the latest deadline of the callers they serve, via `until`).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_deadline: ContextVar[float | None] = ContextVar("hubspot_action_deadline", default=None)


def current() -> float | None:
    """The running action's deadline (`time.monotonic()` seconds), or None outside actions."""
    return _deadline.get()


def remaining() -> float | None:
    """Seconds left in the running action (never negative), or None outside actions."""
    due = _deadline.get()
    return None if due is None else max(0.0, due - time.monotonic())


@contextmanager
def action(seconds: float) -> Iterator[float]:
    """Start an action of at most `seconds`; an action inside another keeps the outer one's
    deadline (a create's lookup is part of the create). Yields the deadline."""
    outer = _deadline.get()
    if outer is not None:
        yield outer
        return
    due = time.monotonic() + seconds
    token = _deadline.set(due)
    try:
        yield due
    finally:
        _deadline.reset(token)


@contextmanager
def until(due: float | None) -> Iterator[None]:
    """Run the body under exactly this deadline (a batch serving several actions)."""
    token = _deadline.set(due)
    try:
        yield
    finally:
        _deadline.reset(token)
