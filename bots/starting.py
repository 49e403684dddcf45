"""Start-up in the background: the server listens at once, the app's start-up steps run behind.

Why: the steps wait for the store (PostgreSQL started after the app, or away for a while: the
store retries with a logged back-off), and aiohttp listens only once every `on_startup` step
has returned. A process that does not listen cannot say it is alive, so an orchestrator kills
it, and a channel's POST meets a refused connection instead of an answer it can act on.

While the steps run, `/healthz` answers 200 (the process is alive), `/readyz` 503 ("starting"),
and every other route 503 with Retry-After, as when the store is unreachable later
(bots/failures.py): the channel delivers again, the page sends again. A step that fails for
any other reason is a bug or a bad setting: it is logged, `/healthz` answers 503 from then on,
and with `exit_on_failure` (the served app) the process stops, as it did when start-up ran
before listening.

    starting = BackgroundStart(always_open={"/healthz", "/readyz"})
    app.middlewares.append(starting.middleware)
    ...                                        # on_startup steps added as usual
    starting.take_over(app)                    # last: they now run after the server listens
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import warnings
from collections.abc import Awaitable, Callable, Collection
from typing import TypeVar

from aiohttp import web

from bots.failures import RETRY_AFTER_SECONDS, brief

log = logging.getLogger(__name__)

T = TypeVar("T")
Step = Callable[[web.Application], Awaitable[object]]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def keep_state(app: web.Application, key: web.AppKey[T], value: T) -> None:
    """`app[key] = value` from a start-up step. In the background the app is already frozen
    and aiohttp warns that changing its state is deprecated; what a step sets is what the
    routes wait for (they answer 503 until then), so nothing reads it half-made."""
    with warnings.catch_warnings():  # no await inside: no other task runs meanwhile
        warnings.filterwarnings("ignore", "Changing state of started", DeprecationWarning)
        app[key] = value


class BackgroundStart:
    def __init__(self, *, always_open: Collection[str], exit_on_failure: bool = False) -> None:
        self._always_open = frozenset(always_open)
        self.exit_on_failure = exit_on_failure
        self.failed = False
        self._steps: list[Step] = []
        self._task: asyncio.Task[None] | None = None
        self._done = asyncio.Event()

    @property
    def started(self) -> bool:
        """Every start-up step has run."""
        return self._done.is_set()

    async def wait(self) -> None:
        await self._done.wait()

    def take_over(self, app: web.Application) -> None:
        """Run the app's `on_startup` steps (in their order) in the background instead."""
        self._steps = list(app.on_startup)
        app.on_startup.clear()
        app.on_startup.append(self._begin)
        app.on_shutdown.insert(0, self._stop)

    async def _begin(self, app: web.Application) -> None:
        self._task = asyncio.create_task(self._run(app), name="background start-up")

    async def _run(self, app: web.Application) -> None:
        try:
            for step in self._steps:
                await step(app)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.failed = True
            log.error("start-up failed: %s", brief(exc))
            if self.exit_on_failure:
                os.kill(os.getpid(), signal.SIGTERM)  # run_app's handler: a graceful exit
            return
        self._done.set()
        log.info("started: taking turns")

    async def _stop(self, app: web.Application) -> None:
        task = self._task
        if task is not None and not task.done():
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if self.failed:
            return web.json_response({"status": "start-up failed"}, status=503)
        if self._done.is_set() or request.path in self._always_open:
            return await handler(request)
        return web.json_response(
            {"error": {"code": "ServiceUnavailable", "message": "Starting; try again shortly."}},
            status=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
