"""A Direct Line 3.0 client for tests, making the calls `botframework-directlinejs` makes.

async with running_app(settings) as bot:
    dl = DirectLineClient(bot.session, bot.url)
    conv = await dl.page_token()                 # what the page does first
    await dl.start(conv, locale="en-US")         # POST /conversations
    card = await dl.wait_for(conv, lambda a: a.get("attachments"))   # polls GET activities
    await dl.post(conv, {"type": "message", "text": "hi", "from": {"id": "me"}})
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from tests.support.botapp import card_nodes

AGENT = {
    "x-ms-bot-agent": "DirectLine/3.0 (directlinejs 0.15.6)",
    "X-Requested-With": "XMLHttpRequest",
}
ADAPTIVE = "application/vnd.microsoft.card.adaptive"


@dataclass
class DirectLineConversation:
    token: str
    conversation_id: str = ""
    user_id: str = ""
    stream_url: str = ""
    watermark: str = ""
    seen: list[dict[str, Any]] = field(default_factory=list)

    def headers(self, token: str | None = None) -> dict[str, str]:
        return {**AGENT, "Authorization": f"Bearer {token or self.token}"}


@dataclass
class Answer:
    status: int
    body: Any
    headers: dict[str, str]

    @property
    def code(self) -> str:
        return (
            (self.body or {}).get("error", {}).get("code", "")
            if isinstance(self.body, dict)
            else ""
        )


def cards(activity: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        a["content"] for a in activity.get("attachments") or [] if a.get("contentType") == ADAPTIVE
    ]


def card_text(card: Any) -> str:
    """Every text a user reads on a card (TextBlocks, facts, labels, button titles)."""
    return "\n".join(
        node[key]
        for node in card_nodes(card)
        for key in ("text", "title", "label", "value", "placeholder")
        if isinstance(node.get(key), str)
    )


class DirectLineClient:
    def __init__(self, session: aiohttp.ClientSession, base_url: str, prefix: str = "") -> None:
        self.session = session
        self.base = f"{base_url}{prefix}"
        self.api = f"{self.base}/v3/directline"

    async def call(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        json_body: Any = None,
        data: str | bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        hdrs = dict(AGENT)
        if token is not None:
            hdrs["Authorization"] = f"Bearer {token}"
        if json_body is not None or data is not None:
            hdrs["Content-Type"] = "application/json"
        hdrs.update(headers or {})
        body = json.dumps(json_body) if json_body is not None else data
        async with self.session.request(
            method, f"{self.api}{path}", data=body, headers=hdrs
        ) as resp:
            text = await resp.text()
            try:
                parsed = json.loads(text) if text else None
            except ValueError:
                parsed = text
            return Answer(resp.status, parsed, dict(resp.headers))

    async def page_token(self, headers: dict[str, str] | None = None) -> DirectLineConversation:
        """`headers`: what a sign-in proxy adds (WEBCHAT_TRUSTED_USER_HEADER)."""
        async with self.session.post(f"{self.base}/api/webchat/token", headers=headers) as resp:
            assert resp.status == 200, await resp.text()
            body = await resp.json()
        return DirectLineConversation(body["token"], body["conversationId"], body["userId"])

    async def start(
        self, conv: DirectLineConversation, *, locale: str | None = "en-US", expect: int = 201
    ) -> Answer:
        body: dict[str, Any] = {"user": {}}
        if locale:
            body["locale"] = locale
        answer = await self.call("POST", "/conversations", token=conv.token, json_body=body)
        assert answer.status == expect, answer
        conv.conversation_id = answer.body["conversationId"]
        conv.token = answer.body["token"]
        conv.stream_url = answer.body["streamUrl"]
        return answer

    async def post(
        self, conv: DirectLineConversation, activity: dict[str, Any], token: str | None = None
    ) -> Answer:
        return await self.call(
            "POST",
            f"/conversations/{conv.conversation_id}/activities",
            token=token or conv.token,
            json_body=activity,
        )

    async def say(self, conv: DirectLineConversation, text: str, locale: str = "en-US") -> Answer:
        answer = await self.post(
            conv,
            {
                "type": "message",
                "text": text,
                "locale": locale,
                "from": {"id": "ignored", "name": "Tester"},
            },
        )
        assert answer.status == 200, answer
        return answer

    async def poll(self, conv: DirectLineConversation) -> list[dict[str, Any]]:
        answer = await self.call(
            "GET",
            f"/conversations/{conv.conversation_id}/activities?watermark={conv.watermark}",
            token=conv.token,
        )
        assert answer.status == 200, answer
        if answer.body.get("watermark"):
            conv.watermark = answer.body["watermark"]
        conv.seen.extend(answer.body["activities"])
        return answer.body["activities"]

    async def wait_for(
        self,
        conv: DirectLineConversation,
        match: Callable[[dict[str, Any]], Any],
        *,
        seconds: float = 10.0,
    ) -> dict[str, Any]:
        """Poll (as DirectLineJS does without a socket, but faster) until an activity the
        bot sent matches; returns it."""
        deadline = asyncio.get_running_loop().time() + seconds
        while True:
            for activity in await self.poll(conv):
                if activity.get("from", {}).get("role") == "bot" and match(activity):
                    return activity
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"nothing matched within {seconds}s; saw {conv.seen}")
            await asyncio.sleep(0.05)
