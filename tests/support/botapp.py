"""Run the real app on loopback and talk to it the way a channel does.

    async with running_app(settings) as bot, TestChannel() as channel:
        chat = Conversation(bot, channel)            # Emulator-shaped by default
        await chat.start()                           # conversationUpdate -> welcome card
        replies = await chat.say("find jane@acme.com")
        replies = await chat.click({"action": "start_search", "nonce": chat.nonce})

`say`/`click` return only the activities the bot sent in answer to that one POST. The app
answers a slow turn's POST before the turn ends (202, bots/inbox.py); `post` then waits for that
turn in the app, so no sleeping is needed (`settle=False` returns at the HTTP answer).
"""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import aiohttp
from aiohttp import web
from botbuilder.schema import Activity

from app import CONTACTS_KEY, HUBSPOT_LOCAL_KEY, INBOX_KEY, create_app
from bots.inbox import delivery_key
from config import Settings
from tests.support import activities as act
from tests.support.channel import Recorded, TestChannel
from webchat import WEBCHAT_KEY


def test_settings(tmp_path: Any, **overrides: Any) -> Settings:
    """Local defaults, state in memory, data files under the test's tmp_path."""
    base = Settings(data_dir=str(tmp_path), state_storage="memory", port=0)
    return replace(base, **overrides)


test_settings.__test__ = False  # type: ignore[attr-defined]  # a helper, not a pytest test


@dataclass
class RunningApp:
    url: str
    app: web.Application
    session: aiohttp.ClientSession
    jane: Any = None  # the contact the bot-level fixtures seed, when they do

    @property
    def contacts(self) -> Any:
        """The app's ContactsService (to check what HubSpot holds)."""
        return self.app[CONTACTS_KEY]

    @property
    def hubspot_local(self) -> Any:
        return self.app.get(HUBSPOT_LOCAL_KEY)

    async def post(
        self,
        activity: dict[str, Any],
        *,
        headers: dict[str, str] | None = None,
        settle: bool = True,
    ) -> aiohttp.ClientResponse:
        """POST the activity; with `settle`, an answer of 202 (the turn goes on) is followed
        by waiting for that turn to end in the app, so its replies are all in."""
        # Serialized here, not by aiohttp's json=: it warns on a 10 MB body sent as raw bytes.
        body = io.BytesIO(json.dumps(activity).encode())
        async with self.session.post(
            f"{self.url}/api/messages",
            data=body,
            headers={"Content-Type": "application/json", **(headers or {})},
        ) as resp:
            await resp.read()
        if settle and resp.status == 202:
            await self.finished(activity)
        return resp

    async def finished(self, activity: dict[str, Any]) -> None:
        """Wait for the app to end the turn of `activity` (answered 202 and still running)."""
        key = delivery_key(Activity().deserialize(activity))
        if key is not None:
            await self.app[INBOX_KEY].finished(key)


@asynccontextmanager
async def running_app(
    settings: Settings, *, port: int = 0, **create_kwargs: Any
) -> AsyncIterator[RunningApp]:
    """`port` 0 picks a free one; a restart passes the port it had, so a browser page open on
    it reconnects to the new process."""
    app = create_app(settings, **create_kwargs)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        # The client goes first: a keep-alive connection it still held would otherwise be one
        # more connection the server's shutdown waits on (up to aiohttp's 60 s).
        async with aiohttp.ClientSession() as session:
            yield RunningApp(f"http://127.0.0.1:{port}", app, session)
    finally:
        # A welcome still on its way (a test that did not wait for it) ends while the server
        # still listens; otherwise its reply could be caught by the shutdown half-delivered.
        await app[WEBCHAT_KEY].channel.settle()
        await runner.cleanup()


@dataclass
class Conversation:
    bot: RunningApp
    channel: TestChannel
    kind: str = "emulator"  # "emulator" | "teams"
    locale: str | None = "en-US"
    conversation_id: str = field(default_factory=lambda: f"test-{uuid.uuid4().hex}|livechat")
    nonce: str = ""  # learned from the welcome card's buttons
    sender: dict[str, Any] | None = None  # fields to set on `from` (another Teams user)

    def _builders(self) -> dict[str, Callable[..., dict[str, Any]]]:
        if self.kind == "teams":
            return {
                "update": act.teams_conversation_update,
                "message": act.teams_message,
                "submit": act.teams_submit,
            }
        return {
            "update": act.emulator_conversation_update,
            "message": act.emulator_message,
            "submit": act.emulator_submit,
        }

    async def _exchange(self, activity: dict[str, Any]) -> list[Recorded]:
        if self.sender:
            activity["from"] = {**activity.get("from", {}), **self.sender}
        before = len(self.channel.activities(self.conversation_id, include_typing=True))
        resp = await self.bot.post(activity)
        assert resp.status in (200, 201, 202), f"bot answered HTTP {resp.status}"
        sent = self.channel.activities(self.conversation_id, include_typing=True)[before:]
        return [r for r in sent if r.type != "typing"]

    async def start(self) -> list[Recorded]:
        if self.kind == "teams":
            replies = await self._exchange(
                act.teams_conversation_update(self.conversation_id, self.channel.service_url)
            )
        else:
            replies = await self._exchange(
                act.emulator_conversation_update(
                    self.conversation_id, self.channel.service_url, self.locale
                )
            )
        for r in replies:
            for card in r.cards:
                nonce = find_nonce(card)
                if nonce:
                    self.nonce = nonce
        return replies

    async def say(self, text: str) -> list[Recorded]:
        return await self._exchange(
            self._builders()["message"](
                self.conversation_id, self.channel.service_url, text, self.locale
            )
        )

    async def click(self, value: Any) -> list[Recorded]:
        if isinstance(value, dict) and "nonce" not in value and self.nonce:
            value = {**value, "nonce": self.nonce}
        return await self._exchange(
            self._builders()["submit"](
                self.conversation_id, self.channel.service_url, value, self.locale
            )
        )


def card_nodes(card: Any) -> Iterator[dict[str, Any]]:
    """Every object in a card, in document order: the one walk the helpers below share."""
    if isinstance(card, dict):
        yield card
        for v in card.values():
            yield from card_nodes(v)
    elif isinstance(card, list):
        for v in card:
            yield from card_nodes(v)


def submit_actions(card: dict[str, Any]) -> list[dict[str, Any]]:
    """All Action.Submit and Action.Execute objects in a card, in document order (what a user
    could click; Teams gets Execute on cards that end when used). `Conversation.click` sends
    their data as a message submit (tests/flows/test_cards_end_when_used.py invokes as Teams
    does)."""
    return [
        node for node in card_nodes(card) if node.get("type") in ("Action.Submit", "Action.Execute")
    ]


def find_nonce(card: Any) -> str:
    """The nonce carried in any Action.Submit data of a card."""
    for action in submit_actions(card):
        data = action.get("data")
        if isinstance(data, dict) and data.get("nonce"):
            return str(data["nonce"])
    return ""


def action_data(card: dict[str, Any], title: str) -> dict[str, Any]:
    """The data of the Action.Submit with this title (what clicking that button sends)."""
    for a in submit_actions(card):
        if a.get("title") == title:
            return dict(a.get("data") or {})
    raise AssertionError(
        f"no button {title!r} in card; have {[a.get('title') for a in submit_actions(card)]}"
    )
