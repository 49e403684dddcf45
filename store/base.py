"""What every store offers: the one interface the bot and the channel are written against.

Why one interface with three implementations (memory for tests, SQLite for one process,
PostgreSQL for several instances): the correctness rules -- a state write loses to a newer one,
a redelivered activity runs once, a write is claimed before HubSpot is called -- must hold the
same way everywhere, so the same tests run against all three (`tests/store/test_store.py`).

Nothing here knows about the Bot Framework: documents are plain JSON dicts. Nor about SQL: the
tables and rows the SQLite and PostgreSQL stores share are in `store/sql.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

# How long a processed activity id is remembered. Teams redelivers within seconds to minutes;
# a day is ample and keeps the table small.
PROCESSED_TTL_SECONDS = 24 * 3600


class StoreError(Exception):
    """The root of the store's exceptions."""


class StoreUnavailable(StoreError):
    """The store cannot be reached now (PostgreSQL restarting, the network cut): nothing the
    request did is known to have been kept. Answered with 503 and Retry-After at the edge, so
    the channel delivers again; a background turn waits and runs again (bots/inbox.py)."""


class EtagConflict(StoreError, KeyError):
    """The stored document changed since it was read (another turn wrote it first)."""


class ChannelFull(StoreError):
    """No room for another channel conversation: every kept one is active."""


@dataclass(frozen=True)
class Doc:
    etag: str
    data: dict[str, Any]


@dataclass(frozen=True)
class Claim:
    """A write's ticket. `fresh` is True for the caller that took it now (only that caller may
    write); otherwise it describes the earlier claim: `state` "claimed" (its writer is at work,
    or crashed before saying how it went) or "done" (with its `result`)."""

    key: str
    state: str
    by: str
    at: float
    fresh: bool = False
    result: dict[str, Any] | None = None


# What became of a write the audit log records.
APPLIED = "applied"  # HubSpot confirmed it
REFUSED = "refused"  # the bot refused it before HubSpot was asked (`reason` says why)
IN_DOUBT = "may-have-been-written"  # HubSpot was asked and did not say how it went
ATTEMPTED = "attempted"  # written with the claim, before HubSpot is asked; resolved after
NOT_DONE = "not-done"  # an attempted write HubSpot did not take (nothing was written)
# The outcomes of a claim's record that a later turn may still settle by reading HubSpot.
OPEN_OUTCOMES = (ATTEMPTED, IN_DOUBT)


@dataclass(frozen=True)
class AuditEntry:
    """One write to HubSpot, or one the bot refused: who asked, from where, what it changed.

    `properties` are the new values, `old` what they replaced (empty for a create). A refused
    write names its contact by `contact_id` when known, else by `target` as the user typed it
    (an email or a name). `claim`: the write claim an attempted record was written with
    (flows/writes.py), by which it is resolved; "" for a record written on its own."""

    at: float
    actor_id: str
    actor_name: str
    channel: str
    conversation: str
    action: str  # "create" | "update"
    contact_id: str
    properties: dict[str, str] = field(default_factory=dict)
    old: dict[str, str] = field(default_factory=dict)
    outcome: str = APPLIED
    reason: str = ""  # refused: read_only | not_allowed | invalid:<field> | duplicate | changed
    actor_email: str = ""
    actor_tenant: str = ""
    target: str = ""
    claim: str = ""


@dataclass(frozen=True)
class InboxItem:
    """An activity the app accepted (answered the channel for) but has not finished handling:
    what it needs to run the turn again (`record`), and how many instances have taken it so far
    (`attempts`, 1 for the one that accepted it)."""

    key: str
    record: dict[str, Any]
    attempts: int


@dataclass(frozen=True)
class ChannelConversation:
    """A conversation of the built-in Direct Line channel: whose it is, its language, and the
    watermark of its newest activity (`seq`)."""

    id: str
    user_id: str
    locale: str | None = None
    seq: int = 0


# What a channel listener hears: (conversation id, message). Messages are small JSON dicts:
# {"seq": n} when activity n was appended, {"ended": True} when the store dropped the
# conversation to make room, anything else the channel itself signalled. The id "*" means
# "notifications may have been missed: catch up on every conversation".
ChannelListener = Callable[[str, dict[str, Any]], None]


def channel_activity_id(conversation_id: str, seq: int) -> str:
    """The id Direct Line gives activity number `seq` of a conversation (the real service's
    shape); kept by the store, which hands out the numbers."""
    return f"{conversation_id}|{seq:07d}"


class Store(Protocol):
    async def open(self) -> None:
        """Create or migrate the schema (idempotent, safe for instances starting together)."""

    async def close(self) -> None: ...

    async def reachable(self) -> bool:
        """Can the store be used right now (`/readyz`)? Quick, never raises."""

    # -- documents with eTags (Bot Framework conversation state) ------------------------------
    async def read(self, keys: list[str]) -> dict[str, Doc]: ...

    async def write(self, items: Mapping[str, tuple[str | None, dict[str, Any]]]) -> dict[str, str]:
        """Write each `key: (expected eTag, data)` atomically; returns the new eTags. An
        expected eTag other than None or "*" that is not the stored one raises EtagConflict
        and writes nothing."""

    async def delete(self, keys: list[str]) -> None: ...

    # -- one turn at a time per conversation, across instances --------------------------------
    def turn(self, key: str) -> AbstractAsyncContextManager[None]:
        """Held for a whole turn; released when the holder ends or its process dies."""

    # -- activities already processed ---------------------------------------------------------
    async def processed(self, key: str) -> bool: ...

    async def mark_processed(self, key: str) -> None: ...

    # -- activities answered at once, handled in the background (bots/inbox.py) --------------
    async def inbox_accept(
        self, key: str, record: dict[str, Any], *, owner: str, lease_seconds: float
    ) -> bool:
        """Keep `record` under `key`, leased to `owner` for `lease_seconds`, unless the key is
        there already (a redelivery while the first delivery is still in hand): True when kept
        now. Kept before the channel is answered, so a crash after the answer loses nothing."""

    async def inbox_renew(self, keys: Sequence[str], *, owner: str, lease_seconds: float) -> None:
        """Extend the leases `owner` still holds on `keys` (its turns are alive)."""

    async def inbox_take(
        self, *, owner: str, lease_seconds: float, limit: int, orphaned: bool = False
    ) -> list[InboxItem]:
        """Up to `limit` items whose lease ran out (their owner died or stalled), oldest first,
        now leased to `owner` with their attempts counted; across instances each is taken by
        one at a time. `orphaned`: every item not `owner`'s, lease or not (a process that is
        the store's only user, at start: whoever held them was its previous run)."""

    async def inbox_done(self, key: str) -> None:
        """The item's turn ended (or it was given up): nobody takes it again."""

    # -- writes claimed before HubSpot is called ----------------------------------------------
    async def claim(self, key: str, *, by: str) -> Claim: ...

    async def lookup_claim(self, key: str) -> Claim | None: ...

    async def finish(
        self, key: str, result: dict[str, Any], *, audit: AuditEntry | None = None
    ) -> None:
        """Mark the claim done with `result`, and record `audit` in the same transaction: a
        crash between the two would leave a write told "already saved" that the log lacks.
        `audit` takes the place of the claim's open record (`claim_attempt`), if it has one.
        A claim done already (someone else settled it first) is left as it is; one given back
        meanwhile (a takeover read HubSpot too early) still gets `audit`: HubSpot confirmed it."""

    async def release(self, key: str, *, audit: AuditEntry | None = None) -> None:
        """Give a claim back: nothing was written, the write may be tried again. The claim's
        open record becomes `audit` (a write refused after its claim), else "not-done"."""

    async def claim_attempt(self, key: str, *, by: str, attempt: AuditEntry) -> Claim:
        """`claim`, and when taken now, `attempt` recorded as "attempted" (with `claim` =
        `key`) in the same transaction: a crash between the two cannot leave a write claimed
        with no record of who asked, nor a record of a write nobody claimed."""

    async def open_attempt(self, key: str) -> AuditEntry | None:
        """The claim's record still open (`OPEN_OUTCOMES`), newest; None when it has none."""

    async def resolve(self, key: str, entry: AuditEntry) -> None:
        """The claim's open record becomes `entry` (recorded anew when it has none). Like
        `finish` and `release`, only while the claim is "claimed": one that someone else
        finished or gave back meanwhile (a takeover, the settle sweep) is left as it is."""

    async def open_attempts(
        self, *, before: float, since: float, limit: int
    ) -> list[tuple[Claim, AuditEntry]]:
        """Claims still "claimed", taken between `since` and `before` (epoch seconds), with
        their open record, oldest first: the writes the settle sweep reads HubSpot for
        (flows/settle_sweep.py)."""

    # -- short leases on a name, across instances (one create of a new email at a time) -------
    async def lease_take(self, key: str, *, owner: str, seconds: float) -> bool:
        """Hold `key` for `owner` for `seconds`, unless another owner holds it and its lease
        has not run out: True when `owner` holds it now (also when it held it already, so a
        repeat after a lost answer is no refusal). A lease left by a dead process runs out."""

    async def lease_drop(self, key: str, *, owner: str) -> None:
        """Let go of `key` if `owner` still holds it (never another owner's lease)."""

    # -- who wrote what -----------------------------------------------------------------------
    async def record(self, entry: AuditEntry) -> None: ...

    async def audit_log(
        self,
        limit: int = 100,
        *,
        contacts: Sequence[str] = (),
        user: str | None = None,
        since: float | None = None,
    ) -> list[AuditEntry]:
        """The newest entries first; only those about one of `contacts` (a contact id, or the
        email or name a refused write named it by), by `user` (email or id) or from `since`
        (epoch seconds) on, when given."""

    # -- the built-in Direct Line channel (webchat/), so any instance serves any conversation ---
    async def channel_start(
        self, conversation: ChannelConversation, *, keep: int, active_seconds: float
    ) -> bool:
        """Create the conversation unless it exists; True when created now. At most `keep`
        conversations are kept, and an active one (an activity appended, or started, in the
        last `active_seconds`) is never dropped: to make room the least recently active idle
        ones go first (their listeners, on every instance, hear `{"ended": True}`), and with
        no idle one left ChannelFull is raised and nothing is created."""

    async def channel_get(self, conversation_id: str) -> ChannelConversation | None: ...

    async def channel_append(
        self, conversation_id: str, activity: dict[str, Any], *, keep_id: bool, history: int
    ) -> str | None:
        """Give `activity` the conversation's next watermark and (unless `keep_id` and it has
        one) its id, keep it with the newest `history` others, and tell every instance's
        listeners `{"seq": n}`. Returns the id; None when there is no such conversation."""

    async def channel_since(
        self, conversation_id: str, after: int | None, limit: int
    ) -> tuple[list[dict[str, Any]], int]:
        """Activities after watermark `after` (all kept ones for None), oldest first, and the
        watermark to hand back."""

    async def channel_signal(self, conversation_id: str, message: dict[str, Any]) -> None:
        """Tell every instance's listeners (this one's too); a message too large is dropped."""

    def channel_listen(self, listener: ChannelListener) -> None: ...

    # -- small secrets the instances must share (e.g. the Direct Line signing key) ------------
    async def secret(self, name: str) -> str:
        """The named random secret, created by whichever instance asks first."""


@runtime_checkable
class SharedRates(Protocol):
    """Rate limits counted in the store, for every instance at once (PostgreSQL only: memory
    and SQLite serve one process, which counts its own, webchat/limits.py)."""

    async def rate_take(self, buckets: Sequence[tuple[str, int]], *, now: float) -> list[float]:
        """Token buckets of `per_minute` (a minute's burst, refilled evenly), by key: take one
        from each of `buckets` ((key, per_minute)) if every one has one, else none. The wait
        in seconds of each (all 0: taken). `now` is wall-clock time."""
        ...


def check_etag(key: str, wanted: str | None, stored: str | None) -> None:
    """The eTag rule every store applies (as the SDK's own stores do)."""
    if wanted == "":
        raise ValueError("storage write: empty eTag")
    if stored is not None and wanted not in (None, "*") and wanted != stored:
        raise EtagConflict(f"eTag conflict on {key!r}")


def audit_matches(
    entry: AuditEntry,
    *,
    contacts: Sequence[str] = (),
    user: str | None = None,
    since: float | None = None,
) -> bool:
    """`store.sql.audit_select`'s filter, for the memory store."""
    ids = {c.strip().lower() for c in contacts if c.strip()}
    if ids and entry.contact_id.lower() not in ids and entry.target.lower() not in ids:
        return False
    who = (user or "").strip().lower()
    if who and who not in (entry.actor_email.lower(), entry.actor_id.lower()):
        return False
    return since is None or entry.at >= since


class LocalListeners:
    """Channel listeners of one process: what memory and SQLite use, where every conversation's
    socket is in this process."""

    def __init__(self) -> None:
        self._listeners: list[ChannelListener] = []

    def add(self, listener: ChannelListener) -> None:
        self._listeners.append(listener)

    def emit(self, conversation_id: str, message: dict[str, Any]) -> None:
        for listener in list(self._listeners):
            listener(conversation_id, message)


def since_result(
    rows: list[tuple[int, dict[str, Any]]], after: int | None, newest: int
) -> tuple[list[dict[str, Any]], int]:
    """`channel_since`'s answer from the rows picked: the watermark is the last row's, or with
    nothing new the one the client gave (the newest for a client that gave none)."""
    if rows:
        return [activity for _, activity in rows], rows[-1][0]
    return [], newest if after is None else max(after, 0)
