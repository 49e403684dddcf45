"""HubSpot's account-info and the record links built from it: the local HubSpot answers
`GET /account-info/v3/details` as HubSpot does (portalId, uiDomain = its own host), read through
the official SDK's generic API client by the contacts adapter; its record page opens without a
token; `RecordLinks` reads the account once, builds and recognises record URLs, and after a
failed read simply has no links for a while.
"""

from __future__ import annotations

import asyncio

import aiohttp

from contacts import deadline
from contacts.errors import HubSpotRejectedToken, HubSpotUnavailable
from contacts.hubspot import HubSpotAdapter
from contacts.links import RETRY_SECONDS, Account, RecordLinks, RecordRef, record_ref
from hubspot_local.controls import LOCAL_PORTAL_ID
from tests.support.hubspot_server import hubspot_server


async def test_account_info_through_the_sdk_names_the_portal_and_this_servers_host():
    async with hubspot_server() as hs:
        adapter = HubSpotAdapter(hs.token, host=hs.url)
        try:
            hs.controls.scopes = frozenset()  # any token may read it, whatever its scopes
            account = await adapter.account_info()
        finally:
            adapter.close()
        assert account == Account(str(LOCAL_PORTAL_ID), hs.url.removeprefix("http://"))
        assert hs.counters["account_info"].total == 1


async def test_account_info_needs_the_token():
    async with hubspot_server() as hs:
        adapter = HubSpotAdapter("pat-na1-wrong", host=hs.url)
        try:
            try:
                await adapter.account_info()
            except HubSpotRejectedToken as exc:
                assert exc.status == 401
            else:
                raise AssertionError("a wrong token read account-info")
        finally:
            adapter.close()


async def test_the_record_page_opens_without_a_token_also_when_mounted():
    async with hubspot_server(mount="/hubspot") as hs:
        adapter = HubSpotAdapter(hs.token, host=hs.url)
        links = RecordLinks(adapter.account_info, api_scheme="http")
        rec = await hs.store.create({"firstname": "Jane", "lastname": "<b>Doe</b>"})
        try:
            with deadline.action(5):
                assert await links.ready() is not None
            url = links.url(str(rec.id))
            assert url == f"{hs.url}/contacts/{LOCAL_PORTAL_ID}/record/0-1/{rec.id}"
            async with aiohttp.ClientSession() as session:
                async with session.get(url) as resp:
                    assert resp.status == 200
                    page = await resp.text()
                assert "Jane &lt;b&gt;Doe&lt;/b&gt;" in page and "<b>" not in page
                other = url.replace(str(LOCAL_PORTAL_ID), str(LOCAL_PORTAL_ID + 1))
                for missing in (other, url.rsplit("/", 1)[0] + "/424242"):
                    async with session.get(missing) as resp:
                        assert resp.status == 404
        finally:
            await links.aclose()
            adapter.close()


def test_record_urls_are_read_back_only_for_contact_records_on_known_hosts():
    assert record_ref("https://app-eu1.hubspot.com/contacts/123/record/0-1/456") == RecordRef(
        "123", "456"
    )
    assert record_ref("https://app.hubspot.com/contacts/123/contact/456/")  # the older form
    for url in (
        "https://app.hubspot.com/contacts/123/record/0-2/456",  # a company
        "https://app.hubspot.com/contacts/123/objects/0-1/views/all/list",
        "https://app.hubspot.com.evil.example/contacts/123/record/0-1/456",
        "ftp://app.hubspot.com/contacts/123/record/0-1/456",
        "not a url at all",
    ):
        assert record_ref(url) is None, url


async def test_a_failed_account_read_leaves_no_links_until_it_is_tried_again():
    now = [1000.0]
    answers: list[Account | Exception] = [
        HubSpotUnavailable(),
        Account("77", "app-eu1.hubspot.com"),
    ]
    asked = []

    async def fetch() -> Account:
        asked.append(now[0])
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    links = RecordLinks(fetch, clock=lambda: now[0])
    with deadline.action(2):
        assert await links.ready() is None
    assert (
        links.url("5") == ""
        and links.ours("https://app.hubspot.com/contacts/77/record/0-1/5") is None
    )
    with deadline.action(2):
        assert await links.ready() is None  # not asked again at once
    assert len(asked) == 1
    now[0] += RETRY_SECONDS + 1
    with deadline.action(2):
        assert await links.ready() == Account("77", "app-eu1.hubspot.com")
    assert links.url("5") == "https://app-eu1.hubspot.com/contacts/77/record/0-1/5"
    assert links.ours("https://app.hubspot.com/contacts/77/record/0-1/5") == "5"
    assert links.ours("https://app.hubspot.com/contacts/78/record/0-1/5") is None
    assert len(asked) == 2
    await links.aclose()


async def test_an_action_waits_only_briefly_for_a_slow_account_read():
    release = asyncio.Event()

    async def fetch() -> Account:
        await release.wait()
        return Account("1", "app.hubspot.com")

    links = RecordLinks(fetch, wait_seconds=0.05)
    with deadline.action(10):
        assert await links.ready() is None  # the action goes on without a link
    release.set()
    with deadline.action(10):
        assert await links.ready() == Account("1", "app.hubspot.com")
    await links.aclose()
