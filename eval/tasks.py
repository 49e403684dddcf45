"""The evaluation's tasks, read from `eval/tasks.toml` (data, kept apart from the code).

A task is what a user does (its `steps`), what HubSpot holds before (`seed`, named contacts from
the file's `[contacts]` table) and what must be true after: the contacts `created`, the seeded
contacts `updated` (all others unchanged), and texts the user must have been `shown`. The file's
header comment says each key's meaning; `load_tasks` checks them, so a typo fails at once
instead of grading a task wrongly.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contacts.model import EDITABLE_PROPERTIES

TASKS_FILE = Path(__file__).with_name("tasks.toml")
CATEGORIES = (
    "create",
    "search",
    "update",
    "multi-turn",
    "ambiguity",
    "unsupported",
    "injection",
)
LANGS = ("en", "ko")
CONFIRM = "[confirm]"
# "name": the contact's full name as the bot shows it (Korean family name first, unspaced).
CHECKABLE_FIELDS = frozenset(EDITABLE_PROPERTIES) | {"name"}
_TASK_KEYS = {"id", "lang", "category", "seed", "steps", "created", "updated", "shown", "shown_any"}


class TaskFileError(ValueError):
    """tasks.toml says something the harness cannot grade."""


@dataclass(frozen=True)
class Task:
    id: str
    lang: str
    category: str
    seed: dict[str, dict[str, str]]  # key -> the contact's properties
    steps: tuple[str, ...]
    created: tuple[dict[str, str], ...] = ()
    updated: dict[str, dict[str, str]] = field(default_factory=dict)
    shown: tuple[str, ...] = ()
    shown_any: tuple[str, ...] = ()

    @property
    def messages(self) -> tuple[str, ...]:
        """What the user typed (buttons left out): where every written value must come from."""
        return tuple(s for s in self.steps if s != CONFIRM)


def _fields(where: str, values: Any) -> dict[str, str]:
    if not isinstance(values, Mapping):
        raise TaskFileError(f"{where}: expected a table of fields")
    unknown = set(values) - CHECKABLE_FIELDS
    if unknown:
        raise TaskFileError(f"{where}: unknown fields {sorted(unknown)}")
    return {str(k): str(v) for k, v in values.items()}


def _task(raw: Mapping[str, Any], contacts: Mapping[str, dict[str, str]]) -> Task:
    tid = str(raw.get("id", "?"))
    unknown = set(raw) - _TASK_KEYS
    if unknown:
        raise TaskFileError(f"task {tid}: unknown keys {sorted(unknown)}")
    if raw.get("lang") not in LANGS or raw.get("category") not in CATEGORIES:
        raise TaskFileError(f"task {tid}: lang must be one of {LANGS}, category of {CATEGORIES}")
    missing = [k for k in raw.get("seed", []) if k not in contacts]
    if missing:
        raise TaskFileError(f"task {tid}: no [contacts.{missing[0]}]")
    seed = {k: contacts[k] for k in raw.get("seed", [])}
    updated = {k: _fields(f"task {tid} updated.{k}", v) for k, v in raw.get("updated", {}).items()}
    if set(updated) - set(seed):
        raise TaskFileError(f"task {tid}: updates a contact it does not seed")
    steps = tuple(str(s) for s in raw.get("steps", []))
    if not steps:
        raise TaskFileError(f"task {tid}: no steps")
    return Task(
        id=tid,
        lang=str(raw["lang"]),
        category=str(raw["category"]),
        seed=seed,
        steps=steps,
        created=tuple(_fields(f"task {tid} created", c) for c in raw.get("created", [])),
        updated=updated,
        shown=tuple(str(s) for s in raw.get("shown", [])),
        shown_any=tuple(str(s) for s in raw.get("shown_any", [])),
    )


def load_tasks(path: Path = TASKS_FILE) -> list[Task]:
    """Every task in the file, checked; ids are unique."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    contacts = {
        key: _fields(f"contacts.{key}", values) for key, values in data.get("contacts", {}).items()
    }
    tasks = [_task(raw, contacts) for raw in data.get("task", [])]
    ids = [t.id for t in tasks]
    if len(ids) != len(set(ids)):
        raise TaskFileError("task ids must be unique")
    return tasks
