"""Real app processes for multi-instance tests: `python app.py` from the repo root, on a free
port, with its own DATA_DIR, one shared PostgreSQL and one shared HubSpot (served by the test).

    async with shared_hubspot() as hs, TestChannel() as channel:
        async with AppProcesses(tmp_path, database_url=url, hubspot=hs) as apps:
            a, b = await apps.start("a", "b")          # each answers /readyz with 200
            await a.kill()                             # SIGKILL: no shutdown, no goodbye
            await a.start()                            # the same port again

Why processes and not two apps in one loop: a kill -9 is the failure the shared store exists
for, and only a real process can die between any two instructions. Every process is killed
when the block ends, whatever ended it; `AppProcesses.kill_all` does the same synchronously for
a fixture finalizer (a pytest-timeout signal can leave the block without running its `finally`).
Each process's stdout and stderr go to `<tmp>/<name>.log`; `tails()` prints the end of each.

`shared_hubspot()` is the local HubSpot of tests/support/hubspot_server.py behind a recorder:
`hs.writes` lists every write request HubSpot answered with a 2xx (route, contact id, body), so
a test can tell an update applied twice from two different updates.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from config import ENVIRONMENT
from hubspot_local import create_app as create_hubspot
from hubspot_local.options import WRITE_ROUTES
from hubspot_local.server import serve
from tests.support.hubspot_server import TEST_TOKEN, LocalHubSpot

REPO = Path(__file__).resolve().parents[2]  # the checkout these tests belong to
MOUNT = "/hubspot"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- one HubSpot for every instance, with a record of what it wrote ----------------------------


@dataclass(frozen=True)
class Write:
    route: str  # "create", "update", ...
    contact_id: str  # "" for a create (the id is in the answer)
    properties: dict[str, Any]


@dataclass
class SharedHubSpot(LocalHubSpot):
    writes: list[Write] = field(default_factory=list)
    # Every write HubSpot committed, one per contact (a batch's too), whether or not its caller
    # saw the answer: a fault after the commit (hs.controls.faults) answers an error or hangs.
    committed: list[Write] = field(default_factory=list)

    def updates_of(self, contact_id: str) -> list[dict[str, Any]]:
        """The properties of every update HubSpot applied to this contact (singly or in a
        batch, answered or not), in order."""
        return [w.properties for w in self.applied("update") if w.contact_id == contact_id]

    def applied(self, kind: str) -> list[Write]:
        """Every "create" or "update" HubSpot committed, one per contact."""
        return [w for w in self.committed if w.route == kind]


def _committed(request: web.Request, body: bytes, resp: web.StreamResponse) -> list[Write]:
    """The contacts a write that HubSpot answered 2xx wrote, one Write each."""
    route = request.match_info.route.name or ""
    try:
        sent = json.loads(body or b"{}")
        answer = json.loads(getattr(resp, "body", b"") or b"{}")
    except (ValueError, TypeError):
        return []
    if not isinstance(sent, dict) or not isinstance(answer, dict):
        return []
    if route == "create":
        return [Write("create", str(answer.get("id", "")), dict(sent.get("properties") or {}))]
    if route == "update":
        contact_id = request.match_info.get("contact_id", "")
        return [Write("update", contact_id, dict(sent.get("properties") or {}))]
    inputs = sent.get("inputs") or []
    results = answer.get("results") or []
    if route == "batch_update":
        by_id = {str(i.get("id")): dict(i.get("properties") or {}) for i in inputs}
        return [Write("update", str(r["id"]), by_id.get(str(r["id"]), {})) for r in results]
    if route == "batch_create":
        by_email = {
            str((i.get("properties") or {}).get("email", "")).lower(): dict(
                i.get("properties") or {}
            )
            for i in inputs
        }
        return [
            Write(
                "create",
                str(r["id"]),
                by_email.get(str((r.get("properties") or {}).get("email", "")).lower(), {}),
            )
            for r in results
        ]
    return []


@asynccontextmanager
async def shared_hubspot(
    *, lag: tuple[float, float] | None = None, seed: int = 0
) -> AsyncIterator[SharedHubSpot]:
    """The local HubSpot (rate limits off) mounted under /hubspot of a recording parent app.
    `lag`: every request is held a random time in this range (seconds, seeded) before HubSpot
    sees it, as a distant HubSpot answers; faults are set on `hs.controls.faults`."""
    api = create_hubspot(token=TEST_TOKEN, rate_limits=None)
    writes: list[Write] = []
    committed: list[Write] = []
    rng = random.Random(seed)

    @web.middleware
    async def record(request: web.Request, handler: Any) -> web.StreamResponse:
        body = await request.read()
        if lag is not None:
            await asyncio.sleep(rng.uniform(*lag))
        resp = await handler(request)
        route = request.match_info.route.name or ""
        if route in WRITE_ROUTES and resp.status < 300:
            try:
                properties = dict(json.loads(body or b"{}").get("properties") or {})
            except (ValueError, AttributeError):
                properties = {}
            writes.append(Write(route, request.match_info.get("contact_id", ""), properties))
        return resp

    @web.middleware
    async def commits(request: web.Request, handler: Any) -> web.StreamResponse:
        # Inside the local HubSpot's own middleware: the answer before a fault replaces it.
        resp = await handler(request)
        if (request.match_info.route.name or "") in WRITE_ROUTES and resp.status < 300:
            committed.extend(_committed(request, await request.read(), resp))
        return resp

    api.middlewares.append(commits)
    parent = web.Application(middlewares=[record])
    parent.add_subapp(MOUNT, api)
    running = await serve(parent, api=api, mount=MOUNT)
    hs = SharedHubSpot(
        **{f: getattr(running, f) for f in ("url", "token", "app", "runner", "controls")},
        writes=writes,
        committed=committed,
    )
    try:
        yield hs
    finally:
        await hs.close()


# -- app processes -----------------------------------------------------------------------------


class AppProcess:
    """One `python app.py`. `start()` (again after a kill) reuses the port and the log file."""

    def __init__(self, name: str, *, env: dict[str, str], log: Path) -> None:
        self.name = name
        self.port = int(env["PORT"])
        self.env = env
        self.log = log
        self.starts = 0
        self.kills = 0
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self._proc is not None, f"{self.name} is not running"
        return self._proc.pid

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    async def start(self, *, ready_within: float = 60) -> None:
        """Spawn and wait until /readyz answers 200 (the store is open, the bot is built): the
        app listens before it has started (bots/starting.py), so /healthz alone says too little."""
        assert not self.running, f"{self.name} is already running"
        self.starts += 1
        # Spawned off the loop (fork and exec block), and kept by the thread itself: a test
        # cancelled meanwhile still leaves the process where kill_now finds it.
        await asyncio.to_thread(self._spawn)
        assert self._proc is not None
        deadline = time.monotonic() + ready_within
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as session:
            while True:
                if self._proc.poll() is not None:
                    code = self._proc.returncode
                    self._proc = None
                    raise RuntimeError(f"{self.name} exited with {code}:\n{self.tail()}")
                try:
                    async with session.get(f"{self.url}/readyz") as resp:
                        if resp.status == 200:
                            return
                except (aiohttp.ClientError, TimeoutError):
                    pass
                if time.monotonic() > deadline:
                    self.kill_now()
                    raise TimeoutError(f"{self.name} not ready in {ready_within} s:\n{self.tail()}")
                await asyncio.sleep(0.05)

    def _spawn(self) -> None:
        with self.log.open("ab") as out:
            out.write(f"\n--- start {self.starts} of {self.name} on :{self.port} ---\n".encode())
            out.flush()
            self._proc = subprocess.Popen(
                [sys.executable, "app.py"],
                cwd=REPO,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=out,
                start_new_session=True,  # a Ctrl-C in the terminal is ours, not theirs
            )

    async def kill(self) -> None:
        """kill -9, and wait until the process is gone (its sockets closed by the kernel)."""
        proc = self._proc
        if proc is None:
            return
        self.kills += 1
        proc.send_signal(signal.SIGKILL)
        await asyncio.to_thread(proc.wait)
        self._proc = None

    def kill_now(self) -> None:
        """The synchronous kill, for teardown."""
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)

    def tail(self, lines: int = 40) -> str:
        """The end of the log, without the access log's request lines."""
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return "(no output)"
        kept = [line for line in text.splitlines() if " aiohttp.access: " not in line]
        return "\n".join(kept[-lines:])


def app_environment(
    *, port: int, data_dir: Path, database_url: str, hubspot: LocalHubSpot
) -> dict[str, str]:
    """Every setting the app reads, explicitly: a `.env` in the repo root must not change what
    these tests run (an empty variable means the setting's default)."""
    env = {k: v for k, v in os.environ.items() if k not in {name for name, _, _ in ENVIRONMENT}}
    env.update({name: "" for name, _, _ in ENVIRONMENT})
    env.update(
        {
            "PORT": str(port),
            "DATA_DIR": str(data_dir),
            "DATABASE_URL": database_url,
            "HUBSPOT_ACCESS_TOKEN": hubspot.token,
            "HUBSPOT_BASE_URL": hubspot.url,
            "PYTHONUNBUFFERED": "1",
            # These clients count a POST cut off by a kill as not delivered and send it again,
            # as Teams does: a turn is answered when it ends (up to a minute). A turn its
            # instance accepted and then died in is taken over after 3 s.
            "TURN_ANSWER_SECONDS": "60",
            "TURN_LEASE_SECONDS": "3",
        }
    )
    return env


class AppProcesses:
    """The app processes of one test, all on `database_url` and `hubspot`."""

    def __init__(self, root: Path, *, database_url: str, hubspot: LocalHubSpot) -> None:
        self.root = root
        self.database_url = database_url
        self.hubspot = hubspot
        self.apps: dict[str, AppProcess] = {}
        self._reported = False

    def add(self, name: str, **settings: str) -> AppProcess:
        """`settings`: environment variables of this instance only (TURN_ANSWER_SECONDS="0")."""
        data_dir = self.root / f"data-{name}"
        data_dir.mkdir(parents=True, exist_ok=True)
        env = app_environment(
            port=free_port(),
            data_dir=data_dir,
            database_url=self.database_url,
            hubspot=self.hubspot,
        )
        env.update(settings)
        app = AppProcess(name, env=env, log=self.root / f"{name}.log")
        self.apps[name] = app
        return app

    async def start(self, *names: str) -> list[AppProcess]:
        """Add and start these instances together (the schema race is part of the test)."""
        apps = [self.add(name) for name in names]
        await asyncio.gather(*(app.start() for app in apps))
        return apps

    def kill_all(self) -> None:
        for app in self.apps.values():
            app.kill_now()

    def tails(self, lines: int = 40) -> str:
        return "\n".join(
            f"===== {app.name} ({app.log}) =====\n{app.tail(lines)}" for app in self.apps.values()
        )

    async def __aenter__(self) -> AppProcesses:
        return self

    def report(self) -> None:
        """Print each log's tail, once (pytest shows it for a failed test)."""
        if not self._reported:
            self._reported = True
            print(self.tails(), file=sys.stderr)

    async def __aexit__(self, exc_type: type[BaseException] | None, *rest: object) -> None:
        self.kill_all()
        if exc_type is not None:
            self.report()
