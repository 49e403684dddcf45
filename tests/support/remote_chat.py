"""A user's conversation with bots in other processes, posted the way Teams does it: each
activity to a URL (a load balancer or one instance), and again, with the same id, when the POST
failed (a 5xx, a 502 from the balancer, a connection error), up to `max_attempts` times.

    chat = RemoteChat(session, proxy.url, channel)
    await chat.start()                                   # the welcome card's nonce is learned
    replies = await chat.say("find jane@acme.com")        # what the bot answered that activity
    replies = await chat.click(confirm_data)             # nonce added

Replies are matched to the activity they answer by `replyToId` (the connector URL the bot
posts to names it), so a reply sent by an instance that died before its HTTP answer still counts
as seen, and replies from a redelivery are the same activity's.
"""

from __future__ import annotations

import asyncio
import io
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from tests.support import activities as act
from tests.support.botapp import find_nonce
from tests.support.channel import Recorded, TestChannel
from tests.support.waiting import until

ACCEPTED = frozenset({"200", "201", "202"})  # what post_activity returns when the bot took it


@dataclass
class Delivery:
    activity: dict[str, Any]
    outcomes: list[str] = field(default_factory=list)  # "200", "502", "ServerDisconnectedError"

    @property
    def delivered(self) -> bool:
        return bool(self.outcomes) and self.outcomes[-1] in ACCEPTED

    @property
    def redeliveries(self) -> int:
        return max(0, len(self.outcomes) - 1)


async def post_activity(session: aiohttp.ClientSession, url: str, activity: dict[str, Any]) -> str:
    """One POST of an activity to `url`/api/messages; its HTTP status, or the error's name."""
    body = io.BytesIO(json.dumps(activity).encode())
    try:
        async with session.post(
            f"{url}/api/messages", data=body, headers={"Content-Type": "application/json"}
        ) as resp:
            await resp.read()
            return str(resp.status)
    except (aiohttp.ClientConnectionError, TimeoutError) as exc:
        return type(exc).__name__


@dataclass
class RemoteChat:
    session: aiohttp.ClientSession
    url: str
    channel: TestChannel
    conversation_id: str = field(default_factory=lambda: f"proc-{uuid.uuid4().hex}|livechat")
    locale: str = "en-US"
    max_attempts: int = 10
    retry_delay: float = 0.1
    # A message answered 202 (the bot went on with it after answering): how long to wait for
    # its first reply before returning. 0: return at the answer, as for a 200. (A welcome
    # names no activity it replies to, so it is not waited for.)
    reply_wait: float = 0.0
    nonce: str = ""
    deliveries: list[Delivery] = field(default_factory=list)

    def replies_to(self, activity_id: str) -> list[Recorded]:
        return [
            r for r in self.channel.messages(self.conversation_id) if r.reply_to_id == activity_id
        ]

    async def deliver(self, activity: dict[str, Any], *, url: str | None = None) -> list[Recorded]:
        """Post until the bot accepts it (or attempts run out); every reply to that activity."""
        delivery = Delivery(activity)
        self.deliveries.append(delivery)
        for attempt in range(self.max_attempts):
            if attempt:
                await asyncio.sleep(self.retry_delay * attempt)
            outcome = await post_activity(self.session, url or self.url, activity)
            delivery.outcomes.append(outcome)
            if delivery.delivered:
                break
        if self.reply_wait and delivery.outcomes[-1] == "202" and activity["type"] == "message":
            await until(
                lambda: self.replies_to(activity["id"]),
                within=self.reply_wait,
                what=f"a reply to {activity['id']} after the bot answered 202",
            )
        replies = self.replies_to(activity["id"])
        for reply in replies:  # the newest nonce wins: a redelivered welcome may bring a new one
            for card in reply.cards:
                self.nonce = find_nonce(card) or self.nonce
        return replies

    async def start(self) -> list[Recorded]:
        return await self.deliver(
            act.emulator_conversation_update(
                self.conversation_id, self.channel.service_url, self.locale
            )
        )

    def message(self, text: str) -> dict[str, Any]:
        return act.emulator_message(
            self.conversation_id, self.channel.service_url, text, self.locale
        )

    def submit(self, value: dict[str, Any]) -> dict[str, Any]:
        return act.emulator_submit(
            self.conversation_id, self.channel.service_url, {**value, "nonce": self.nonce}
        )

    async def say(self, text: str) -> list[Recorded]:
        return await self.deliver(self.message(text))

    async def click(self, value: dict[str, Any]) -> list[Recorded]:
        return await self.deliver(self.submit(value))
