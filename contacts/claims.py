"""The claim on a new contact's email: one create of an email at a time, across instances.

Why: two users adding the same person at once, through two instances behind a balancer, must
end with one contact, one "Contact created" and one "that email is taken". The duplicate check
and the create are two HubSpot calls; between them another instance's create of the same email
can land (HubSpot's 409 catches that, but not a create whose first attempt failed and whose
retry then finds the other user's contact). So the check and the create run under a claim:

- first a lock in this process (`ground.locks.KeyedLocks`): this instance's own creates of one
  email queue without a store round trip;
- then a lease in the shared store (`Store.lease_take`), keyed by the normalised email
  (`ground.ids.new_email_claim_key`), held by one create in the whole deployment.

A lease, not a lock held until let go: the claim of an instance killed mid-create runs out after
`lease_seconds` (longer than any create can take, since the action's deadline bounds it), so
the email is never blocked for good. Waiting for a claim another instance holds ends at the
action's deadline (`contacts.deadline`); then nothing was sent and the caller hears
HubSpotUnavailable (nothing written), as for any create that could not leave in time. A store
that cannot be reached is told the same way: nothing was sent, the user may try again.
"""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Protocol

from contacts import deadline
from contacts.errors import CreateInProgress, HubSpotUnavailable
from ground.ids import new_email_claim_key
from ground.locks import KeyedLocks
from store.base import StoreError

log = logging.getLogger(__name__)
FIRST_WAIT_SECONDS = 0.02
LONGEST_WAIT_SECONDS = 0.25


class Leases(Protocol):
    """What the claim needs from the shared store (every `store.base.Store` has it)."""

    async def lease_take(self, key: str, *, owner: str, seconds: float) -> bool: ...

    async def lease_drop(self, key: str, *, owner: str) -> None: ...


class EmailClaims:
    """`hold(email)`: run a create of `email` while no other create of it runs, here or in
    another instance sharing `leases`. Without `leases` (one process, tests) the lock in this
    process is the whole claim."""

    def __init__(self, leases: Leases | None = None, *, lease_seconds: float = 30.0) -> None:
        self._leases = leases
        self._lease_seconds = lease_seconds
        self._local = KeyedLocks()
        self._instance = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"

    @asynccontextmanager
    async def hold(self, email: str) -> AsyncIterator[None]:
        async with self._local.hold(email.strip().lower()):
            if self._leases is None:
                yield
                return
            key = new_email_claim_key(email)
            owner = f"{self._instance}/{uuid.uuid4().hex}"
            await self._take(self._leases, key, owner)
            try:
                yield
            finally:
                await self._drop(self._leases, key, owner)

    async def _take(self, leases: Leases, key: str, owner: str) -> None:
        """Take the lease, waiting while another instance's create holds it: until the
        action's deadline, or (no deadline) until any lease taken meanwhile ran out."""
        left = deadline.remaining()
        loop = asyncio.get_running_loop()
        give_up_at = loop.time() + (self._lease_seconds if left is None else left)
        wait = FIRST_WAIT_SECONDS
        while True:
            try:
                if await leases.lease_take(key, owner=owner, seconds=self._lease_seconds):
                    return
            except StoreError as exc:
                log.warning("the claim on a new email could not be taken: %s", exc)
                raise HubSpotUnavailable(
                    "The shared store did not answer; nothing was created."
                ) from exc
            if loop.time() + wait > give_up_at:
                raise CreateInProgress(
                    "Another create of this email is still running; nothing was created."
                )
            await asyncio.sleep(wait)
            wait = min(wait * 2, LONGEST_WAIT_SECONDS)

    async def _drop(self, leases: Leases, key: str, owner: str) -> None:
        """Best effort: a lease not let go runs out by itself."""
        try:
            await leases.lease_drop(key, owner=owner)
        except StoreError as exc:
            log.warning("the claim on a new email was left to run out: %s", exc)
