"""Show the user the bot is at work when a turn is slow: the typing indicator after `first`
seconds, again every `every` seconds (Teams drops it after about three), until the turn sends
its first real reply or ends. A quick turn never sends one.

Why here and not in the flows: every slow thing (HubSpot, the model, a store under load) looks
the same to the user, and a turn that answers from the background after the channel was
answered (bots/inbox.py) must still show a sign of life within two seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ActivityTypes, ResourceResponse

from bots.failures import brief

log = logging.getLogger(__name__)


@contextlib.asynccontextmanager
async def typing_while_slow(
    context: TurnContext, *, first: float = 1.0, every: float = 3.0
) -> AsyncIterator[None]:
    replied = asyncio.Event()

    async def on_send(
        ctx: TurnContext,
        activities: list[Activity],
        next_send: Callable[[], Awaitable[list[ResourceResponse]]],
    ) -> Any:
        if any(a.type != ActivityTypes.typing for a in activities):
            replied.set()
        return await next_send()

    context.on_send_activities(on_send)

    async def keep_typing() -> None:
        delay = first
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(replied.wait(), delay)
            if replied.is_set():
                return
            try:
                await context.send_activity(Activity(type=ActivityTypes.typing))
            except Exception as exc:  # the channel is gone: the turn itself will find out
                log.info("could not send typing: %s", brief(exc))
                return
            delay = every

    task = asyncio.get_running_loop().create_task(keep_typing())
    try:
        yield
    finally:
        replied.set()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
