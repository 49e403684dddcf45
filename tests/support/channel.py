"""A test channel: serves the `serviceUrl` a real channel (Teams, the Emulator) would, and records
every activity the bot sends there, so tests assert on what a user would see.

The bot replies through the Bot Framework connector REST API:
    POST /v3/conversations/{conversationId}/activities[/{replyToId}]
    PUT  /v3/conversations/{conversationId}/activities/{activityId}   (update)

and answers the member lookup Teams serves (`TeamsInfo.get_member`) from `members`, keyed by
user id, with 404 for anyone else (as Teams does for a user not in the conversation):
    GET  /v3/conversations/{conversationId}/members/{userId}
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

# Every Adaptive Card any TestChannel received in this test session, with where it came from;
# tests/conftest.py validates them all against the Adaptive Cards 1.5 schema at the end.
SESSION_CARDS: list[tuple[str, dict[str, Any]]] = []


def _lines(node: Any) -> list[str]:
    """The texts of a card's TextBlocks and RichTextBlocks, in order."""
    if isinstance(node, list):
        return [line for item in node for line in _lines(item)]
    if not isinstance(node, dict):
        return []
    if node.get("type") == "TextBlock":
        return [str(node.get("text", ""))]
    if node.get("type") == "RichTextBlock":
        return ["".join(str(run.get("text", "")) for run in node.get("inlines", []))]
    return [line for key, value in node.items() if key != "inlines" for line in _lines(value)]


@dataclass
class Recorded:
    conversation_id: str
    activity: dict[str, Any]
    reply_to_id: str | None = None  # for an update (PUT): the id of the activity it replaces
    id: str = ""  # the id this channel gave the activity (an update keeps the old one)
    updated: bool = False  # a PUT: an update of an activity sent before

    @property
    def type(self) -> str:
        return self.activity.get("type", "")

    @property
    def text(self) -> str:
        return self.activity.get("text") or ""

    @property
    def said(self) -> str:
        """What the message says: its line, or (a card alone) the card's first two lines,
        e.g. "Contact created — Ann Lee" (bench/ reads replies this way)."""
        if self.text or not self.cards:
            return self.text
        return " — ".join(_lines(self.cards[0])[:2])

    @property
    def cards(self) -> list[dict[str, Any]]:
        return [
            a["content"]
            for a in self.activity.get("attachments") or []
            if a.get("contentType") == "application/vnd.microsoft.card.adaptive"
        ]


@dataclass
class TestChannel:
    """Start with `async with TestChannel() as channel:`; `channel.service_url` goes into the
    activities the test posts."""

    __test__ = False  # not a pytest test class

    service_url: str = ""
    sent: dict[str, list[Recorded]] = field(default_factory=lambda: defaultdict(list))
    # user id -> TeamsChannelAccount JSON ({"id", "name", "email", "userPrincipalName", ...})
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    member_lookups: list[str] = field(default_factory=list)  # user ids asked for, in order
    _runner: web.AppRunner | None = None

    async def __aenter__(self) -> TestChannel:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/v3/conversations/{cid}/activities", self._receive)
        app.router.add_post("/v3/conversations/{cid}/activities/{reply_to}", self._receive)
        app.router.add_put("/v3/conversations/{cid}/activities/{reply_to}", self._receive)
        app.router.add_get("/v3/conversations/{cid}/members/{uid}", self._member)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.service_url = f"http://127.0.0.1:{port}/"
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _receive(self, request: web.Request) -> web.Response:
        body = await request.json()
        cid = request.match_info["cid"]
        updated = request.method == "PUT"
        reply_to = request.match_info.get("reply_to")
        given = reply_to if updated and reply_to else str(uuid.uuid4())
        rec = Recorded(cid, body, reply_to, id=given, updated=updated)
        SESSION_CARDS.extend((f"{cid}: {(rec.text or '')[:60]!r}", card) for card in rec.cards)
        self.sent[cid].append(rec)
        return web.json_response({"id": given})

    async def _member(self, request: web.Request) -> web.Response:
        uid = request.match_info["uid"]
        self.member_lookups.append(uid)
        member = self.members.get(uid)
        if member is None:
            error = {"code": "MemberNotFoundInConversation", "message": "Member not found."}
            return web.json_response({"error": error}, status=404)
        return web.json_response(member)

    def activities(self, conversation_id: str, *, include_typing: bool = False) -> list[Recorded]:
        return [
            r for r in self.sent.get(conversation_id, []) if include_typing or r.type != "typing"
        ]

    def current(self, conversation_id: str, activity_id: str) -> Recorded:
        """The activity with this id as the chat shows it now: its last update, if any."""
        found = [r for r in self.sent.get(conversation_id, []) if r.id == activity_id]
        assert found, f"no activity {activity_id} in {conversation_id}"
        return found[-1]

    def messages(self, conversation_id: str) -> list[Recorded]:
        return [r for r in self.sent.get(conversation_id, []) if r.type == "message"]
