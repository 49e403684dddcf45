"""The store in this process's memory: for tests, and the reference the others must match."""

from __future__ import annotations

import copy
import json
import secrets
import time
import uuid
from collections import OrderedDict, deque
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, replace
from typing import Any

from ground.locks import KeyedLocks
from store.base import (
    ATTEMPTED,
    NOT_DONE,
    OPEN_OUTCOMES,
    PROCESSED_TTL_SECONDS,
    AuditEntry,
    ChannelConversation,
    ChannelFull,
    ChannelListener,
    Claim,
    Doc,
    InboxItem,
    LocalListeners,
    audit_matches,
    channel_activity_id,
    check_etag,
    since_result,
)


@dataclass
class _Leased:
    """An inbox item: the record, who holds it and until when, how often it was taken."""

    record: dict[str, Any]
    owner: str
    until: float
    attempts: int = 1


class MemoryStore:
    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._docs: dict[str, Doc] = {}
        self._processed: dict[str, float] = {}
        self._claims: dict[str, Claim] = {}
        self._leases: dict[str, tuple[str, float]] = {}  # key -> (owner, held until)
        self._audit: list[AuditEntry] = []
        self._secrets: dict[str, str] = {}
        self._turns = KeyedLocks()
        # Least recently active first; each with its numbered activities.
        self._channel: OrderedDict[str, ChannelConversation] = OrderedDict()
        self._channel_active: dict[str, float] = {}  # when each last had an activity
        self._logs: dict[str, deque[tuple[int, dict[str, Any]]]] = {}
        self._listeners = LocalListeners()
        self._inbox: dict[str, _Leased] = {}  # in the order accepted

    async def open(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def reachable(self) -> bool:
        return True

    async def read(self, keys: list[str]) -> dict[str, Doc]:
        return {k: copy.deepcopy(self._docs[k]) for k in keys if k in self._docs}

    async def write(self, items: Mapping[str, tuple[str | None, dict[str, Any]]]) -> dict[str, str]:
        for key, (wanted, _) in items.items():
            check_etag(key, wanted, self._docs[key].etag if key in self._docs else None)
        etags: dict[str, str] = {}
        for key, (_, data) in items.items():
            etags[key] = uuid.uuid4().hex
            # Through JSON, as the other stores do: what cannot be stored fails here too.
            self._docs[key] = Doc(etags[key], json.loads(json.dumps(data)))
        return etags

    def doc_keys(self) -> list[str]:
        """Every document's key (tests look at what a turn saved)."""
        return list(self._docs)

    async def delete(self, keys: list[str]) -> None:
        for key in keys:
            self._docs.pop(key, None)

    def turn(self, key: str) -> AbstractAsyncContextManager[None]:
        return self._turns.hold(key)

    async def processed(self, key: str) -> bool:
        at = self._processed.get(key)
        return at is not None and at > self._clock() - PROCESSED_TTL_SECONDS

    async def mark_processed(self, key: str) -> None:
        now = self._clock()
        self._processed[key] = now
        for old in [k for k, at in self._processed.items() if at <= now - PROCESSED_TTL_SECONDS]:
            del self._processed[old]

    def forget_processed(self, key: str) -> None:
        """As if the process had died before marking `key` processed (tests of redelivery)."""
        self._processed.pop(key, None)

    async def inbox_accept(
        self, key: str, record: dict[str, Any], *, owner: str, lease_seconds: float
    ) -> bool:
        if key in self._inbox:
            return False
        kept = json.loads(json.dumps(record))  # through JSON, as the other stores keep it
        self._inbox[key] = _Leased(kept, owner, self._clock() + lease_seconds)
        return True

    async def inbox_renew(self, keys: Sequence[str], *, owner: str, lease_seconds: float) -> None:
        until = self._clock() + lease_seconds
        for key in keys:
            item = self._inbox.get(key)
            if item is not None and item.owner == owner:
                item.until = until

    async def inbox_take(
        self, *, owner: str, lease_seconds: float, limit: int, orphaned: bool = False
    ) -> list[InboxItem]:
        now = self._clock()
        taken: list[InboxItem] = []
        for key, item in self._inbox.items():
            if len(taken) >= limit:
                break
            if item.until <= now or orphaned and item.owner != owner:
                item.owner, item.until = owner, now + lease_seconds
                item.attempts += 1
                taken.append(InboxItem(key, copy.deepcopy(item.record), item.attempts))
        return taken

    async def inbox_done(self, key: str) -> None:
        self._inbox.pop(key, None)

    async def claim(self, key: str, *, by: str) -> Claim:
        existing = self._claims.get(key)
        if existing is not None:
            return existing
        self._claims[key] = Claim(key, "claimed", by, self._clock())
        return Claim(key, "claimed", by, self._claims[key].at, fresh=True)

    async def lookup_claim(self, key: str) -> Claim | None:
        return self._claims.get(key)

    async def finish(
        self, key: str, result: dict[str, Any], *, audit: AuditEntry | None = None
    ) -> None:
        claim = self._claims.get(key)
        if claim is not None and claim.state != "claimed":  # someone else settled it first
            return
        if claim is not None:
            self._claims[key] = Claim(key, "done", claim.by, claim.at, result=dict(result))
        if audit is not None:  # also when given back meanwhile: HubSpot confirmed it
            self._put(key, audit)

    async def release(self, key: str, *, audit: AuditEntry | None = None) -> None:
        claim = self._claims.get(key)
        if claim is None or claim.state != "claimed":
            return
        del self._claims[key]
        found = self._open(key)
        if audit is not None:
            self._put(key, audit)
        elif found is not None:
            self._audit[found] = replace(self._audit[found], outcome=NOT_DONE)

    async def claim_attempt(self, key: str, *, by: str, attempt: AuditEntry) -> Claim:
        claim = await self.claim(key, by=by)
        if claim.fresh:
            self._audit.append(replace(attempt, outcome=ATTEMPTED, claim=key))
        return claim

    async def open_attempt(self, key: str) -> AuditEntry | None:
        found = self._open(key)
        return None if found is None else self._audit[found]

    async def resolve(self, key: str, entry: AuditEntry) -> None:
        claim = self._claims.get(key)
        if claim is not None and claim.state == "claimed":
            self._put(key, entry)

    async def open_attempts(
        self, *, before: float, since: float, limit: int
    ) -> list[tuple[Claim, AuditEntry]]:
        found = []
        for claim in sorted(self._claims.values(), key=lambda c: c.at):
            if claim.state == "claimed" and since <= claim.at < before:
                index = self._open(claim.key)
                if index is not None:
                    found.append((claim, self._audit[index]))
        return found[:limit]

    def _open(self, key: str) -> int | None:
        """The index of the claim's open record in the log, newest."""
        for index in range(len(self._audit) - 1, -1, -1):
            entry = self._audit[index]
            if entry.claim == key and entry.outcome in OPEN_OUTCOMES:
                return index
        return None

    def _put(self, key: str, entry: AuditEntry) -> None:
        found = self._open(key)
        if found is None:
            self._audit.append(entry)
        else:
            self._audit[found] = replace(entry, claim=key)

    async def lease_take(self, key: str, *, owner: str, seconds: float) -> bool:
        now = self._clock()
        held = self._leases.get(key)
        if held is not None and held[0] != owner and held[1] > now:
            return False
        self._leases[key] = (owner, now + seconds)
        return True

    async def lease_drop(self, key: str, *, owner: str) -> None:
        held = self._leases.get(key)
        if held is not None and held[0] == owner:
            del self._leases[key]

    async def record(self, entry: AuditEntry) -> None:
        self._audit.append(entry)

    async def audit_log(
        self,
        limit: int = 100,
        *,
        contacts: Sequence[str] = (),
        user: str | None = None,
        since: float | None = None,
    ) -> list[AuditEntry]:
        found = (
            e
            for e in reversed(self._audit)
            if audit_matches(e, contacts=contacts, user=user, since=since)
        )
        return list(found)[:limit]

    async def channel_start(
        self, conversation: ChannelConversation, *, keep: int, active_seconds: float
    ) -> bool:
        if conversation.id in self._channel:
            return False
        now = self._clock()
        while len(self._channel) >= keep:
            idlest = next(iter(self._channel), None)
            if idlest is None or self._channel_active[idlest] > now - active_seconds:
                raise ChannelFull(f"all {len(self._channel)} conversations are active")
            del self._channel[idlest], self._channel_active[idlest]
            self._logs.pop(idlest, None)
            self._listeners.emit(idlest, {"ended": True})
        self._channel[conversation.id] = ChannelConversation(
            conversation.id, conversation.user_id, conversation.locale
        )
        self._channel_active[conversation.id] = now
        self._logs[conversation.id] = deque()
        return True

    async def channel_get(self, conversation_id: str) -> ChannelConversation | None:
        return self._channel.get(conversation_id)

    async def channel_append(
        self, conversation_id: str, activity: dict[str, Any], *, keep_id: bool, history: int
    ) -> str | None:
        conv = self._channel.get(conversation_id)
        if conv is None:
            return None
        seq = conv.seq + 1
        self._channel[conversation_id] = ChannelConversation(
            conv.id, conv.user_id, conv.locale, seq
        )
        self._channel.move_to_end(conversation_id)
        self._channel_active[conversation_id] = self._clock()
        kept = json.loads(json.dumps(activity))
        if not keep_id or not kept.get("id"):
            kept["id"] = channel_activity_id(conversation_id, seq)
        log = self._logs[conversation_id]
        log.append((seq, kept))
        while len(log) > history:
            log.popleft()
        self._listeners.emit(conversation_id, {"seq": seq})
        return str(kept["id"])

    async def channel_since(
        self, conversation_id: str, after: int | None, limit: int
    ) -> tuple[list[dict[str, Any]], int]:
        conv = self._channel.get(conversation_id)
        log = self._logs.get(conversation_id, deque())
        low = -1 if after is None else after
        rows = [(seq, copy.deepcopy(a)) for seq, a in log if seq > low][:limit]
        return since_result(rows, after, conv.seq if conv else 0)

    async def channel_signal(self, conversation_id: str, message: dict[str, Any]) -> None:
        self._listeners.emit(conversation_id, message)

    def channel_listen(self, listener: ChannelListener) -> None:
        self._listeners.add(listener)

    async def secret(self, name: str) -> str:
        return self._secrets.setdefault(name, secrets.token_urlsafe(32))
