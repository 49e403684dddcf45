"""The Adaptive Cards 1.5 schema check shared by the bot tests: a card Teams, Web Chat and the
Emulator can render at all."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

SCHEMA_PATH = (
    Path(__file__).resolve().parents[1] / "data" / "adaptivecards" / "adaptive-card-1.5.schema.json"
)


@cache
def validator() -> jsonschema.Draft6Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft6Validator.check_schema(schema)
    return jsonschema.Draft6Validator(schema)


def card_problems(card: dict[str, Any]) -> list[str]:
    """Readable schema errors of one card ([] when it is valid)."""
    problems = []
    for error in validator().iter_errors(card):
        causes = sorted(error.context or [error], key=lambda e: len(e.absolute_path))
        cause = causes[-1]
        problems.append(f"{'/'.join(map(str, cause.absolute_path))}: {cause.message[:200]}")
    if card.get("type") != "AdaptiveCard" or card.get("version") != "1.5":
        problems.append("not an Adaptive Card 1.5")
    return problems
