"""Each input's own outcome in a batch write: what `contacts.hubspot_batch` pairs answers with.

A batch answer (207 Multi-Status) lists `results` and `errors` in no particular order; each is
paired with its input by the `objectWriteTraceId` HubSpot echoes, else by the input's email or
id (`settle`). `Outcomes` keeps each input's outcome by index as it becomes known, so a retry
sends only the inputs still open. Apart from the batch calls so that their create and update
rules (and the evidence they read, `contacts.evidence`) have the room of a module of their own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from contacts.errors import ContactsError
from contacts.model import Contact
from contacts.translate import batch_error, to_contact

Outcome = Contact | ContactsError


class Outcomes:
    """Each input's outcome, by its index, as it becomes known; the rest are still open."""

    def __init__(self, count: int) -> None:
        self._count = count
        self.done: dict[int, Outcome] = {}

    def still_open(self) -> list[int]:
        return [i for i in range(self._count) if i not in self.done]

    def in_order(self) -> list[Outcome]:
        return [self.done[i] for i in range(self._count)]


async def one_by_one(
    indexes: list[int], done: dict[int, Outcome], send: Callable[[int], Awaitable[Contact]]
) -> None:
    outcomes = await asyncio.gather(*(send(i) for i in indexes), return_exceptions=True)
    for i, outcome in zip(indexes, outcomes, strict=True):
        if isinstance(outcome, Contact | ContactsError):
            done[i] = outcome
        else:
            raise outcome


def settle(answer: Any, todo: list[int], *, key_of: Any, by: str) -> list[tuple[int, Outcome]]:
    """Pair a batch answer's results and errors with the inputs they belong to: by the trace
    id HubSpot echoes, else by the input's email / id (results are not in input order)."""
    open_ = set(todo)
    by_key = {key_of(i): i for i in todo}
    out: list[tuple[int, Outcome]] = []

    def take(i: int | None, outcome: Outcome) -> None:
        if i is not None and i in open_:
            open_.discard(i)
            out.append((i, outcome))

    for obj in getattr(answer, "results", None) or []:
        contact = to_contact(obj)
        key = contact.email.lower() if by == "email" else contact.id
        i = trace_index(getattr(obj, "object_write_trace_id", None))
        take(i if i is not None else by_key.get(key), contact)
    loose = []
    for err in getattr(answer, "errors", None) or []:
        traces = (getattr(err, "context", None) or {}).get("objectWriteTraceId") or []
        i = trace_index(traces[0]) if traces else None
        if i is None:
            loose.append(err)
        else:
            take(i, batch_error(err, key=str(key_of(i))))
    if len(loose) == 1 and len(open_) == 1:  # one error naming no input, one input unanswered
        i = next(iter(open_))
        take(i, batch_error(loose[0], key=str(key_of(i))))
    return out


def trace_index(value: Any) -> int | None:
    try:
        return int(str(value)) if value is not None else None
    except ValueError:
        return None
