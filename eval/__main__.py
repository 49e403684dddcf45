"""`python -m eval` (what `make eval` runs): every task in eval/tasks.toml, k times, against the
configured model, then the table.

The model: OPENAI_BASE_URL (+ OPENAI_API_KEY, OPENAI_MODEL) when set, any OpenAI-compatible
endpoint (OpenAI itself is https://api.openai.com/v1); otherwise the local model of
`make model`, started here on loopback and stopped at the end (one already answering on
LOCAL_MODEL_PORT is used as it is). MODEL_TIMEOUT_SECONDS applies as in the app.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import fnmatch
import json
import logging
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from agent.client import MAX_RETRIES
from eval.grading import Grade
from eval.meter import metered_client
from eval.report import render, summary
from eval.runner import Endpoint, TaskRun, run_task
from eval.tasks import Task, load_tasks

RESULTS = Path(__file__).with_name("results")


@contextlib.contextmanager
def endpoint_settings() -> Iterator[tuple[str, str, str]]:
    """(base URL, API key, model name) of the model to evaluate, starting the local one when
    no endpoint is configured."""
    base_url = os.environ.get("OPENAI_BASE_URL", "").strip()
    if base_url:
        yield (
            base_url,
            os.environ.get("OPENAI_API_KEY", "").strip() or "none",
            os.environ.get("OPENAI_MODEL", "").strip() or "gpt-4o-mini",
        )
        return
    from localmodel.__main__ import folder, options
    from localmodel.server import LocalServer, healthy

    opts = options()
    settings = opts.settings()
    if healthy(opts):
        print(f"using the local model already answering at {opts.base_url}")
        yield settings["OPENAI_BASE_URL"], settings["OPENAI_API_KEY"], settings["OPENAI_MODEL"]
        return
    print(f"starting the local model at {opts.base_url} ...")
    with LocalServer(opts, log_file=folder() / "server.log"):
        yield settings["OPENAI_BASE_URL"], settings["OPENAI_API_KEY"], settings["OPENAI_MODEL"]


async def evaluate(
    tasks: list[Task], runs: int, base_url: str, api_key: str, model: str, turn_limit: float
) -> list[TaskRun]:
    timeout_env = os.environ.get("MODEL_TIMEOUT_SECONDS", "").strip()
    timeout = float(timeout_env) if timeout_env else None
    client, meter = metered_client(
        base_url=base_url, api_key=api_key, timeout=timeout or 30.0, max_retries=MAX_RETRIES
    )
    endpoint = Endpoint(client=client, meter=meter, model=model, timeout_seconds=timeout)
    done: list[TaskRun] = []
    total = len(tasks) * runs
    try:
        for run in range(1, runs + 1):
            for task in tasks:
                began = time.monotonic()
                try:
                    result = await run_task(task, endpoint, run=run, turn_limit=turn_limit)
                except Exception as exc:  # noqa: BLE001 - one broken run must not lose the rest
                    result = TaskRun(task, run, Grade(problems=[f"harness error: {exc!r}"]))
                done.append(result)
                verdict = "pass" if result.passed else f"FAIL: {result.grade.problems[0]}"
                print(
                    f"[{len(done)}/{total}] {task.id} run {run}: {verdict} "
                    f"({time.monotonic() - began:.1f} s)",
                    flush=True,
                )
    finally:
        await client.close()
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval", description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="runs per task (pass^k), 3")
    parser.add_argument("--only", default="*", help="task ids matching this glob")
    parser.add_argument("--turn-limit", type=float, default=300.0, help="seconds a turn, 300")
    parser.add_argument("--verbose", action="store_true", help="show the app's warnings")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.verbose else logging.CRITICAL)
    tasks = [t for t in load_tasks() if fnmatch.fnmatch(t.id, args.only)]
    if not tasks or args.runs < 1:
        print("no tasks to run", file=sys.stderr)
        return 2
    try:
        with endpoint_settings() as (base_url, api_key, model):
            runs = asyncio.run(
                evaluate(tasks, args.runs, base_url, api_key, model, args.turn_limit)
            )
    except Exception as exc:  # noqa: BLE001 - a setup failure is reported, not a traceback
        print(f"eval: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    heading = f"{len(tasks)} tasks x {args.runs} runs, model {model!r} at {base_url}"
    print()
    print(render(runs, args.runs, heading=heading))
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / time.strftime("eval-%Y%m%d-%H%M%S.json", time.gmtime())
    record = {
        "model": model,
        "base_url": base_url,
        "runs": args.runs,
        "summary": summary(runs),
        "task_runs": [
            {
                "task": r.task.id,
                "run": r.run,
                "passed": r.passed,
                "problems": r.grade.problems,
                "turns": [dataclasses.asdict(t) for t in r.turns],
            }
            for r in runs
        ],
    }
    out.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\n(details: {out})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
