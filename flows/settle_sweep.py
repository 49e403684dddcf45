"""Settling the writes nobody came back for: each instance sweeps the open audit records.

Why: a takeover (flows/settle.py) settles a cut write only when a turn of the same conversation
meets its claim again. A write whose writer told the user "may have been saved" (HubSpot did
not answer), or whose takeover could not read HubSpot, stays "attempted" or
"may-have-been-written" for as long as nobody presses again, and a write HubSpot holds then has
no applied record. So every instance, alongside its inbox sweep, takes the open records whose
claim is old enough, reads HubSpot for each (the Settler's reads: by email for a create, by id
for an update, comparing the values the write would have set) and resolves it in place:
applied (still naming who asked, the claim done), not-done (the claim given back), or, when
HubSpot still cannot say, may-have-been-written, to be tried again later.

Why it is safe:
- It never reads before the writer's requests can no longer land: every HubSpot request of a
  write is cut off at the write's deadline, which starts before its claim (flows/create.py,
  flows/confirm.py; a batch of writes ends at its earliest caller's deadline,
  contacts.batching), and a record is swept only `MARGIN_SECONDS` past that.
- One instance at a time per record: a lease on `settle/<claim>` in the shared store.
- It writes nothing to HubSpot, and resolves only a claim still "claimed": one the writer or a
  takeover resolved meanwhile is left as they left it (Store.finish / release / resolve).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Callable

from flows.settle import Settled, Settler
from store import Store

log = logging.getLogger(__name__)

MARGIN_SECONDS = 5.0  # past the writer's deadline: its own record, if it lives, comes first
MAX_AGE_SECONDS = 24 * 3600  # older open records are left to an operator (python -m store audit)
LEASE_SECONDS = 60.0  # long enough for one read; a dead sweeper's lease runs out
RETRY_SECONDS = (10.0, 600.0)  # HubSpot could not say: ask again after this, doubling, up to
BATCH = 50  # records per round


class SettleSweep:
    def __init__(
        self,
        *,
        store: Store,
        settler: Settler,
        action_seconds: float,
        every: float = 2.0,
        owner: str = "",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._settler = settler
        self._quiet = action_seconds + MARGIN_SECONDS
        self._every = every
        self._owner = owner or f"settler-{uuid.uuid4().hex[:12]}"
        self._clock = clock
        self._later: dict[str, tuple[float, float]] = {}  # key -> (not before, next wait)
        self._task: asyncio.Task[None] | None = None

    async def once(self) -> dict[Settled, int]:
        """One round: every open record old enough, read and resolved; counts by outcome."""
        now = self._clock()
        found = await self._store.open_attempts(
            before=now - self._quiet, since=now - MAX_AGE_SECONDS, limit=BATCH
        )
        counts = dict.fromkeys(Settled, 0)
        keys = {claim.key for claim, _ in found}
        self._later = {k: v for k, v in self._later.items() if k in keys}
        for claim, attempt in found:
            later = self._later.get(claim.key)
            if later is not None and later[0] > now:
                continue
            lease = f"settle/{claim.key}"
            if not await self._store.lease_take(lease, owner=self._owner, seconds=LEASE_SECONDS):
                continue  # another instance is at it
            try:
                outcome = await self._settler.resolve(claim, attempt)
            finally:
                await self._store.lease_drop(lease, owner=self._owner)
            counts[outcome] += 1
            if outcome is Settled.UNKNOWN:
                wait = later[1] if later is not None else RETRY_SECONDS[0]
                self._later[claim.key] = (now + wait, min(wait * 2, RETRY_SECONDS[1]))
            else:
                self._later.pop(claim.key, None)
                log.info("settled a %s left open: %s", attempt.action, outcome.value)
        return counts

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        while True:
            try:
                await self.once()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the store or HubSpot away: next round
                log.warning("settle sweep failed: %s", type(exc).__name__)
            await asyncio.sleep(self._every)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
