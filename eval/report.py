"""The evaluation's table: pass rates by language and category, pass^k, cost and speed a turn,
and every write the user did not ask for.

pass^k is the share of tasks passed in every one of k runs: what a user who repeats a request
can count on, which a single run's pass rate overstates for a model whose answers vary.
"""

from __future__ import annotations

import statistics
from typing import Any

from eval.runner import TaskRun
from eval.tasks import CATEGORIES, CONFIRM, LANGS


def _pct(n: int, d: int) -> str:
    return f"{n}/{d} ({100 * n / d:.0f}%)" if d else "-"


def _quantile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _rows(runs: list[TaskRun]) -> list[tuple[str, str, str]]:
    """(group, task runs passed, tasks passed in every run) for all, each language and each
    category that has tasks."""
    members: dict[str, list[TaskRun]] = {name: [] for name in ("all", *LANGS, *CATEGORIES)}
    for r in runs:
        for name in ("all", r.task.lang, r.task.category):
            members[name].append(r)
    rows = []
    for name, chosen in members.items():
        if not chosen:
            continue
        by_task: dict[str, list[bool]] = {}
        for r in chosen:
            by_task.setdefault(r.task.id, []).append(r.passed)
        always = sum(1 for results in by_task.values() if all(results))
        passed = sum(r.passed for r in chosen)
        rows.append((name, _pct(passed, len(chosen)), _pct(always, len(by_task))))
    return rows


def summary(runs: list[TaskRun]) -> dict[str, Any]:
    """The figures the table prints, as data (also written as JSON next to the run)."""
    turns = [t for r in runs for t in r.turns if t.pressed]
    typed = [t for t in turns if t.step != CONFIRM]
    calls = [t.model.calls for t in typed]
    return {
        "task_runs": len(runs),
        "passed": sum(r.passed for r in runs),
        "rows": _rows(runs),
        "typed_turns": len(typed),
        "no_model_share": (sum(1 for c in calls if c == 0) / len(calls)) if calls else 0.0,
        "calls_mean": statistics.fmean(calls) if calls else 0.0,
        "calls_max": max(calls, default=0),
        "prompt_tokens_mean": statistics.fmean(t.model.prompt_tokens for t in typed)
        if typed
        else 0.0,
        "completion_tokens_mean": statistics.fmean(t.model.completion_tokens for t in typed)
        if typed
        else 0.0,
        "model_errors": sum(t.model.errors for t in turns),
        "model_calls": sum(t.model.calls for t in turns),
        "seconds_median": statistics.median([t.seconds for t in turns]) if turns else 0.0,
        "seconds_p90": _quantile([t.seconds for t in turns], 0.9),
        "seconds_max": max((t.seconds for t in turns), default=0.0),
        "unpreviewed": sum(r.unpreviewed for r in runs),
        "ungrounded": [
            (r.task.id, r.run, w.action, w.contact, w.field, w.value)
            for r in runs
            for w in r.grade.ungrounded
        ],
        "failures": [(r.task.id, r.run, r.grade.problems) for r in runs if not r.passed],
    }


def render(runs: list[TaskRun], runs_per_task: int, *, heading: str) -> str:
    s = summary(runs)
    k = runs_per_task
    lines = [heading, ""]
    lines.append(f"{'':14}{'task runs passed':>22}{f'pass^{k} (tasks)':>22}")
    for name, rate, always in s["rows"]:
        lines.append(f"{name:14}{rate:>22}{always:>22}")
    lines += [
        "",
        f"typed turns: {s['typed_turns']}; model calls a turn: mean {s['calls_mean']:.1f}, "
        f"max {s['calls_max']}; turns with no model call: {100 * s['no_model_share']:.0f}%",
        f"tokens a turn: prompt {s['prompt_tokens_mean']:.0f}, "
        f"completion {s['completion_tokens_mean']:.0f} (mean)",
        f"seconds a turn: median {s['seconds_median']:.1f}, p90 {s['seconds_p90']:.1f}, "
        f"max {s['seconds_max']:.1f}",
        f"model calls answered with an HTTP error: {s['model_errors']} of {s['model_calls']}",
        f"writes without a preview (right after a typed message): {s['unpreviewed']}",
        f"values written that the user did not give: {len(s['ungrounded'])}",
    ]
    lines += [
        f"  {tid} run {run}: {action} {contact} {field}={value!r}"
        for tid, run, action, contact, field, value in s["ungrounded"]
    ]
    if s["failures"]:
        lines += ["", "failed runs:"]
        lines += [
            f"  {tid} run {run}: {'; '.join(problems)}" for tid, run, problems in s["failures"]
        ]
    return "\n".join(lines)
