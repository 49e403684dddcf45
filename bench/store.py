"""What the conversation-state store costs a turn: memory, SQLite and PostgreSQL, one app
instance and two, at 50 concurrent conversations, each as a ratio to memory in the same run.

    .venv/bin/python -m bench.store [--turns 400] [--warmup 100] [--concurrency 50]

The real app runs in this process and is driven over HTTP as a channel does: activities POSTed
to /api/messages, replies POSTed by the bot to a serviceUrl the bench serves (tests/support's
TestChannel). Every conversation starts (welcome card), warms up, then types `find
jane@acme.com` and `find omar@globex.com` in turn; a turn's time is its POST until the HTTP
answer, by which time the bot has sent its reply. Every turn takes the conversation's turn lock
(an advisory lock on PostgreSQL), reads and writes its state and checks and records its
activity id. CPU/turn is this process (app, bench and their threads) plus the PostgreSQL
server, per turn: unlike wall time it hardly moves with what else a shared machine runs.

HubSpot is kept out of the way, since the store is what is measured: the built-in local
HubSpot (rate limits off), one GET by email per turn (never search), and the app's client-side
budget lifted (HubSpot's 100 calls per 10 s would cap every store at 10 turns/s). Its own
rate at the same concurrency is printed, to show how far it is from being the bottleneck.

Two instances are two apps in this process with their own store pools on one PostgreSQL
database (as tests/processes/test_two_instances.py), the turns of each conversation alternating
between them as a round-robin load balancer would. SQLite and memory are one-process stores: no
two-instance rows. PostgreSQL is a real, durable server started in a temporary folder
(tests/support/postgres.py, restarted with fsync on); without it installed its rows are skipped.

Aim (issue 9): PostgreSQL within 1.3x of SQLite at p50, one instance. Printed, never fails.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from contacts.budget import BudgetLimits, RequestBudget
from tests.support.botapp import Conversation, RunningApp, running_app
from tests.support.botapp import test_settings as make_settings
from tests.support.channel import TestChannel
from tests.support.postgres import PostgresServer, as_postgres, postgres_server

CONTACTS = [
    {"firstname": "Jane", "lastname": "Doe", "email": "jane@acme.com", "company": "Acme"},
    {"firstname": "Omar", "lastname": "Haddad", "email": "omar@globex.com", "company": "Globex"},
]
# Two commands in turn, because the state must change on every turn: the bot keeps the last
# few messages, and a conversation repeating one line would soon have nothing new to save.
TEXTS = [f"find {c['email']}" for c in CONTACTS]
FOUND = "Search results — Showing 1 of 1"
AIM = 1.3


@dataclass(frozen=True)
class Config:
    store: str  # "memory" | "sqlite" | "postgres"
    instances: int = 1

    @property
    def name(self) -> str:
        return f"{self.store}, {self.instances} instance{'s' if self.instances > 1 else ''}"


CONFIGS = [Config("memory"), Config("sqlite"), Config("postgres"), Config("postgres", 2)]


@dataclass
class Result:
    config: Config
    seconds: float = 0.0
    times_ms: list[float] = field(default_factory=list)
    errors: int = 0
    cpu_seconds: float = 0.0  # this process and the PostgreSQL server, while its turns ran
    hubspot_per_second: float = 0.0  # the turn's HubSpot GET alone (memory row only)

    @property
    def turns_per_second(self) -> float:
        return len(self.times_ms) / self.seconds

    def p(self, q: float) -> float:
        return percentile(self.times_ms, q)

    @property
    def cpu_ms_per_turn(self) -> float:
        return self.cpu_seconds * 1000 / len(self.times_ms)


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def cpu_seconds(pg: PostgresServer | None) -> float:
    """CPU time used so far by this process (every thread) and by the PostgreSQL server (the
    postmaster and its live backends; the store's pools keep theirs open). Unlike wall time,
    it hardly moves with what else the shared machine runs."""
    total = time.process_time()
    if pg is None:
        return total
    tick = os.sysconf("SC_CLK_TCK")
    postmaster = int((pg.root / "data" / "postmaster.pid").read_text().split()[0])
    children = Path(f"/proc/{postmaster}/task/{postmaster}/children").read_text().split()
    for pid in [postmaster, *map(int, children)]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:  # a backend that ended meanwhile
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime + stime
    return total


def lift_hubspot_budget(bot: RunningApp) -> None:
    """The app builds its HubSpot adapter with HubSpot's real limits and no way in from
    outside; the bench replaces that budget with one nothing reaches."""
    adapter = bot.contacts._adapter
    adapter.calls.budget = RequestBudget(BudgetLimits(calls=10**9, searches=10**9))


def make_durable(pg: PostgresServer) -> None:
    """Restart the tests' server with PostgreSQL's default durability. The tests run it with
    fsync and synchronous commit off, which would compare a PostgreSQL that never flushes with
    a SQLite that does (WAL, fsync at every commit)."""
    data = pg.root / "data"
    options = f"-p {pg.port} -k {pg.root} -c listen_addresses=127.0.0.1 -c max_connections=300"
    pg_ctl = [str(pg.bin_dir / "pg_ctl"), "-D", str(data), "-o", options]
    subprocess.run(
        as_postgres([*pg_ctl, "-l", str(pg.root / "log"), "-w", "restart"]),
        check=True,
        capture_output=True,
        timeout=60,
    )


@asynccontextmanager
async def instances(
    config: Config, tmp: Path, pg: PostgresServer | None
) -> AsyncIterator[list[RunningApp]]:
    async with AsyncExitStack() as stack:
        if config.store == "postgres":
            assert pg is not None
            url = await asyncio.to_thread(pg.new_database)
            first = make_settings(tmp / "a", database_url=url)
        else:
            first = make_settings(tmp / "a", state_storage=config.store)
        apps = [await stack.enter_async_context(running_app(first))]
        hs = apps[0].hubspot_local  # the one HubSpot every instance talks to
        for n in range(1, config.instances):
            other = make_settings(
                tmp / f"i{n}",
                database_url=first.database_url,
                hubspot_access_token=hs.token,
                hubspot_base_url=hs.url,
            )
            apps.append(await stack.enter_async_context(running_app(other)))
        for bot in apps:
            lift_hubspot_budget(bot)
        yield apps


@dataclass
class Chat:
    conversation: Conversation
    turns: int = 0


async def drive(
    apps: list[RunningApp], chats: list[Chat], rounds: int, result: Result | None
) -> None:
    """Each conversation types `rounds` commands, one turn at a time, alternating instances
    (and commands)."""

    async def one(chat: Chat) -> None:
        for _ in range(rounds):
            chat.conversation.bot = apps[chat.turns % len(apps)]
            text = TEXTS[chat.turns % len(TEXTS)]
            chat.turns += 1
            started = time.perf_counter()
            try:
                replies = await chat.conversation.say(text)
                ok = [r.said for r in replies] == [FOUND]
            except AssertionError:  # the bot answered with an HTTP error
                ok = False
            elapsed = (time.perf_counter() - started) * 1000
            if result is not None:
                result.times_ms.append(elapsed)
                result.errors += not ok

    await asyncio.gather(*(one(chat) for chat in chats))


async def hubspot_alone(bot: RunningApp, calls: int, concurrency: int) -> float:
    """Calls per second of the turn's HubSpot GET without the bot around it, at the same
    concurrency: how far HubSpot is from being the bottleneck."""

    async def one() -> None:
        for _ in range(calls // concurrency):
            await bot.contacts.find_by_email(CONTACTS[0]["email"])

    started = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(concurrency)))
    return (calls // concurrency * concurrency) / (time.perf_counter() - started)


async def run_all(
    pg: PostgresServer | None, *, turns: int, warmup: int, concurrency: int, rounds: int
) -> list[Result]:
    """Every configuration is started and warmed up first, then they take turns, `rounds`
    times: a change in the machine's load (it is shared) then falls on all of them alike."""
    configs = [c for c in CONFIGS if c.store != "postgres" or pg is not None]
    per_round = max(1, turns // (concurrency * rounds))
    benches: list[tuple[Result, list[RunningApp], list[Chat]]] = []
    async with AsyncExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench_store_")))
        channel = await stack.enter_async_context(TestChannel())
        for n, config in enumerate(configs):
            apps = await stack.enter_async_context(instances(config, tmp / str(n), pg))
            for contact in CONTACTS:
                await apps[0].contacts.create(contact)
            chats = [Chat(Conversation(apps[0], channel)) for _ in range(concurrency)]
            await asyncio.gather(*(chat.conversation.start() for chat in chats))
            await drive(apps, chats, max(1, warmup // concurrency), None)
            benches.append((Result(config), apps, chats))
        for _ in range(rounds):
            for result, apps, chats in benches:
                cpu = await asyncio.to_thread(cpu_seconds, pg)
                started = time.perf_counter()
                await drive(apps, chats, per_round, result)
                result.seconds += time.perf_counter() - started
                result.cpu_seconds += await asyncio.to_thread(cpu_seconds, pg) - cpu
        memory, apps, _ = benches[0]
        memory.hubspot_per_second = await hubspot_alone(apps[0], turns, concurrency)
    return [result for result, _, _ in benches]


def report(results: list[Result], concurrency: int, pg_installed: bool) -> None:
    memory = results[0]
    print(
        f"\n{concurrency} concurrent conversations typing {' / '.join(map(repr, TEXTS))}; "
        "x = ratio to memory, 1 instance (same run)"
    )
    print(
        f"\n{'store':<24}{'turns/s':>9}{'x':>7}{'p50':>10}{'x':>7}{'p99':>10}{'x':>7}"
        f"{'CPU/turn':>10}{'x':>7}{'errors':>8}"
    )
    for r in results:
        print(
            f"{r.config.name:<24}{r.turns_per_second:>9.1f}"
            f"{r.turns_per_second / memory.turns_per_second:>6.2f}x"
            f"{r.p(50):>8.0f}ms{r.p(50) / memory.p(50):>6.2f}x"
            f"{r.p(99):>8.0f}ms{r.p(99) / memory.p(99):>6.2f}x"
            f"{r.cpu_ms_per_turn:>8.1f}ms{r.cpu_ms_per_turn / memory.cpu_ms_per_turn:>6.2f}x"
            f"{r.errors:>8}"
        )
    for store in ("memory", "sqlite"):
        print(f"{store + ', 2 instances':<24}  n/a: a one-process store")
    if not pg_installed:
        print(
            "postgres rows skipped: PostgreSQL is not installed "
            "(`make postgres` installs Debian's package)"
        )
    print(
        "\nHubSpot is kept out of the way: the local one, rate limits off, the app's client "
        f"budget lifted;\nits GET by email alone, {concurrency} at once: "
        f"{memory.hubspot_per_second:.0f} calls/s (each turn makes one)"
    )
    by_name = {r.config.name: r for r in results}
    sqlite, pg = by_name.get("sqlite, 1 instance"), by_name.get("postgres, 1 instance")
    if sqlite is not None and pg is not None:
        ratio = pg.p(50) / sqlite.p(50)
        verdict = "holds" if ratio <= AIM else "MISSED"
        print(
            f"aim: PostgreSQL p50 / SQLite p50 = {ratio:.2f} (<= {AIM}: {verdict}); "
            f"CPU per turn {pg.cpu_ms_per_turn / sqlite.cpu_ms_per_turn:.2f}x"
        )
    else:
        print(f"aim: PostgreSQL p50 within {AIM}x of SQLite: not measured (no PostgreSQL)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--turns", type=int, default=400, help="timed turns per configuration")
    ap.add_argument("--warmup", type=int, default=100, help="untimed turns first")
    ap.add_argument("--concurrency", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=4, help="configurations take turns this often")
    args = ap.parse_args(argv)
    with postgres_server() as pg:
        if pg is not None:
            make_durable(pg)
        found = f"{pg.bin_dir.parent.name}, a temporary durable server" if pg else "absent"
        print(f"PostgreSQL: {found}", flush=True)
        results = asyncio.run(
            run_all(
                pg,
                turns=args.turns,
                warmup=args.warmup,
                concurrency=args.concurrency,
                rounds=args.rounds,
            )
        )
    report(results, args.concurrency, pg is not None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
