"""The Microsoft 365 Agents Playground (npm's @microsoft/m365agentsplayground, a local Teams-like
client installed by `make playground` into tests/playground/) as a process the browser tests
point Chromium at.

    async with running_playground(f"{app.url}/api/messages", log=tmp_path / "pg.log") as url:
        await page.goto(url)

It runs as `node -r ./loopback.cjs cli.js -e <endpoint> -c msteams --disable-telemetry` in
tests/playground/ (its mock Teams is that folder's .m365agentsplayground.yml), with no browser
of its own, and is stopped as its own process group afterwards. The preload binds its servers
to 127.0.0.1 (it has no host option).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

PLAYGROUND_DIR = Path(__file__).resolve().parents[1] / "playground"
CLI = PLAYGROUND_DIR / "node_modules" / "@microsoft" / "m365agentsplayground" / "cli.js"
NODE = shutil.which("node")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_EXECUTABLE = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run"]


def playground_installed() -> bool:
    return NODE is not None and CLI.exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@asynccontextmanager
async def running_playground(endpoint: str, *, log: Path) -> AsyncIterator[str]:
    """The Playground's page URL, its mock Teams talking to the bot at `endpoint`."""
    assert NODE is not None, "no node"
    env = {
        **os.environ,
        "TEAMSAPPTESTER_BROWSER": "none",
        "M365_AGENTS_PLAYGROUND_LOGFILE": str(log),
    }
    proc = await asyncio.create_subprocess_exec(
        NODE,
        "-r",
        "./loopback.cjs",
        str(CLI),
        "-e",
        endpoint,
        "-c",
        "msteams",
        "--port",
        str(_free_port()),
        "--disable-telemetry",
        cwd=PLAYGROUND_DIR,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        assert proc.stdout is not None
        async with asyncio.timeout(30):
            while True:
                line = (await proc.stdout.readline()).decode(errors="replace")
                assert line, "the Playground ended before it listened"
                if line.startswith("Listening on"):
                    port = int(line.split()[-1])
                    break
        yield f"http://127.0.0.1:{port}/"
    finally:
        if proc.returncode is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                async with asyncio.timeout(10):
                    await proc.wait()
            except TimeoutError:
                os.killpg(proc.pid, signal.SIGKILL)
                await proc.wait()
