"""One task run: the real app over HTTP, as the tests drive it, pointed at a real model.

For each run a fresh app (state in memory) with its own local HubSpot (`hubspot_local`, in a
temporary folder) is seeded with the task's contacts through the real service; then the user's
steps go in through the test channel, exactly as a chat client would send them: messages as
messages, "[confirm]" as a click on the newest Confirm (or Create) button, with the inputs the
card holds. The run records what HubSpot holds before and after, every text the user was shown,
and for each turn its seconds and model calls (through the meter), then `grading.grade` decides.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any

from openai import AsyncOpenAI

from eval.grading import Grade, Props, grade
from eval.meter import Counts, MeteredTransport
from eval.tasks import CONFIRM, Task
from tests.support.botapp import Conversation, RunningApp, running_app, test_settings
from tests.support.cardread import texts
from tests.support.channel import Recorded, TestChannel

# The buttons "[confirm]" presses: Confirm on an update, Create on a prefilled contact.
CONFIRM_ACTIONS = ("update_confirm", "create_confirm", "create_submit")
_INPUTS = ("Input.Text", "Input.ChoiceSet", "Input.Toggle", "Input.Number", "Input.Date")


@dataclass
class Turn:
    step: str
    seconds: float
    model: Counts
    pressed: bool = True  # False: "[confirm]" with no button to press (nothing was sent)


@dataclass
class TaskRun:
    task: Task
    run: int
    grade: Grade
    turns: list[Turn] = field(default_factory=list)
    unpreviewed: int = 0  # writes that followed a typed message (no Confirm/Create pressed)

    @property
    def passed(self) -> bool:
        return self.grade.passed


@dataclass(frozen=True)
class Endpoint:
    """The model the app is pointed at: its client (metered) and the name it is asked for."""

    client: AsyncOpenAI
    meter: MeteredTransport
    model: str
    timeout_seconds: float | None = None  # MODEL_TIMEOUT_SECONDS for the app; None: default


def shown_texts(activity: Recorded) -> list[str]:
    """What a person reads on one message: its text and every text on its cards."""
    found = [activity.text] if activity.text else []
    for card in activity.cards:
        found.extend(texts(card))
    return found


def _inputs(card: Any) -> dict[str, Any]:
    """The values a card's inputs hold as sent (what pressing a button submits with them)."""
    out: dict[str, Any] = {}
    if isinstance(card, dict):
        if card.get("type") in _INPUTS and card.get("id"):
            out[str(card["id"])] = card.get("value", "")
        for value in card.values():
            out.update(_inputs(value))
    elif isinstance(card, list):
        for value in card:
            out.update(_inputs(value))
    return out


def _actions(card: Any) -> list[dict[str, Any]]:
    if isinstance(card, dict):
        found = [card] if card.get("type") in ("Action.Submit", "Action.Execute") else []
        return found + [a for v in card.values() for a in _actions(v)]
    if isinstance(card, list):
        return [a for v in card for a in _actions(v)]
    return []


def confirm_data(activities: list[Recorded]) -> dict[str, Any] | None:
    """What pressing the newest Confirm/Create button sends, or None when no card offers one.
    `activities` in the order sent; an updated card (PUT, e.g. one that ended when used)
    counts as it is now."""
    current: dict[str, Recorded] = {}
    for a in activities:
        current[a.id] = a  # a later PUT of the same id replaces it
    for activity in reversed(list(current.values())):
        for card in reversed(activity.cards):
            for action in _actions(card):
                data = action.get("data")
                if isinstance(data, dict) and data.get("action") in CONFIRM_ACTIONS:
                    return {**_inputs(card), **data}
    return None


async def snapshot(bot: RunningApp) -> dict[str, Props]:
    """Every live contact's properties by id, read straight from the local HubSpot's store."""
    records, _ = await bot.hubspot_local.store.page(0, 100_000)
    return {str(r.id): dict(r.props) for r in records}


async def run_task(
    task: Task, endpoint: Endpoint, *, run: int = 1, turn_limit: float = 300.0
) -> TaskRun:
    """Run `task` once against `endpoint` and grade it."""
    with tempfile.TemporaryDirectory(prefix="eval-") as tmp:
        overrides: dict[str, Any] = {
            "openai_api_key": "eval",
            "openai_model": endpoint.model,
            "hubspot_seed_demo": 0,
        }
        if endpoint.timeout_seconds is not None:
            overrides["model_timeout_seconds"] = endpoint.timeout_seconds
        settings = test_settings(tmp, **overrides)
        async with (
            running_app(settings, openai_client=endpoint.client) as bot,
            TestChannel() as channel,
        ):
            return await _converse(task, endpoint, bot, channel, run, turn_limit)


async def _converse(
    task: Task,
    endpoint: Endpoint,
    bot: RunningApp,
    channel: TestChannel,
    run: int,
    turn_limit: float,
) -> TaskRun:
    seeded = {}
    for key, props in task.seed.items():
        seeded[key] = (await bot.contacts.create(dict(props))).contact.id
    before = await snapshot(bot)
    chat = Conversation(bot, channel, locale="ko-KR" if task.lang == "ko" else "en-US")
    await chat.start()
    start = len(channel.activities(chat.conversation_id))
    turns: list[Turn] = []
    unpreviewed = 0
    failures: list[str] = []
    for step in task.steps:
        held = await snapshot(bot)
        counts = endpoint.meter.counts.copy()
        began = time.monotonic()
        if step == CONFIRM:
            data = confirm_data(channel.activities(chat.conversation_id)[start:])
            if data is None:
                turns.append(Turn(step, 0.0, Counts(), pressed=False))
                continue
        try:
            async with asyncio.timeout(turn_limit):
                if step == CONFIRM:
                    await chat.click(data)
                else:
                    await chat.say(step)
        except (TimeoutError, AssertionError) as exc:
            failures.append(f"the turn {step!r} did not end: {type(exc).__name__} {exc}")
        turns.append(Turn(step, time.monotonic() - began, endpoint.meter.counts.since(counts)))
        if step != CONFIRM:
            unpreviewed += _writes_between(held, await snapshot(bot))
    seen = [t for a in channel.activities(chat.conversation_id)[start:] for t in shown_texts(a)]
    graded = grade(task, seeded=seeded, before=before, after=await snapshot(bot), seen=seen)
    graded.problems[:0] = failures
    return TaskRun(task, run, graded, turns, unpreviewed)


def _writes_between(before: dict[str, Props], after: dict[str, Props]) -> int:
    """How many contacts were created or changed between two snapshots."""
    return sum(1 for cid, props in after.items() if before.get(cid) != props)
