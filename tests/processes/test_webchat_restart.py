"""Web Chat conversations outlive the process that started them: after a restart on the same
SQLite file, and across two instances on one PostgreSQL store with the client's calls going to
either, the same token goes on working, the history is there, and a Confirm pressed after the
restart is applied once. At the protocol level, as botframework-directlinejs makes the calls."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest

from app import STORE_KEY
from store.postgres import PostgresStore
from tests.support.botapp import action_data, find_nonce, running_app
from tests.support.botapp import test_settings as make_settings
from tests.support.directline_client import DirectLineClient, DirectLineConversation, cards
from tests.support.hubspot_server import hubspot_server


def _confirm_card(activity: dict[str, Any]) -> bool:
    return any("Confirm" in json.dumps(card) for card in cards(activity))


async def _start_update(dl: DirectLineClient, contacts: Any) -> tuple[Any, DirectLineConversation]:
    jane = (
        await contacts.create({"firstname": "Jane", "lastname": "Doe", "email": "jane@acme.com"})
    ).contact
    conv = await dl.page_token()
    await dl.start(conv)
    await dl.wait_for(conv, lambda a: bool(cards(a)))
    await dl.say(conv, "update jane@acme.com company Globex")
    await dl.wait_for(conv, _confirm_card)
    return jane, conv


def _confirm_value(conv: DirectLineConversation) -> dict[str, Any]:
    (card,) = cards([a for a in conv.seen if _confirm_card(a)][-1])
    return {**action_data(card, "Confirm"), "nonce": find_nonce(card)}


async def _press(dl: DirectLineClient, conv: DirectLineConversation, value: dict) -> None:
    answer = await dl.post(conv, {"type": "message", "from": {"id": "x"}, "value": value})
    assert answer.status == 200, answer


async def _frames_until(ws: aiohttp.ClientWebSocketResponse, text: str) -> list[dict[str, Any]]:
    """Activities from the socket until one that shows `text` (in its text or its card)."""
    seen: list[dict[str, Any]] = []
    while True:
        msg = await asyncio.wait_for(ws.receive(), timeout=15)
        assert msg.type == aiohttp.WSMsgType.TEXT, f"socket ended: {msg}; saw {seen}"
        if not msg.data:
            continue
        seen.extend(json.loads(msg.data)["activities"])
        if any(text in json.dumps(a, ensure_ascii=False) for a in seen):
            return seen


@pytest.mark.timeout(60)
async def test_a_chat_goes_on_after_a_restart_on_the_same_sqlite_file(tmp_path):
    settings = make_settings(tmp_path, state_storage="sqlite")
    async with running_app(settings) as before:
        dl = DirectLineClient(before.session, before.url)
        jane, conv = await _start_update(dl, before.contacts)
        history = [a["id"] for a in conv.seen]
    async with running_app(settings) as after:
        dl = DirectLineClient(after.session, after.url)
        again = await dl.call(
            "GET",
            f"/conversations/{conv.conversation_id}?watermark={conv.watermark}",
            token=conv.token,
        )
        assert again.status == 200, again  # the old token, signed before the restart
        everything = await dl.call(
            "GET", f"/conversations/{conv.conversation_id}/activities", token=conv.token
        )
        assert [a["id"] for a in everything.body["activities"]] == history
        value = _confirm_value(conv)
        await _press(dl, conv, value)
        done = await dl.wait_for(conv, lambda a: "Contact updated" in json.dumps(a))
        assert "text" not in done  # the card says it; no line above it says it again
        assert (await after.contacts.get(jane.id)).get("company") == "Globex"
        await _press(dl, conv, value)  # the same card pressed again: not written again
        twice = await dl.wait_for(conv, lambda a: "already used" in str(a.get("text", "")))
        assert twice["text"].startswith("That card was already used (✓ Saved by ")
        audit = await after.app[STORE_KEY].audit_log()
        assert [(e.action, e.contact_id) for e in audit] == [("update", jane.id)]
        assert after.hubspot_local.counters["update"].committed == 1


@pytest.mark.timeout(90)
async def test_a_chat_moves_between_two_instances_and_survives_losing_its_socket(
    tmp_path, postgres
):
    url = await asyncio.to_thread(postgres.new_database)
    async with hubspot_server() as hs:

        def settings(name: str) -> Any:
            return make_settings(
                tmp_path / name,
                database_url=url,
                hubspot_access_token=hs.token,
                hubspot_base_url=hs.url,
            )

        async with running_app(settings("b"), store=PostgresStore(url)) as b:
            dl_b = DirectLineClient(b.session, b.url)
            a_running = running_app(settings("a"), store=PostgresStore(url))
            a = await a_running.__aenter__()
            try:
                dl_a = DirectLineClient(a.session, a.url)
                jane = (
                    await a.contacts.create(
                        {"firstname": "Jane", "lastname": "Doe", "email": "jane@acme.com"}
                    )
                ).contact
                conv = await dl_a.page_token()  # the page and the start on A ...
                await dl_a.start(conv)
                await dl_b.wait_for(conv, lambda x: bool(cards(x)))  # ... welcome polled on B
                ws = await a.session.ws_connect(conv.stream_url)  # A holds the socket
                await dl_b.say(conv, "update jane@acme.com company Globex")  # B runs the turn
                seen: list[dict[str, Any]] = []
                while not any(_confirm_card(x) for x in seen):  # B's reply, on A's socket
                    seen += await _frames_until(ws, "")
                await dl_a.poll(conv)
                value = _confirm_value(conv)
            finally:
                await a_running.__aexit__(None, None, None)  # A stops, its socket with it
            end = await asyncio.wait_for(ws.receive(), timeout=15)
            assert end.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED), end

            back = await dl_b.call(
                "GET",
                f"/conversations/{conv.conversation_id}?watermark={conv.watermark}",
                token=conv.token,
            )
            assert back.status == 200, back  # B carries the conversation on
            assert back.body["streamUrl"].startswith(b.url.replace("http", "ws"))
            async with b.session.ws_connect(back.body["streamUrl"]) as socket:
                await _press(dl_b, conv, value)
                seen = await _frames_until(socket, "Contact updated")
            assert any("Contact updated" in json.dumps(x) for x in seen)
            assert (await b.contacts.get(jane.id)).get("company") == "Globex"
            assert hs.counters["update"].committed == 1
