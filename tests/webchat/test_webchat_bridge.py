"""The local channel's way back: the bot's replies to its own connector routes.

A reply POST whose connection is accepted but never answered (what a shutdown can leave behind
when the listener closes just as the bot connects) must fail the turn in a bounded time, not hold
a worker thread for msrest's default 100 s: the loop's shutdown waits for that thread."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from msrest.exceptions import ClientRequestError

from webchat.bridge import BotBridge


class _HelloBot:
    async def on_turn(self, context: TurnContext) -> None:
        await context.send_activity("hello")


@asynccontextmanager
async def _silent_server() -> AsyncIterator[tuple[str, list[bytes]]]:
    """Accepts connections and reads what arrives, and never answers."""
    heard: list[bytes] = []
    writers: list[asyncio.StreamWriter] = []

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)
        heard.append(await reader.read(65536))
        await reader.read()  # until the caller gives up and closes

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/webchat-connector/", heard
    finally:
        for writer in writers:
            writer.close()
        server.close()
        await server.wait_closed()


def _message(service_url: str) -> dict[str, Any]:
    return {
        "type": "message",
        "id": str(uuid.uuid4()),
        "channelId": "webchat",
        "serviceUrl": service_url,
        "from": {"id": "dl_user", "role": "user"},
        "recipient": {"id": "bot", "role": "bot"},
        "conversation": {"id": "conv-1"},
        "text": "hi",
    }


@pytest.mark.timeout(30)
async def test_a_reply_nobody_answers_fails_the_turn_instead_of_hanging() -> None:
    adapter = CloudAdapter()
    bridge = BotBridge(adapter=adapter, bot=_HelloBot, reply_timeout=0.5)
    try:
        async with _silent_server() as (service_url, heard):
            with pytest.raises(ClientRequestError, match="timed out"):
                await bridge.deliver(_message(service_url))
            # It did reach the channel (so the time went into waiting, not connecting), and it
            # carried the process's connector token.
            assert heard and heard[0].startswith(b"POST /webchat-connector/v3/conversations/")
            assert f"Bearer {bridge.connector_token}".encode() in heard[0]
    finally:
        await bridge.close()
