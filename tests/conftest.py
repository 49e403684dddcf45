"""Shared fixtures.

Every card any test's channel received is checked against the Adaptive Cards 1.5 schema when the
session ends, so a flow that sends a broken card fails the run even when no test looked at that
card.

Every test runs under blockbuster: a blocking call (file or socket I/O, sqlite, time.sleep, a
subprocess, ...) made on a running event loop with the app's own code on the stack fails the
test. The bot, Web Chat, HubSpot adapter and local HubSpot all share one loop, so one blocking
call stalls every conversation. Test code itself may block (it often calls the synchronous SDK
to check what HubSpot holds); only our packages are scanned.

Property tests (hypothesis) are repeatable: the same examples on every run, so CI passes or
fails on the code, not on the draw. `HYPOTHESIS_PROFILE=explore` draws new ones, to hunt.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from blockbuster import BlockBuster, blockbuster_ctx
from hypothesis import settings as hypothesis_settings

from agent.memory import load_encoding
from tests.support.cardschema import card_problems
from tests.support.channel import SESSION_CARDS, TestChannel
from tests.support.postgres import PostgresServer, postgres_server

hypothesis_settings.register_profile("repeatable", derandomize=True, database=None)
hypothesis_settings.register_profile("explore", max_examples=2000)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

APP_PACKAGES = [
    "app",
    "config",
    "agent",
    "bots",
    "flows",
    "capture",
    "ground",
    "cards",
    "contacts",
    "hubspot_local",
    "webchat",
    "store",
]

# Where blocking is fine. The first is ours but is no exception to the rule: it runs only on a
# worker thread, in an event loop of its own, to take the SDK's blocking token check off the
# app's loop; blockbuster sees "a running loop" there too. The others are work third-party code
# does on the loop that is not ours to move, each a small, bounded, local step (never a network
# call).
ALLOWED_BLOCKING = [
    ("bots/token_auth.py", {"_run_in_worker_loop"}),
    # Writing a log record to its stream: pytest's log-file handler (/dev/null unless
    # --log-file is given) here, stderr in production.
    ("logging/__init__.py", {"emit"}),
    # msrest builds its User-Agent from platform.platform() when the first ConnectorClient is
    # made; the stdlib runs `uname -p` once and caches the answer for the process.
    ("platform.py", {"from_subprocess"}),
]


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One real PostgreSQL server for the session; each test asks it for a fresh database."""
    with postgres_server() as server:
        if server is None:
            pytest.skip("PostgreSQL is not installed (make test installs Debian's postgresql)")
        yield server


@pytest.fixture(scope="session", autouse=True)
def tokenizer_loaded() -> None:
    """The app loads the tokenizer off the loop at startup (app.py) and hands it to the agent;
    tests that build a ContactAgent themselves get the same process-wide encoding, loaded here
    before any loop runs."""
    load_encoding()


@pytest.fixture(autouse=True)
def no_blocking_calls() -> Iterator[BlockBuster]:
    with blockbuster_ctx(APP_PACKAGES) as blockbuster:
        for function in blockbuster.functions.values():
            for filename, names in ALLOWED_BLOCKING:
                function.can_block_in(filename, names)
        yield blockbuster


@pytest.fixture(autouse=True)
def every_card_sent_is_valid() -> Iterator[None]:
    """Each test's sent cards are schema-checked at its own teardown, so a bad card fails the
    test that sent it (and the cost is spread, not one long session teardown)."""
    SESSION_CARDS.clear()
    yield
    bad = []
    seen: set[str] = set()
    for where, card in SESSION_CARDS:
        problems = card_problems(card)
        key = repr(problems)
        if problems and key not in seen:
            seen.add(key)
            bad.append(f"{where}: {problems[:3]}")
    SESSION_CARDS.clear()
    assert not bad, "cards sent in this test are not valid Adaptive Cards 1.5:\n" + "\n".join(
        bad[:20]
    )


TRANSCRIPTS = Path(__file__).parent / "artifacts" / "transcripts"


@pytest.fixture
async def channel(request: pytest.FixtureRequest) -> AsyncIterator[TestChannel]:
    """A test channel; what the bot sent in the test is kept as a readable transcript under
    tests/artifacts/transcripts/, so each flow can be read as a user saw it."""
    async with TestChannel() as test_channel:
        yield test_channel
        _save_transcript(request.node.nodeid, test_channel)


def _save_transcript(nodeid: str, channel: TestChannel) -> None:
    conversations = {cid: [rec.activity for rec in recs] for cid, recs in channel.sent.items()}
    if not conversations:
        return
    name = re.sub(r"[^\w.-]+", "_", nodeid.removeprefix("tests/"))[:150] + ".json"
    TRANSCRIPTS.mkdir(parents=True, exist_ok=True)
    (TRANSCRIPTS / name).write_text(
        json.dumps(conversations, ensure_ascii=False, indent=1), encoding="utf-8"
    )
