"""`python -m hubspot_local`, contacts kept in a SQLite file across restarts, GDPR delete, and
ids that were merged away — each through the official SDK, as a HubSpot client sees them.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from pathlib import Path

import hubspot
import pytest
from hubspot.crm.contacts import (
    ApiException,
    BatchInputSimplePublicObjectBatchInput,
    PublicGdprDeleteInput,
    PublicMergeInput,
    PublicObjectSearchRequest,
    SimplePublicObjectInputForCreate,
)

from tests.support.hubspot_server import hubspot_server

ROOT = Path(__file__).resolve().parents[2]


async def call(fn, *args, **kwargs):
    return await asyncio.to_thread(fn, *args, **kwargs)


async def create(client: hubspot.Client, **props: str):
    return await call(
        client.crm.contacts.basic_api.create, SimplePublicObjectInputForCreate(properties=props)
    )


async def error_of(fn, *args, **kwargs) -> tuple[int, dict]:
    with pytest.raises(ApiException) as info:
        await call(fn, *args, **kwargs)
    return info.value.status, json.loads(info.value.body)


async def start_cli(*args: str) -> tuple[asyncio.subprocess.Process, str, str]:
    """Run `python -m hubspot_local` and read its URL and token from what it prints."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "hubspot_local",
        "--port",
        "0",
        *args,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    url = token = ""
    async with asyncio.timeout(60):
        while not (url and token):
            assert proc.stdout is not None
            line = (await proc.stdout.readline()).decode()
            assert line, "the server exited before printing its address"
            if line.startswith("Local HubSpot contacts API on "):
                url = line.split(" on ", 1)[1].split()[0]
            if line.startswith("Bearer token"):
                token = line.rsplit(" ", 1)[1].strip()
            if "--token" in args and url:
                token = args[args.index("--token") + 1]
    return proc, url, token


async def stop(proc: asyncio.subprocess.Process) -> None:
    proc.send_signal(signal.SIGTERM)
    async with asyncio.timeout(30):
        await proc.wait()


async def test_cli_serves_seeded_demo_contacts_and_keeps_them_in_its_file(tmp_path):
    db = str(tmp_path / "contacts.sqlite3")
    proc, url, token = await start_cli("--seed-demo", "30", "--db", db)
    try:
        assert token.startswith("pat-local-")  # made up, printed once
        client = hubspot.Client.create(access_token=token, host=url)
        page = await call(
            client.crm.contacts.search_api.do_search,
            PublicObjectSearchRequest(limit=100, properties=["email", "company"]),
        )
        assert page.total == 30
        assert all("@" in r.properties["email"] and r.properties["company"] for r in page.results)
        made = await create(client, email="new.person@example.com", firstname="New")
        status, body = await error_of(
            hubspot.Client.create(access_token="wrong", host=url).crm.contacts.basic_api.get_page
        )
        assert (status, body["category"]) == (401, "INVALID_AUTHENTICATION")
    finally:
        await stop(proc)

    # Restarted on the same file with a token of our choosing: nothing re-seeded, nothing lost.
    proc, url, token = await start_cli("--seed-demo", "30", "--db", db, "--token", "my-token")
    try:
        client = hubspot.Client.create(access_token="my-token", host=url)
        page = await call(
            client.crm.contacts.search_api.do_search, PublicObjectSearchRequest(limit=0)
        )
        assert page.total == 31
        again = await call(
            client.crm.contacts.basic_api.get_by_id, "new.person@example.com", id_property="email"
        )
        assert again.id == made.id
    finally:
        await stop(proc)


async def test_gdpr_delete_removes_the_contact_for_good_and_frees_its_email():
    async with hubspot_server() as hs:
        client = hs.sdk()
        basic = client.crm.contacts.basic_api
        gone = await create(client, email="forget.me@example.com", firstname="Forget")
        await call(basic.purge, PublicGdprDeleteInput(object_id=gone.id))
        status, body = await error_of(basic.get_by_id, gone.id, archived=True)
        assert (status, body["category"]) == (404, "OBJECT_NOT_FOUND")
        fresh = await create(client, email="forget.me@example.com")
        assert fresh.id != gone.id
        # by email: an unknown address is still 204 (HubSpot blocklists it); an unknown id is 404
        await call(
            basic.purge, PublicGdprDeleteInput(object_id="nobody@example.com", id_property="email")
        )
        status, _ = await error_of(basic.purge, PublicGdprDeleteInput(object_id="999999"))
        assert status == 404
        await call(
            basic.purge,
            PublicGdprDeleteInput(object_id="FORGET.ME@example.com", id_property="email"),
        )
        assert await hs.store.count() == 0


async def test_merged_away_id_still_reads_and_patches_the_merged_contact_but_not_in_batch():
    async with hubspot_server() as hs:
        client = hs.sdk()
        basic = client.crm.contacts.basic_api
        keep = await create(client, email="keep@example.com", firstname="Keep")
        old = await create(
            client, email="old@example.com", lastname="Older", lifecyclestage="customer"
        )
        merged = await call(
            basic.merge, PublicMergeInput(primary_object_id=keep.id, object_id_to_merge=old.id)
        )
        assert merged.id == keep.id
        assert merged.properties["lifecyclestage"] == "customer"  # the furthest stage stays
        assert merged.properties["hs_merged_object_ids"] == old.id
        via_old = await call(basic.get_by_id, old.id, properties=["email", "lastname"])
        assert (via_old.id, via_old.properties["lastname"]) == (keep.id, "Older")
        by_other_email = await call(basic.get_by_id, "old@example.com", id_property="email")
        assert by_other_email.id == keep.id
        status, body = await error_of(
            client.crm.contacts.batch_api.update,
            BatchInputSimplePublicObjectBatchInput(
                inputs=[{"id": old.id, "properties": {"city": "Seoul"}}]
            ),
        )
        assert status == 404 and body["context"]["id"] == [old.id]
        search = await call(
            client.crm.contacts.search_api.do_search, PublicObjectSearchRequest(limit=10)
        )
        assert [r.id for r in search.results] == [keep.id]


async def test_a_file_database_serves_concurrent_writers_and_readers(tmp_path):
    async with hubspot_server(db_path=str(tmp_path / "c.sqlite3")) as hs:
        client = hs.sdk()

        async def one(i: int) -> str:
            rec = await create(client, email=f"p{i}@example.com", firstname=f"P{i}")
            page = await call(
                client.crm.contacts.search_api.do_search,
                PublicObjectSearchRequest(query=f"p{i}@example.com"),
            )
            assert rec.id in [r.id for r in page.results]  # a reader sees the committed write
            return rec.id

        ids = await asyncio.gather(*(one(i) for i in range(24)))
        assert len(set(ids)) == 24
        listed, after = [], None
        while True:
            kwargs = {"limit": 10, **({"after": after} if after else {})}
            page = await call(client.crm.contacts.basic_api.get_page, **kwargs)
            listed += [r.id for r in page.results]
            if not page.paging:
                break
            after = page.paging.next.after
        assert sorted(listed, key=int) == sorted(ids, key=int)


async def test_free_text_finds_a_phone_by_its_digits_with_or_without_country_code():
    async with hubspot_server() as hs:
        client = hs.sdk()
        ny = await create(client, email="ny@example.com", phone="+1 212 555 0100")
        seoul = await create(client, email="kr@example.com", mobilephone="010-1234-5678")
        await create(client, email="other@example.com", phone="+1 415 555 0199")

        async def found(query: str) -> list[str]:
            page = await call(
                client.crm.contacts.search_api.do_search, PublicObjectSearchRequest(query=query)
            )
            return [r.id for r in page.results]

        assert await found("2125550100") == [ny.id]
        assert await found("+1 212 555 0100") == [ny.id]
        assert await found("01012345678") == [seoul.id]
        assert await found("010-1234") == [seoul.id]
        assert await found("9995550100") == []
