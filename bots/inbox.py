"""Answer the channel at once, run the turn in the background, and lose nothing if this
instance dies before the turn ends.

Why: Teams gives a bot about 15 s to answer the POST of an activity and then delivers it again,
and a user waiting on a slow HubSpot sees nothing happen. So an activity is accepted
(authenticated, then kept in the store's inbox), the channel answered 202 and the turn goes on
in a task this app owns (tracked, bounded by `max_running`, beyond which a POST waits for a
slot; drained on shutdown). Its replies go out through the connector like any turn's, and the
bot shows it is typing. `answer_seconds` (0 by default) lets a POST wait that long for its turn
first (a turn that ends inside it gets the usual 201): not the default, because under load the
wait is what makes answers late: when a HubSpot batch answers, every turn it held runs on in
the same loop iteration, and a POST waiting on a timer is answered only after all of them.

Why the inbox: a channel that got its answer never delivers the activity again, so a crash
after the answer would lose it. The accepting instance holds a lease on the item and renews it
while the turn runs; when a lease runs out (its instance died, or was stopped mid-turn) any
instance takes the item over and runs the turn again from the start. That is safe because the
bot marks activities processed (a turn that did end is not run twice) and claims every write
before HubSpot is called (a write that was done is not done again; one cut off is settled by
reading HubSpot, flows/settle.py). An item taken `max_attempts` times is given up, with a log
line: a turn that kills its instance must not kill every next one too. The limit is 8, not 3:
under a kill every few seconds (the fault harness, tests/processes/test_fault_harness.py) an
innocent turn was taken three times by instances that died under it, and 3 of 240 users were
never answered; a poison turn now costs at most 8 restarts before it is dropped.

Invokes and `expectReplies` deliveries are answered with what the turn produced, so they run
inline as before.

The built-in Web Chat channel (webchat/bridge.py) hands its pages' activities to `accept`, the
same door minus the token check (it authenticated the page itself). Its turns reply to the
accepting process's own loopback address, so an instance taking one over asks the channel's
`Door` for its own address and credentials instead of rebuilding them from the record.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from botbuilder.core import Bot
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, ActivityTypes, DeliveryModes
from botframework.connector.auth import AuthenticateRequestResult, ClaimsIdentity

from bots.failures import brief
from ground.ids import activity_key
from store import Store, StoreUnavailable

log = logging.getLogger(__name__)

# How an in-process channel readies a turn it did not accept here (`TurnInbox.add_door`): the
# activity (its serviceUrl may be set) in, the authentication the turn runs with out.
Door = Callable[[Activity], Awaitable[AuthenticateRequestResult]]


@dataclass(frozen=True)
class InboxSettings:
    answer_seconds: float = 0.0  # how long a POST waits for its turn before answering 202
    lease_seconds: float = 15.0  # how long an item stays with an instance that stops renewing
    max_running: int = 1000  # turns in the background at once; more wait for a slot
    drain_seconds: float = 10.0  # how long a shutdown lets running turns finish
    max_attempts: int = 8  # takes of one item before it is given up (see the docstring)
    store_wait_seconds: float = 60.0  # how long a turn that found the store away waits for it


def delivery_key(activity: Activity) -> str | None:
    """The key a delivery of this activity is known by (None: the activity has no id, so a
    redelivery cannot be told from a new one). The bot's processed-ids check uses the same."""
    conversation = activity.conversation.id if activity.conversation is not None else ""
    return activity_key(str(activity.channel_id), str(conversation), activity.id)


def _record(body: dict[str, Any], auth: AuthenticateRequestResult) -> dict[str, Any]:
    """What running the turn again needs: the activity as the channel sent it and who the
    channel said sent it (the validated claims, never the token itself)."""
    identity = auth.claims_identity
    return {
        "activity": body,
        "claims": dict(identity.claims or {}) if identity is not None else {},
        "authenticated": bool(identity.is_authenticated) if identity is not None else False,
        "authentication_type": getattr(identity, "authentication_type", None),
        "audience": auth.audience,
        "caller_id": auth.caller_id,
    }


class TurnInbox:
    def __init__(
        self,
        *,
        adapter: CloudAdapter,
        bot: Callable[[], Bot],
        store: Store,
        settings: InboxSettings,
        exclusive: bool = False,
    ) -> None:
        """`exclusive`: this process is the store's only user (SQLite, memory), so at start
        whatever the inbox holds was left by its previous run and is taken at once."""
        self._adapter = adapter
        self._bot = bot
        self._store = store
        self._settings = settings
        self.owner = f"instance-{uuid.uuid4().hex[:12]}"
        self._running: dict[str, asyncio.Task[None]] = {}
        self._slots = asyncio.Semaphore(settings.max_running)
        self._sweeper: asyncio.Task[None] | None = None
        self._closing = False
        self._exclusive = exclusive
        self._doors: dict[str, Door] = {}

    # -- the POST -----------------------------------------------------------------------------
    async def process(
        self, request: web.Request, body: dict[str, Any], activity: Activity
    ) -> web.StreamResponse:
        """The `/api/messages` handler, given the request's body read as JSON and as an
        Activity (bots/failures.read_activity)."""
        if not activity.type:
            raise web.HTTPBadRequest(text="The activity has no type.")
        if activity.type == ActivityTypes.invoke or (
            activity.delivery_mode == DeliveryModes.expect_replies
        ):
            answer: web.StreamResponse = await self._adapter.process(request, self._bot())
            return answer
        try:
            auth = await self._adapter.bot_framework_authentication.authenticate_request(
                activity, request.headers.get("Authorization", "")
            )
        except PermissionError as exc:
            raise web.HTTPUnauthorized() from exc
        running = await self.accept(body, activity, auth)
        if running is None:  # still in another live instance's hands
            log.info("a redelivered %s activity is already in hand", activity.type)
            return web.Response(status=202)
        if self._settings.answer_seconds > 0:
            await asyncio.wait({running}, timeout=self._settings.answer_seconds)
        return web.Response(status=201 if running.done() else 202)

    async def accept(
        self, body: dict[str, Any], activity: Activity, auth: AuthenticateRequestResult
    ) -> asyncio.Task[None] | None:
        """Keep an authenticated activity in the store and run its turn here; its task, or None
        when another live instance has it in hand (a repeat of a delivery it accepted). Also
        the door of the in-process Web Chat channel, which authenticates its pages itself."""
        key = delivery_key(activity) or f"no-id/{uuid.uuid4().hex}"
        running = self._running.get(key)
        if running is not None:
            return running
        await self._slots.acquire()
        try:
            kept = await self._store.inbox_accept(
                key,
                _record(body, auth),
                owner=self.owner,
                lease_seconds=self._settings.lease_seconds,
            )
        except BaseException:
            self._slots.release()
            raise
        if kept:
            return self._start(key, activity, auth)
        self._slots.release()  # a repeat of a delivery some instance accepted
        # The channel delivers again when its first POST failed: the instance that took it may
        # have died. If its lease ran out, this one runs it now.
        await self.take_over()
        return self._running.get(key)

    def add_door(self, caller_id: str, door: Door) -> None:
        """Turns whose record carries `caller_id` come from an in-process channel: when this
        instance takes one over, `door` gives the turn its authentication and its way back
        (the serviceUrl of the instance that accepted it may be a dead one's)."""
        self._doors[caller_id] = door

    def _start(
        self,
        key: str,
        activity: Activity,
        auth: AuthenticateRequestResult | None,
        door: Door | None = None,
    ) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(self._run(key, activity, auth, door))
        self._running[key] = task

        def ended(_: asyncio.Task[None]) -> None:
            self._running.pop(key, None)
            self._slots.release()

        task.add_done_callback(ended)
        return task

    async def _run(
        self,
        key: str,
        activity: Activity,
        auth: AuthenticateRequestResult | None,
        door: Door | None,
    ) -> None:
        if door is not None:
            try:
                auth = await door(activity)
            except Exception as exc:  # the item stays: taken again once its lease runs out
                log.error("could not ready a taken-over %s turn: %s", activity.type, brief(exc))
                return
        assert auth is not None
        wait = 0.25
        deadline = asyncio.get_running_loop().time() + self._settings.store_wait_seconds
        while True:
            try:
                await self._adapter.process_activity(auth, activity, self._bot().on_turn)
            except asyncio.CancelledError:
                raise  # a shutdown that could not wait: the item stays for whoever comes next
            except StoreUnavailable as exc:
                # PostgreSQL is away: run the turn again from the start when it is back (safe,
                # as for a takeover), rather than telling the user something went wrong.
                if asyncio.get_running_loop().time() + wait > deadline:
                    log.warning("left a %s turn for later: %s", activity.type, brief(exc))
                    return  # the item stays: taken over once its lease runs out
                await asyncio.sleep(wait)
                wait = min(wait * 2, 2.0)
                continue
            except Exception as exc:  # the adapter's own error handler already told the user
                log.error("a background %s turn failed: %s", activity.type, brief(exc))
            break
        await self._done(key)

    async def _done(self, key: str) -> None:
        try:
            await self._store.inbox_done(key)
        except Exception as exc:  # it is taken again later, and the processed check skips it
            log.warning("could not clear an inbox item: %s", brief(exc))

    # -- leases and takeovers -----------------------------------------------------------------
    async def start(self) -> None:
        """Take over what a dead instance left (with an exclusive store, everything the
        previous run left, at once), then keep renewing this instance's leases and sweeping."""
        if self._exclusive:
            await self.take_over(orphaned=True)
        self._sweeper = asyncio.get_running_loop().create_task(self._sweep())

    async def _sweep(self) -> None:
        every = max(0.05, self._settings.lease_seconds / 3)
        while not self._closing:
            try:
                if self._running:
                    await self._store.inbox_renew(
                        list(self._running),
                        owner=self.owner,
                        lease_seconds=self._settings.lease_seconds,
                    )
                await self.take_over()
            except Exception as exc:  # the store is down for a moment: try again next round
                log.warning("inbox sweep failed: %s", brief(exc))
            await asyncio.sleep(every)

    async def take_over(self, *, orphaned: bool = False) -> int:
        """Run the turns of items whose lease ran out (`orphaned`: of every item another owner
        holds); how many were taken."""
        free = self._settings.max_running - len(self._running)
        if free <= 0 or self._closing:
            return 0
        items = await self._store.inbox_take(
            owner=self.owner,
            lease_seconds=self._settings.lease_seconds,
            limit=min(free, 100),
            orphaned=orphaned,
        )
        for item in items:
            if item.key in self._running:
                continue
            if item.attempts > self._settings.max_attempts:
                log.error("gave up an activity after %d attempts", item.attempts - 1)
                await self._done(item.key)
                continue
            door = self._doors.get(str(item.record.get("caller_id")))
            try:
                activity = Activity().deserialize(item.record["activity"])
                auth = None if door is not None else self._rebuild(item.record)
            except Exception as exc:  # not something this version can run: drop it
                log.error("dropped an unreadable inbox item: %s", brief(exc))
                await self._done(item.key)
                continue
            log.info("took over a %s activity another instance accepted", activity.type)
            await self._slots.acquire()
            self._start(item.key, activity, auth, door)
        return len(items)

    def _rebuild(self, record: dict[str, Any]) -> AuthenticateRequestResult:
        identity = ClaimsIdentity(
            record.get("claims") or {},
            bool(record.get("authenticated")),
            record.get("authentication_type"),
        )
        auth = AuthenticateRequestResult()
        auth.claims_identity = identity
        auth.audience = record.get("audience")
        auth.caller_id = record.get("caller_id")
        auth.connector_factory = (
            self._adapter.bot_framework_authentication.create_connector_factory(identity)
        )
        return auth

    # -- for shutdown and tests ---------------------------------------------------------------
    async def finished(self, key: str) -> None:
        """Wait for the turn of `key`, if this instance is running it."""
        task = self._running.get(key)
        if task is not None:
            await asyncio.wait({task})

    @property
    def running(self) -> int:
        return len(self._running)

    async def close(self) -> None:
        """Stop sweeping; let running turns finish for `drain_seconds`, then cancel the rest
        (their items stay in the store, and the next instance or restart runs them)."""
        self._closing = True
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        tasks = list(self._running.values())
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=self._settings.drain_seconds)
            for task in pending:
                task.cancel()
            if pending:
                log.warning(
                    "shutdown cut %d running turns short; they run again later", len(pending)
                )
                await asyncio.gather(*pending, return_exceptions=True)
