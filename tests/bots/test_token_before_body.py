"""Authenticate before reading (issue 23, finding 6): with an app id set, a POST to
/api/messages without a valid token is refused before its body is read, so anonymous callers
cannot make the app buffer their bodies.

The app runs as its own process (`python app.py`), so its resident memory (VmRSS) is its own,
not the test's: 32 unauthenticated 15 MB bodies streamed at once must leave it within a
generous margin of idle (it grew by about 900 MB when the bodies were read first)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from tests.support.processes import AppProcesses, shared_hubspot

BODY_BYTES = 15 * 1024 * 1024
CHUNK = b"x" * (64 * 1024)
SENDERS = 32
MARGIN_BYTES = 50 * 1024 * 1024


def _rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


async def _body() -> AsyncIterator[bytes]:
    # '{"text": "' then filler: a body that would parse as far as a reader cared to go.
    yield b'{"type": "message", "text": "'
    sent = 30
    while sent + len(CHUNK) < BODY_BYTES:
        yield CHUNK
        sent += len(CHUNK)
        await asyncio.sleep(0)


async def _post(session: aiohttp.ClientSession, url: str, token: str | None) -> int | str:
    headers = {"Content-Type": "application/json", "Content-Length": str(BODY_BYTES)}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    try:
        async with session.post(f"{url}/api/messages", data=_body(), headers=headers) as resp:
            return resp.status
    except aiohttp.ClientError as exc:  # the server closed on us before the body was sent
        return type(exc).__name__


@pytest.mark.timeout(120)
async def test_32_anonymous_15_mb_posts_are_refused_without_reading_them(tmp_path):
    async with shared_hubspot() as hs:
        apps = AppProcesses(tmp_path, database_url="", hubspot=hs)
        app = apps.add(
            "a",
            MicrosoftAppId="00000000-0000-0000-0000-000000000001",
            MicrosoftAppPassword="not-used-here",
            MicrosoftAppType="MultiTenant",
        )
        try:
            await app.start()
            pid = app.pid
            async with aiohttp.ClientSession() as session:
                # Warm: one small refused request, so the refusal's own code is loaded.
                async with session.post(
                    f"{app.url}/api/messages", json={"type": "message"}
                ) as resp:
                    assert resp.status == 401
                idle = _rss(pid)
                tokens = [None, "not-a-jwt", "a.b.c", "eyJhbGciOiJub25lIn0.e30."]
                answers = await asyncio.gather(
                    *(_post(session, app.url, tokens[i % len(tokens)]) for i in range(SENDERS))
                )
                after = _rss(pid)
                # Answered 401; a sender still streaming when the connection closed may see
                # the close instead, but never anything the app accepted.
                assert all(a == 401 or isinstance(a, str) for a in answers), answers
                assert answers.count(401) >= SENDERS // 2, answers
                assert after - idle < MARGIN_BYTES, (idle, after)
                # Still serving.
                async with session.get(f"{app.url}/healthz") as resp:
                    assert resp.status == 200
        finally:
            apps.kill_all()
