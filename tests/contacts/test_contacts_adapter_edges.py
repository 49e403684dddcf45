"""The HubSpot adapter's edge behaviour, through the real SDK against a scripted server.

Each test scripts what "HubSpot" answers (an aiohttp app on 127.0.0.1) and checks what the
caller is told and which requests HubSpot saw: a lost create answer is followed by a lookup,
not a second POST; 429 waits as asked; 409 carries the existing id; 400 names the field.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from contacts.budget import BudgetLimits, RequestBudget
from contacts.errors import (
    ContactNotFound,
    DuplicateContact,
    HubSpotUnavailable,
    InvalidContact,
    RateLimited,
)
from contacts.hubspot import HubSpotAdapter
from contacts.retrying import RetryPolicy

TOKEN = "test-token-not-secret"
BASE = "/crm/v3/objects/contacts"
Reply = Callable[[web.Request], Any]


def contact_json(cid: str, email: str) -> dict[str, Any]:
    return {
        "id": cid,
        "properties": {
            "email": email,
            "hs_object_id": cid,
            "lastmodifieddate": "2024-05-01T10:00:00.000Z",
        },
        "createdAt": "2024-05-01T10:00:00.000Z",
        "updatedAt": "2024-05-01T10:00:00.123Z",
        "archived": False,
    }


def error(status: int, message: str, **extra: Any) -> web.Response:
    headers = extra.pop("headers", None)
    return web.json_response(
        {"status": "error", "message": message, **extra}, status=status, headers=headers
    )


class Scripted:
    """Answers each route from a queue of replies; the last reply repeats."""

    def __init__(self) -> None:
        self.replies: dict[str, list[Reply]] = {}
        self.seen: list[tuple[str, str]] = []

    def script(self, route: str, *replies: Reply) -> None:
        self.replies[route] = list(replies)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        assert request.headers["Authorization"] == f"Bearer {TOKEN}"
        if request.method == "POST" and request.path.endswith("/search"):
            route = "search"
        else:
            route = {"POST": "create", "PATCH": "update", "GET": "read"}[request.method]
        self.seen.append((route, request.path_qs))
        queue = self.replies[route]
        reply = queue.pop(0) if len(queue) > 1 else queue[0]
        result = reply(request)
        if asyncio.iscoroutine(result):
            result = await result
        return result


@asynccontextmanager
async def scripted_hubspot(**adapter_kwargs: Any) -> AsyncIterator[tuple[Scripted, HubSpotAdapter]]:
    scripted = Scripted()
    app = web.Application()
    app.router.add_route("*", BASE + "{tail:.*}", scripted.handle)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    options: dict[str, Any] = {
        "timeout_seconds": 0.5,
        "retry": RetryPolicy(
            attempts=3,
            backoff_base_seconds=0.01,
            backoff_cap_seconds=0.02,
            rate_limit_cap_seconds=0.3,
            rate_limit_default_seconds=0.05,
        ),
        "budget": RequestBudget(BudgetLimits(calls=1000, searches=1000)),
        **adapter_kwargs,
    }
    adapter = HubSpotAdapter(TOKEN, host=str(server.make_url("")), **options)
    try:
        yield scripted, adapter
    finally:
        adapter.close()
        await server.close()


def ok(body: dict[str, Any], status: int = 200) -> Reply:
    return lambda _r: web.json_response(body, status=status)


async def hang(_request: web.Request) -> web.Response:
    await asyncio.sleep(2)
    return web.json_response({})


async def test_a_read_returns_a_plain_contact() -> None:
    async with scripted_hubspot() as (hs, adapter):
        hs.script("read", ok(contact_json("7", "kim@example.com")))
        contact = await adapter.get("kim@example.com", id_property="email")
    assert contact.id == "7" and contact.email == "kim@example.com"
    assert contact.version == "2024-05-01T10:00:00.123Z"
    assert "idProperty=email" in hs.seen[0][1] and "kim%40example.com" in hs.seen[0][1]


async def test_not_found_is_contact_not_found() -> None:
    async with scripted_hubspot() as (hs, adapter):
        hs.script(
            "read",
            lambda _r: error(
                404, "Object not found.  objectId are usually numeric.", category="OBJECT_NOT_FOUND"
            ),
        )
        with pytest.raises(ContactNotFound):
            await adapter.get("99")


async def test_409_carries_the_existing_id() -> None:
    async with scripted_hubspot() as (hs, adapter):
        hs.script(
            "create",
            lambda _r: error(409, "Contact already exists. Existing ID: 4242", category="CONFLICT"),
        )
        with pytest.raises(DuplicateContact) as caught:
            await adapter.create({"email": "kim@example.com"})
    assert caught.value.existing_id == "4242"
    assert [r for r, _ in hs.seen] == ["create"]


async def test_validation_error_names_the_field() -> None:
    body = {
        "category": "VALIDATION_ERROR",
        "errors": [
            {
                "message": 'Property "shoe_size" does not exist',
                "code": "PROPERTY_DOESNT_EXIST",
                "context": {"propertyName": ["shoe_size"]},
            }
        ],
    }
    async with scripted_hubspot() as (hs, adapter):
        hs.script("update", lambda _r: error(400, "Property values were not valid", **body))
        with pytest.raises(InvalidContact) as caught:
            await adapter.update("7", {"shoe_size": "9"})
    assert caught.value.field == "shoe_size"
    assert caught.value.reason_code == "unknown_property"


async def test_429_waits_as_hubspot_says_then_succeeds() -> None:
    def limited(_request: web.Request) -> web.Response:
        return error(
            429,
            "You have reached your ten_secondly_rolling limit.",
            errorType="RATE_LIMIT",
            headers={"Retry-After": "0.2"},
        )

    async with scripted_hubspot() as (hs, adapter):
        hs.script("read", limited, ok(contact_json("7", "kim@example.com")))
        started = time.monotonic()
        contact = await adapter.get("7")
        waited = time.monotonic() - started
    assert contact.id == "7"
    assert waited >= 0.2
    assert len(hs.seen) == 2


async def test_429_that_does_not_stop_is_rate_limited() -> None:
    async with scripted_hubspot() as (hs, adapter):
        hs.script(
            "search",
            lambda _r: error(429, "You have reached your secondly limit.", errorType="RATE_LIMIT"),
        )
        with pytest.raises(RateLimited):
            await adapter.search({"limit": 1})
    assert len(hs.seen) == 4  # one try and rate_limit_retries=3 more


async def test_5xx_is_retried_then_reported_unavailable() -> None:
    async with scripted_hubspot() as (hs, adapter):
        hs.script("read", lambda _r: error(503, "Service Unavailable"))
        with pytest.raises(HubSpotUnavailable) as caught:
            await adapter.get("7")
    assert len(hs.seen) == 3
    assert caught.value.write_may_have_happened is False


async def test_lost_create_answer_is_looked_up_not_posted_again() -> None:
    async with scripted_hubspot() as (hs, adapter):
        hs.script("create", lambda _r: error(502, "Bad Gateway"))
        hs.script("read", ok(contact_json("11", "kim@example.com")))
        contact = await adapter.create({"email": "kim@example.com"})
    assert contact.id == "11"
    assert [r for r, _ in hs.seen] == ["create", "read"]


async def test_create_refused_with_429_is_checked_before_posting_again() -> None:
    async with scripted_hubspot() as (hs, adapter):
        hs.script(
            "create",
            lambda _r: error(
                429,
                "You have reached your ten_secondly_rolling limit.",
                headers={"Retry-After": "0.05"},
            ),
            ok(contact_json("14", "han@example.com"), status=201),
        )
        hs.script("read", lambda _r: error(404, "Object not found."))
        contact = await adapter.create({"email": "han@example.com"})
    assert contact.id == "14"
    assert [r for r, _ in hs.seen] == ["create", "read", "create"]


async def test_create_timeout_then_lookup_miss_then_post_again() -> None:
    async with scripted_hubspot() as (hs, adapter):
        hs.script("create", hang, ok(contact_json("12", "lee@example.com"), status=201))
        hs.script("read", lambda _r: error(404, "Object not found."))
        contact = await adapter.create({"email": "lee@example.com"})
    assert contact.id == "12"
    assert [r for r, _ in hs.seen] == ["create", "read", "create"]


async def test_409_after_our_own_lost_create_is_our_contact() -> None:
    async with scripted_hubspot() as (hs, adapter):
        hs.script("create", hang, lambda _r: error(409, "Contact already exists. Existing ID: 13"))
        hs.script(
            "read",
            lambda _r: error(404, "Object not found."),
            ok(contact_json("13", "park@example.com")),
        )
        contact = await adapter.create({"email": "park@example.com"})
    assert contact.id == "13"


async def test_update_whose_answer_never_came_may_have_been_saved() -> None:
    async with scripted_hubspot() as (hs, adapter):
        hs.script("update", lambda _r: error(500, "Internal error"))
        hs.script("read", ok(contact_json("7", "kim@example.com")))  # city not Seoul yet
        with pytest.raises(HubSpotUnavailable) as caught:
            await adapter.update("7", {"city": "Seoul"})
    assert caught.value.write_may_have_happened is True
    # Never re-sent blindly (issue 23): each re-send is decided by a read of the contact.
    assert [r for r, _ in hs.seen] == ["update", "read", "update", "read", "update"]


async def test_create_whose_outcome_cannot_be_known_says_so() -> None:
    async with scripted_hubspot() as (hs, adapter):
        hs.script("create", lambda _r: error(500, "Internal error"))
        hs.script("read", lambda _r: error(503, "Service Unavailable"))
        with pytest.raises(HubSpotUnavailable) as caught:
            await adapter.create({"email": "choi@example.com"})
    assert caught.value.write_may_have_happened is True
    assert [r for r, _ in hs.seen].count("create") == 1


async def test_create_without_email_is_never_repeated() -> None:
    async with scripted_hubspot() as (hs, adapter):
        hs.script("create", lambda _r: error(500, "Internal error"))
        with pytest.raises(HubSpotUnavailable) as caught:
            await adapter.create({"firstname": "Jung"})
    assert caught.value.write_may_have_happened is True
    assert [r for r, _ in hs.seen] == ["create"]


async def test_rejected_token_is_not_retried_and_not_shown() -> None:
    async with scripted_hubspot() as (hs, adapter):
        hs.script("read", lambda _r: error(401, "Authentication credentials not found."))
        with pytest.raises(HubSpotUnavailable) as caught:
            await adapter.get("7")
    assert len(hs.seen) == 1
    assert TOKEN not in str(caught.value) and TOKEN not in repr(adapter)


async def test_search_sends_the_body_and_reads_paging() -> None:
    page = {
        "total": 3,
        "results": [contact_json("1", "a@example.com")],
        "paging": {"next": {"after": "1"}},
    }
    bodies: list[Any] = []

    async def reply(request: web.Request) -> web.Response:
        bodies.append(json.loads(await request.read()))
        return web.json_response(page)

    async with scripted_hubspot() as (hs, adapter):
        hs.script("search", reply)
        result = await adapter.search({"limit": 1, "query": "acme"})
    assert result.total == 3 and result.next_after == "1"
    assert result.results[0].email == "a@example.com"
    assert bodies[0]["query"] == "acme" and "email" in bodies[0]["properties"]
