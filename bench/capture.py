"""Accuracy of the paste reader (capture.read_block) on the signature and business-card data set.

Each case of tests/capture/data/signatures.json is a paste and the draft a careful person would
fill from it. A field counts when the case expects it or the reader filled it (a value read
where none was written is wrong too); it is right when the reader's value is the expected one.
Printed as rates per field, per language and overall, plus the cases written after the reader
("-blind-" in their id: the honest estimate for pastes nobody tuned it on), and every field the
reader gets wrong.

    python bench/capture.py        (or: make bench)

Target: 95% of fields right overall. Exit status 1 below it.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from capture import FIELDS, read_block  # noqa: E402

DATA = ROOT / "tests" / "capture" / "data" / "signatures.json"
TARGET = 0.95


def main() -> int:
    cases = json.loads(DATA.read_text(encoding="utf-8"))
    right: Counter[tuple[str, str]] = Counter()  # (group, field) -> fields right
    counted: Counter[tuple[str, str]] = Counter()
    doubts_exact = 0
    wrong: list[str] = []
    for case in cases:
        draft = read_block("\n".join(case["lines"]), case["region"])
        groups = [case["lang"], "all"] + (["blind"] if "-blind-" in case["id"] else [])
        for name in FIELDS:
            want, got = case["expect"].get(name, ""), draft.get(name)
            if not (want or got):
                continue
            for group in groups:
                counted[group, name] += 1
                right[group, name] += want == got
            if want != got:
                wrong.append(f"  {case['id']}: {name} read {got!r}, expected {want!r}")
        named = sorted([d.field, d.reason] for d in draft.doubts)
        doubts_exact += named == sorted(case["doubts"])

    def rate(group: str, name: str | None = None) -> tuple[float, int, int]:
        names = FIELDS if name is None else (name,)
        r = sum(right[group, n] for n in names)
        c = sum(counted[group, n] for n in names)
        return (r / c if c else 1.0), r, c

    groups = ["en", "ko", "all"]
    print(f"paste reader: {len(cases)} signatures / business cards")
    print(f"{'field':<12}" + "".join(f"{g:>16}" for g in groups))
    for name in FIELDS:
        cells = [rate(g, name) for g in groups]
        print(f"{name:<12}" + "".join(f"{r:>8.1%} {k:>3}/{c:<3}" for r, k, c in cells))
    totals = [rate(g) for g in groups]
    print(f"{'all fields':<12}" + "".join(f"{r:>8.1%} {k:>3}/{c:<3}" for r, k, c in totals))
    blind, b_right, b_count = rate("blind")
    print(f"cases written after the reader: {blind:.1%} of fields right ({b_right}/{b_count})")
    print(f"doubts named exactly: {doubts_exact / len(cases):.1%} of cases")
    print("fields read wrong:" if wrong else "fields read wrong: none")
    for line in wrong:
        print(line)
    overall = totals[-1][0]
    print(f"overall {overall:.1%} (target >= {TARGET:.0%})")
    return 0 if overall >= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
