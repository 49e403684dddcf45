"""Cost of the typed-command parser on what a user can paste, against reading the activity.

The parser runs on every typed message in guided mode, so a pasted megabyte must cost no more
than the JSON parse the bot does for that message anyway. Baseline, measured in the same run:
`json.loads` of an activity carrying the same text (what the SDK and our body check do first).
Printed as parser time / baseline per input; the parser only reads the first
MAX_COMMAND_CHARS + 1 characters, so a huge paste should come out far below 1.

    python -m bench.parser        (from the repository root; or: make bench)

Target: every ratio < 1. Exit status 1 when one is not.

Then its accuracy: the share of realistic typed requests (bench/typed_requests.py, kept apart
from the tests) read fully right, per language, with the lines it reads wrong. Aim: 97% in
each language (issue 24); printed, not part of the exit status.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from functools import partial

from bench.typed_requests import REQUESTS, Request
from typed import Command, parse_command

INPUTS = {
    "1 MB of x": "x" * 1_000_000,
    "150k emails": "find " + "a@b.com " * 150_000,
    "1 MB of Hangul": "김" * 1_000_000,
    "80k phone numbers": "010-1234-5678 " * 80_000,
    "a normal line": "add Jane Doe jane@acme.com +1 415 555 0100 Acme",
}


def best_of(fn: Callable[[], object], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> int:
    worst = 0.0
    print(f"{'input':<20} {'parser / json.loads of its activity':>36}")
    for name, text in INPUTS.items():
        body = json.dumps({"type": "message", "text": text, "channelId": "emulator"})
        baseline = best_of(partial(json.loads, body))
        parsed = best_of(partial(parse_command, text))
        ratio = parsed / baseline
        if len(text) > 100:  # a normal line is parsed in full: its ratio is only shown
            worst = max(worst, ratio)
        print(f"{name:<20} {ratio:>36.3f}")
    print(f"huge inputs: worst ratio {worst:.3f} (target < 1)")
    print()
    for lang, requests in REQUESTS.items():
        wrong = [r.text for r in requests if not fully_right(parse_command(r.text), r)]
        share = 1 - len(wrong) / len(requests)
        print(f"realistic requests ({lang}): {share:.1%} fully right of {len(requests)}")
        for text in wrong:
            print(f"    wrong: {text!r}")
    return 0 if worst < 1 else 1


def fully_right(command: Command, request: Request) -> bool:
    """The kind and every value as the person meant them."""
    if command.kind != request.kind or command.topic != request.topic:
        return False
    if command.kind == "search":
        found = command.criteria.to_dict() if command.criteria else {}
        return {k: v for k, v in found.items() if v and k != "filters"} == request.values
    if command.kind == "create":
        certain = "email" in request.values if request.certain is None else request.certain
        return command.properties == request.values and command.certain == certain
    if command.kind == "update":
        return command.target == request.target and command.properties == request.values
    return True


if __name__ == "__main__":
    raise SystemExit(main())
