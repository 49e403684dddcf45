"""OwnerDirectory over the real adapter and the local HubSpot: lookups by email and id are
cached for their TTL (a miss for a shorter one), a token without the owners scope reads as
"no owner"; typed lines that ask for "my contacts"."""

from __future__ import annotations

import pytest

from contacts.hubspot import HubSpotAdapter
from contacts.owners import OwnerDirectory
from tests.support.hubspot_server import hubspot_server
from typed import parse_command

pytestmark = pytest.mark.timeout(30)


async def test_owner_lookups_are_cached_for_their_ttl():
    async with hubspot_server() as hs:
        ann = await hs.controls.owners.add("ann@acme.com", "지현", "김")
        adapter = HubSpotAdapter(hs.token, host=hs.url)
        now = [0.0]
        owners = OwnerDirectory(
            adapter.owners, ttl_seconds=300, miss_ttl_seconds=60, clock=lambda: now[0]
        )
        try:
            found = await owners.by_email("ANN@acme.com")
            assert found is not None and (found.id, found.name) == (ann["id"], "김지현")
            assert await owners.by_email("ann@acme.com") == found
            assert await owners.name_of(ann["id"]) == "김지현"  # known from the email lookup
            assert await owners.by_email("carol@acme.com") is None
            assert hs.counters["owners_list"].total == 2
            assert hs.counters["owners_read"].total == 0

            await hs.controls.owners.add("carol@acme.com", "Carol", "Diaz")
            now[0] = 61  # the miss is forgotten, the hit is not
            carol = await owners.by_email("carol@acme.com")
            assert carol is not None and carol.name == "Carol Diaz"
            assert await owners.by_email("ann@acme.com") == found
            assert hs.counters["owners_list"].total == 3

            assert await owners.get("99") is None and await owners.name_of("99") == ""
            assert hs.counters["owners_read"].total == 1
        finally:
            adapter.close()


async def test_a_token_without_the_owners_scope_means_no_owner():
    async with hubspot_server() as hs:
        await hs.controls.owners.add("ann@acme.com", "Ann", "Lee")
        hs.controls.scopes = frozenset({"crm.objects.contacts.read", "crm.objects.contacts.write"})
        adapter = HubSpotAdapter(hs.token, host=hs.url)
        try:
            assert await OwnerDirectory(adapter.owners).by_email("ann@acme.com") is None
        finally:
            adapter.close()


@pytest.mark.parametrize(
    ("line", "company"),
    [
        ("my contacts", ""),
        ("show my contacts", ""),
        ("list my leads", ""),
        ("my contacts at Acme", "Acme"),
        ("내 연락처", ""),
        ("내 연락처 보여줘", ""),
        ("제 고객 목록", ""),
        ("내가 담당하는 연락처 찾아줘", ""),
    ],
)
def test_typed_lines_asking_for_my_contacts(line, company):
    command = parse_command(line)
    assert (command.kind, command.mine) == ("search", True)
    assert command.criteria is not None and command.criteria.company == company


@pytest.mark.parametrize("line", ["find Tom", "update my contact jane@acme.com title CEO"])
def test_other_lines_are_not_my_contacts(line):
    assert not parse_command(line).mine
