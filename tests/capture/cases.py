"""The signature and business-card data set (data/signatures.json), shared by the tests and
bench/capture.py: each case is a paste as a user would send it and the draft a careful person
would fill from it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Case:
    id: str
    lang: str  # en, ko
    text: str
    region: str | None
    expect: dict[str, str]  # every field not named here is expected empty
    other_emails: tuple[str, ...]
    doubts: frozenset[tuple[str, str]]  # (field, reason)


def signature_cases() -> list[Case]:
    raw = json.loads((DATA / "signatures.json").read_text(encoding="utf-8"))
    return [
        Case(
            id=c["id"],
            lang=c["lang"],
            text="\n".join(c["lines"]),
            region=c["region"],
            expect=dict(c["expect"]),
            other_emails=tuple(c["other_emails"]),
            doubts=frozenset((f, r) for f, r in c["doubts"]),
        )
        for c in raw
    ]
