"""Token budget of the agent: what every model call of a 10-turn conversation costs.

Runs the real `ContactAgent` in-process against the scripted OpenAI-compatible server, with the
real ContactsService over the local HubSpot API behind the tools, then counts (o200k_base) each
recorded request split into: system prompt, tool schemas, history window, and the current turn
(the user's message, the model's tool calls and the tool results). Chat formatting adds a few
tokens per message that a JSON count cannot see; they are estimated as 4 per message.

    python -m bench.tokens        (from the repository root; or: make bench)

Targets: tool schemas <= 300; system prompt + tool schemas <= 700; no call over 1,600 tokens.
Exit status 1 when a target fails.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

from agent.memory import HistoryWindow, count_tokens, load_encoding
from agent.tools import dumps
from tests.support.agent_stack import AgentStack, agent_stack
from tests.support.scripted_openai import (
    RecordedRequest,
    text,
    tool_call,
)

PER_MESSAGE_OVERHEAD = 4
TOOLS_TARGET, FIXED_TARGET, CALL_TARGET = 300, 700, 1600

FIRST = [
    "Jane",
    "Omar",
    "Lena",
    "Raj",
    "Sofia",
    "Tom",
    "Yuki",
    "Pablo",
    "Ines",
    "Kwame",
    "Mia",
    "Noah",
    "Chloe",
    "Ivan",
    "Zara",
]
LAST = [
    "Doe",
    "Haddad",
    "Fischer",
    "Patel",
    "Rossi",
    "Becker",
    "Sato",
    "Garcia",
    "Silva",
    "Mensah",
    "Wong",
    "Keller",
    "Martin",
    "Petrov",
    "Ali",
]
TITLES = [
    "CTO",
    "Head of Sales",
    "Account Executive",
    "Marketing Manager",
    "Support Lead",
    "VP Engineering",
]


async def seed(stack: AgentStack) -> dict[str, str]:
    """Thirty realistic contacts, twelve of them at Acme (loaded straight into the local store,
    which is quicker than the client-side search budget allows), plus a Korean one."""
    rows = []
    for i in range(30):
        first, last = FIRST[i % 15], LAST[(i * 7) % 15]
        rows.append(
            {
                "firstname": first,
                "lastname": last,
                "email": f"{first}.{last}{i}@example.com".lower(),
                "phone": f"+1415555{1000 + i:04d}",
                "company": "Acme Corporation" if i % 5 in (0, 2) else f"Northwind {i}",
                "jobtitle": TITLES[i % 6],
                "city": "Boston" if i % 3 else "Seoul",
            }
        )
    await stack.hubspot.store.bulk_insert(rows)
    kim = await stack.add(
        firstname="민수",
        lastname="김",
        email="minsu.kim@example.kr",
        phone="+82 10 1234 5678",
        company="서울상사",
        jobtitle="과장",
        city="Seoul",
    )
    return {"민수": kim.id}


def conversation(ids: dict[str, str]) -> list[tuple[str, str, list[Any]]]:
    """(language, user text, model steps) for ten turns."""
    return [
        (
            "en",
            "Who do we have at Acme?",
            [
                tool_call("SearchContact", {"query": "Acme Corporation", "limit": 10}),
                text(
                    "There are 12 contacts at Acme Corporation; here are the 10 most recent, "
                    "including Jane Doe (CTO), Lena Fischer (Account Executive) and Sofia Rossi "
                    "(Support Lead). Tell me a name to narrow it down."
                ),
            ],
        ),
        (
            "en",
            "Add Ana Lima, ana.lima@example.com, +1 415 555 0100, Example Inc, buyer",
            [
                tool_call(
                    "CreateContact",
                    {
                        "properties": {
                            "firstname": "Ana",
                            "lastname": "Lima",
                            "email": "ana.lima@example.com",
                            "phone": "+1 415 555 0100",
                            "company": "Example Inc",
                            "jobtitle": "Buyer",
                        }
                    },
                ),
                text("Added Ana Lima (Buyer, Example Inc)."),
            ],
        ),
        (
            "en",
            "Also add Jane Doe, jane.doe0@example.com",
            [
                tool_call(
                    "CreateContact",
                    {
                        "properties": {
                            "firstname": "Jane",
                            "lastname": "Doe",
                            "email": "jane.doe0@example.com",
                        }
                    },
                ),
                text(
                    "Jane Doe is already in HubSpot (CTO at Acme Corporation), so I did not add "
                    "her again."
                ),
            ],
        ),
        (
            "en",
            "Ana's phone is now +1 415 555 0199",
            [
                tool_call("SearchContact", {"query": "ana.lima@example.com"}),
                lambda body: tool_call(
                    "UpdateContact",
                    {
                        "contact_id": _last_result(body)["contacts"][0]["id"],
                        "properties": {"phone": "+1 415 555 0199"},
                    },
                ),
                text("Please confirm Ana Lima's new phone number on the card."),
            ],
        ),
        (
            "en",
            "Who is based in Seoul?",
            [
                tool_call(
                    "SearchContact",
                    {
                        "filters": [{"propertyName": "city", "operator": "EQ", "value": "Seoul"}],
                        "limit": 10,
                    },
                ),
                text(
                    "11 contacts are in Seoul; the first 10 are listed. Want me to filter by "
                    "company or title?"
                ),
            ],
        ),
        (
            "en",
            "Add Bob from Builders Ltd",
            [text("Sure. What is Bob's last name and email address?")],
        ),
        (
            "en",
            "Bob Stone, bob@builders.example",
            [
                tool_call(
                    "CreateContact",
                    {
                        "properties": {
                            "firstname": "Bob",
                            "lastname": "Stone",
                            "email": "bob@builders.example",
                            "company": "Builders Ltd",
                        }
                    },
                ),
                text("Added Bob Stone at Builders Ltd."),
            ],
        ),
        (
            "ko",
            "김민수 찾아줘",
            [
                tool_call("SearchContact", {"query": "김민수"}),
                text("김민수 님(서울상사, 과장)을 찾았습니다."),
            ],
        ),
        (
            "ko",
            "김민수 직함을 팀장으로 바꿔줘",
            [
                tool_call(
                    "UpdateContact", {"contact_id": ids["민수"], "properties": {"jobtitle": "팀장"}}
                ),
                text("김민수 님의 직함 변경을 카드에서 확인해 주세요."),
            ],
        ),
        (
            "en",
            "Which CTOs work at Acme?",
            [
                tool_call(
                    "SearchContact",
                    {
                        "query": "Acme Corporation",
                        "filters": [{"propertyName": "jobtitle", "operator": "EQ", "value": "CTO"}],
                    },
                ),
                text("Jane Doe and Tom Becker are CTOs at Acme Corporation."),
            ],
        ),
    ]


def _last_result(body: dict[str, Any]) -> Any:
    import json

    return json.loads([m for m in body["messages"] if m["role"] == "tool"][-1]["content"])


def split(request: RecordedRequest) -> dict[str, int]:
    """Tokens of one request by part."""
    messages = request.messages
    last_user = max(i for i, m in enumerate(messages) if m["role"] == "user")
    history = [m for m in messages[:last_user] if m["role"] != "system"]
    current = messages[last_user:]

    def size(m: dict[str, Any]) -> int:
        n = count_tokens(m.get("content") or "")
        if m.get("tool_calls"):
            n += count_tokens(dumps(m["tool_calls"]))
        return n

    parts = {
        "system": sum(size(m) for m in messages if m["role"] == "system"),
        "tools": count_tokens(dumps(request.body.get("tools", []))),
        "history": sum(size(m) for m in history),
        "current": sum(size(m) for m in current),
        "overhead": PER_MESSAGE_OVERHEAD * len(messages),
    }
    parts["total"] = sum(parts.values())
    return parts


async def run() -> list[tuple[int, dict[str, int]]]:
    rows: list[tuple[int, dict[str, int]]] = []
    async with agent_stack() as stack:
        ids = await seed(stack)
        agent = stack.agent(preview_creates=False)  # the scripted creates write: turn 4 finds Ana
        window = HistoryWindow()
        known: set[str] = set()
        for number, (lang, said, steps) in enumerate(conversation(ids), start=1):
            start = len(stack.openai.requests)
            stack.openai.script(*steps)
            turn = await agent.run(said, history=window.messages(), lang=lang, known_ids=known)
            if turn.failed or stack.openai.remaining:
                raise SystemExit(f"turn {number} did not run as scripted: {turn.reply}")
            known |= turn.seen_ids
            window.add("user", said)
            window.add("assistant", turn.reply)
            rows += [(number, split(r)) for r in stack.openai.requests[start:]]
    return rows


def report(rows: list[tuple[int, dict[str, int]]]) -> bool:
    cols = ["system", "tools", "history", "current", "overhead", "total"]
    print(f"{'call':>4} {'turn':>4} " + " ".join(f"{c:>8}" for c in cols))
    for i, (turn, parts) in enumerate(rows, start=1):
        print(f"{i:>4} {turn:>4} " + " ".join(f"{parts[c]:>8}" for c in cols))
    tools = max(p["tools"] for _, p in rows)
    fixed = max(p["system"] + p["tools"] for _, p in rows)
    biggest = max(p["total"] for _, p in rows)
    checks = [
        (f"tool schemas <= {TOOLS_TARGET}", tools, TOOLS_TARGET),
        (f"system prompt + tool schemas <= {FIXED_TARGET}", fixed, FIXED_TARGET),
        (f"every call <= {CALL_TARGET}", biggest, CALL_TARGET),
    ]
    print()
    ok = True
    for label, value, limit in checks:
        passed = value <= limit
        ok &= passed
        print(f"{'PASS' if passed else 'FAIL'}  {label}: {value}")
    return ok


def main() -> None:
    load_encoding()
    rows = asyncio.run(run())
    sys.exit(0 if report(rows) else 1)


if __name__ == "__main__":
    main()
