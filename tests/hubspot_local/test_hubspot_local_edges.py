"""What the local HubSpot API does at its edges: rate limits, injected faults, search-index
lag, mounting as a sub-app, and the embedded start the bot uses."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest
import urllib3
from hubspot.crm.contacts import ApiException, PublicObjectSearchRequest

from config import Settings
from hubspot_local import Faults, RateLimits, seed_demo
from tests.hubspot_local.test_hubspot_local_records import call, create, sdk
from tests.support.hubspot_server import hubspot_server


async def find(client, email):
    req = PublicObjectSearchRequest(
        filter_groups=[{"filters": [{"propertyName": "email", "operator": "EQ", "value": email}]}],
        properties=["email", "firstname"],
    )
    return await call(client.crm.contacts.search_api.do_search, public_object_search_request=req)


async def by_email(client, email):
    try:
        return await call(client.crm.contacts.basic_api.get_by_id, email, id_property="email")
    except ApiException as exc:
        if exc.status == 404:
            return None
        raise


# ---- rate limits --------------------------------------------------------------------------------


async def test_ten_second_budget_then_429_with_hubspot_body_and_headers():
    async with hubspot_server(
        rate_limits=RateLimits(per_ten_seconds=3, search_per_second=50)
    ) as hs:
        api = sdk(hs).crm.contacts.basic_api
        remaining = []
        for _ in range(3):
            _, status, headers = await call(api.get_page_with_http_info)
            assert status == 200
            assert headers["X-HubSpot-RateLimit-Max"] == "3"
            assert headers["X-HubSpot-RateLimit-Interval-Milliseconds"] == "10000"
            assert "X-HubSpot-RateLimit-Daily-Remaining" in headers
            remaining.append(int(headers["X-HubSpot-RateLimit-Remaining"]))
        assert remaining == [2, 1, 0]
        with pytest.raises(ApiException) as info:
            await call(api.get_page)
        exc = info.value
        assert exc.status == 429
        body = json.loads(exc.body)
        assert body["errorType"] == "RATE_LIMIT" and body["category"] == "RATE_LIMITS"
        assert body["policyName"] == "TEN_SECONDLY_ROLLING"
        assert exc.headers["X-HubSpot-RateLimit-Remaining"] == "0"


async def test_search_has_its_own_per_second_budget_and_no_rate_headers():
    async with hubspot_server(
        rate_limits=RateLimits(per_ten_seconds=100, search_per_second=2)
    ) as hs:
        api = sdk(hs).crm.contacts.search_api
        req = PublicObjectSearchRequest(limit=1)
        for _ in range(2):
            _, status, headers = await call(api.do_search_with_http_info, req)
            assert status == 200
            assert not [h for h in headers if h.lower().startswith("x-hubspot-ratelimit")]
        with pytest.raises(ApiException) as info:
            await call(api.do_search, req)
        assert info.value.status == 429
        assert json.loads(info.value.body)["errorType"] == "RATE_LIMIT"
        # other endpoints still answer: search does not draw from the ten-second bucket
        await call(sdk(hs).crm.contacts.basic_api.get_page)
        await asyncio.sleep(1.05)
        await call(api.do_search, req)


async def test_rate_limits_can_be_changed_while_running():
    async with hubspot_server(rate_limits=RateLimits(per_ten_seconds=1)) as hs:
        api = sdk(hs).crm.contacts.basic_api
        await call(api.get_page)
        with pytest.raises(ApiException):
            await call(api.get_page)
        hs.controls.rate_limits = None
        for _ in range(5):
            await call(api.get_page)


# ---- faults -------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 502, 503, 429])
async def test_fault_after_commit_fails_the_call_but_the_contact_exists(status):
    faults = Faults(
        rate=1.0, seed=1, statuses=(status,), routes=frozenset({"create"}), after_commit_share=1.0
    )
    async with hubspot_server(faults=faults) as hs:
        client = sdk(hs)
        with pytest.raises(ApiException) as info:
            await create(client, email="after@x.com")
        assert info.value.status == status
        assert (await by_email(client, "after@x.com")) is not None
        c = hs.counters["create"]
        assert (c.total, c.faulted, c.committed) == (1, 1, 1)


async def test_fault_before_commit_writes_nothing():
    faults = Faults(
        rate=1.0, seed=1, statuses=(503,), routes=frozenset({"create"}), after_commit_share=0.0
    )
    async with hubspot_server(faults=faults) as hs:
        client = sdk(hs)
        with pytest.raises(ApiException) as info:
            await create(client, email="before@x.com")
        assert info.value.status == 503
        assert (await by_email(client, "before@x.com")) is None  # reads are not faulted
        assert hs.counters["create"].committed == 0


@pytest.mark.parametrize("after_commit", [True, False])
async def test_hang_makes_the_client_time_out(after_commit):
    faults = Faults(
        rate=1.0,
        seed=2,
        hang_share=1.0,
        hang_seconds=3.0,
        routes=frozenset({"create"}),
        after_commit_share=1.0 if after_commit else 0.0,
    )
    async with hubspot_server(faults=faults) as hs:
        client = sdk(hs)
        api = client.crm.contacts.basic_api
        with pytest.raises(urllib3.exceptions.ReadTimeoutError):
            await call(api.create, {"properties": {"email": "slow@x.com"}}, _request_timeout=0.3)
        found = await by_email(client, "slow@x.com")
        assert (found is not None) is after_commit
        assert hs.counters["create"].committed == int(after_commit)


async def test_faults_are_seeded_and_per_route_and_switchable():
    async def statuses(hs):
        api = sdk(hs).crm.contacts.basic_api
        out = []
        for _ in range(20):
            try:
                await call(api.get_page, limit=1)
                out.append(200)
            except ApiException as exc:
                out.append(exc.status)
        return out

    faults = Faults(rate=0.5, seed=7, statuses=(500, 502), routes=frozenset({"list"}))
    async with hubspot_server(faults=faults) as one, hubspot_server(faults=faults) as two:
        first, second = await statuses(one), await statuses(two)
        assert first == second
        assert {200, 500, 502} >= set(first) and 200 in first and len(set(first)) > 1
        assert one.counters["list"].faulted == first.count(500) + first.count(502)
        await create(sdk(one), email="unaffected@x.com")  # create is not on the route list
        one.controls.faults = None
        assert set(await statuses(one)) == {200}


# ---- search-index lag ---------------------------------------------------------------------------


async def test_search_sees_writes_only_after_the_lag():
    async with hubspot_server(search_lag_ms=400) as hs:
        client = sdk(hs)
        rec = await create(client, email="lag@x.com", firstname="Old")
        assert (await by_email(client, "lag@x.com")).id == rec.id  # reads see it at once
        assert (await find(client, "lag@x.com")).total == 0
        await asyncio.sleep(0.5)
        found = await find(client, "lag@x.com")
        assert found.total == 1 and found.results[0].properties["firstname"] == "Old"
        await call(
            client.crm.contacts.basic_api.update, rec.id, {"properties": {"firstname": "New"}}
        )
        assert (await find(client, "lag@x.com")).results[0].properties["firstname"] == "Old"
        await asyncio.sleep(0.5)
        assert (await find(client, "lag@x.com")).results[0].properties["firstname"] == "New"
        hs.controls.search_lag_ms = 0
        await create(client, email="now@x.com")
        assert (await find(client, "now@x.com")).total == 1


# ---- mounting and embedding ---------------------------------------------------------------------


async def test_works_mounted_as_a_sub_app():
    async with hubspot_server(mount="/hubspot") as hs:
        assert hs.url.endswith("/hubspot")
        client = sdk(hs)
        rec = await create(client, email="mounted@x.com")
        assert (await find(client, "mounted@x.com")).results[0].id == rec.id


async def test_embedded_start_seeds_once_and_keeps_the_token_out_of_logs(tmp_path, caplog):
    from hubspot_local.embedded import start_embedded

    caplog.set_level(logging.DEBUG)
    settings = Settings(data_dir=str(tmp_path / "data"), hubspot_seed_demo=25)
    local = await start_embedded(settings)
    try:
        assert local.url.startswith("http://127.0.0.1:")
        assert len(local.token) >= 32
        import hubspot

        client = hubspot.Client.create(access_token=local.token, host=local.url)
        page = await call(
            client.crm.contacts.search_api.do_search, PublicObjectSearchRequest(limit=1)
        )
        assert page.total == 25
        token = local.token
    finally:
        await local.close()
    assert token not in caplog.text
    again = await start_embedded(settings)
    try:
        assert again.token != token
        client = hubspot.Client.create(access_token=again.token, host=again.url)
        page = await call(
            client.crm.contacts.search_api.do_search, PublicObjectSearchRequest(limit=1)
        )
        assert page.total == 25  # kept on disk, not seeded twice
    finally:
        await again.close()


def test_demo_contacts_are_deterministic_varied_and_valid():
    a, b = list(seed_demo(200)), list(seed_demo(200))
    assert a == b
    emails = [c["email"] for c in a]
    assert len(set(emails)) == 200
    assert len({c.get("company") for c in a}) > 5 and len({c.get("city") for c in a}) > 5
    assert any(any("\uac00" <= ch <= "\ud7a3" for ch in c.get("firstname", "")) for c in a)


async def test_a_retrying_client_meets_both_kinds_of_failed_create():
    """Seeded faults, half after the commit: a client that retries every failed create sees
    409s for the ones that had in fact been written, and the counters say exactly what was."""
    faults = Faults(
        rate=0.5, seed=11, statuses=(500, 503), routes=frozenset({"create"}), after_commit_share=0.5
    )
    async with hubspot_server(faults=faults) as hs:
        client = sdk(hs)
        conflicts = 0
        for i in range(20):
            for _ in range(10):
                try:
                    await create(client, email=f"r{i}@x.com")
                    break
                except ApiException as exc:
                    if exc.status == 409:
                        conflicts += 1
                        break
                    assert exc.status in (500, 503)
        counter = hs.counters["create"]
        assert counter.committed == 20  # one write per email, however many attempts
        assert counter.faulted_after_commit > 0 and counter.faulted > counter.faulted_after_commit
        assert conflicts == counter.faulted_after_commit > 0
        page = await call(client.crm.contacts.basic_api.get_page, limit=100)
        assert len(page.results) == 20
