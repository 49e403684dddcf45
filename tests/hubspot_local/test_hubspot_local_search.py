"""Search on the local HubSpot API through the official SDK: every operator, groups, free
text, sorting, paging to the end, the request limits and the 10,000-result cap."""

from __future__ import annotations

import json

import pytest
from hubspot.crm.contacts import ApiException, PublicObjectSearchRequest

from tests.hubspot_local.test_hubspot_local_records import call, create, sdk
from tests.support.hubspot_server import hubspot_server

PEOPLE = [
    dict(
        email="ann@acme.com",
        firstname="Ann",
        lastname="Lee",
        company="Acme Corp",
        city="Seoul",
        numemployees="50",
        lifecyclestage="customer",
        phone="+1 212 555 0100",
    ),
    dict(
        email="bob@globex.com",
        firstname="Bob",
        lastname="Smith",
        company="Globex",
        city="Busan",
        numemployees="200",
        lifecyclestage="lead",
    ),
    dict(
        email="carol@acme.com",
        firstname="Carol",
        lastname="Smith-Jones",
        company="Acme Corp",
        numemployees="1000",
        lifecyclestage="opportunity",
    ),
    dict(
        email="dan@initech.com",
        firstname="Dan",
        company="Initech",
        city="Seoul",
        jobtitle="VP of Sales",
    ),
]


@pytest.fixture
async def hs():
    async with hubspot_server(rate_limits=None) as server:
        yield server


@pytest.fixture
async def people(hs):
    client = sdk(hs)
    made = [await create(client, **p) for p in PEOPLE]
    return client, made


async def search(client, *groups, **kwargs):
    req = PublicObjectSearchRequest(filter_groups=list(groups) or None, **kwargs)
    return await call(client.crm.contacts.search_api.do_search, public_object_search_request=req)


def f(prop, op, value=None, **extra):
    out = {"propertyName": prop, "operator": op, **extra}
    if value is not None:
        out["value"] = value
    return out


def g(*filters):
    return {"filters": list(filters)}


def names(page):
    return [r.properties["email"].split("@")[0] for r in page.results]


CASES = [
    ("EQ is case-insensitive", [g(f("firstname", "EQ", "ANN"))], ["ann"]),
    ("NEQ includes records without the value", [g(f("city", "NEQ", "seoul"))], ["bob", "carol"]),
    ("LT numeric", [g(f("numemployees", "LT", "200"))], ["ann"]),
    ("LTE numeric", [g(f("numemployees", "LTE", "200"))], ["ann", "bob"]),
    ("GT numeric, not text order", [g(f("numemployees", "GT", "200"))], ["carol"]),
    ("GTE numeric", [g(f("numemployees", "GTE", "200"))], ["bob", "carol"]),
    ("BETWEEN inclusive", [g(f("numemployees", "BETWEEN", "50", highValue="200"))], ["ann", "bob"]),
    (
        "IN lowercase values",
        [g({"propertyName": "city", "operator": "IN", "values": ["seoul", "busan"]})],
        ["ann", "bob", "dan"],
    ),
    (
        "IN needs lowercase values",
        [g({"propertyName": "city", "operator": "IN", "values": ["Seoul"]})],
        [],
    ),
    (
        "NOT_IN",
        [g({"propertyName": "city", "operator": "NOT_IN", "values": ["seoul"]})],
        ["bob", "carol"],
    ),
    ("HAS_PROPERTY", [g(f("city", "HAS_PROPERTY"))], ["ann", "bob", "dan"]),
    ("NOT_HAS_PROPERTY", [g(f("city", "NOT_HAS_PROPERTY"))], ["carol"]),
    ("CONTAINS_TOKEN whole word", [g(f("lastname", "CONTAINS_TOKEN", "JONES"))], ["carol"]),
    ("CONTAINS_TOKEN is not substring", [g(f("lastname", "CONTAINS_TOKEN", "mit"))], []),
    (
        "CONTAINS_TOKEN wildcard suffix",
        [g(f("email", "CONTAINS_TOKEN", "*@acme.com"))],
        ["ann", "carol"],
    ),
    ("CONTAINS_TOKEN wildcard prefix", [g(f("firstname", "CONTAINS_TOKEN", "ca*"))], ["carol"]),
    ("NOT_CONTAINS_TOKEN", [g(f("company", "NOT_CONTAINS_TOKEN", "acme"))], ["bob", "dan"]),
    ("enumerations are case-sensitive", [g(f("lifecyclestage", "EQ", "CUSTOMER"))], []),
    ("enumeration EQ", [g(f("lifecyclestage", "EQ", "customer"))], ["ann"]),
    (
        "groups are ORed",
        [g(f("firstname", "EQ", "ann")), g(f("firstname", "EQ", "bob"))],
        ["ann", "bob"],
    ),
    (
        "filters are ANDed",
        [g(f("company", "CONTAINS_TOKEN", "acme"), f("lastname", "CONTAINS_TOKEN", "smith"))],
        ["carol"],
    ),
]


@pytest.mark.parametrize("groups,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
async def test_operator(people, groups, expected):
    client, _ = people
    page = await search(client, *groups, properties=["email"])
    assert sorted(names(page)) == expected
    assert page.total == len(expected)


async def test_dates_compare_as_epoch_ms_or_iso(people):
    client, made = people
    third = made[2].properties["createdate"]
    got = await search(client, g(f("createdate", "GTE", third)))
    assert names(got) == ["carol", "dan"]
    ms = str(int(made[2].created_at.timestamp() * 1000))
    got = await search(client, g(f("createdate", "LT", ms)))
    assert names(got) == ["ann", "bob"]


async def test_top_level_filters_list_is_one_group(people):
    client, _ = people
    req = {"filters": [f("city", "EQ", "seoul")], "properties": ["email"]}
    page = await call(client.crm.contacts.search_api.do_search, public_object_search_request=req)
    assert names(page) == ["ann", "dan"]


@pytest.mark.parametrize(
    "query,expected",
    [
        ("acme", ["ann", "carol"]),  # company and email domain
        ("smi", ["bob", "carol"]),  # word prefix
        ("ann lee", ["ann"]),  # every word must match
        ("555", ["ann"]),  # phone
        ("sales", []),  # jobtitle is not a default searchable field
    ],
)
async def test_free_text_query(people, query, expected):
    client, _ = people
    page = await search(client, query=query)
    assert names(page) == expected


async def test_query_and_filters_combine(people):
    client, _ = people
    page = await search(client, g(f("city", "EQ", "seoul")), query="acme")
    assert names(page) == ["ann"]


@pytest.mark.parametrize(
    "sorts",
    [
        [{"propertyName": "firstname", "direction": "DESCENDING"}],
        ["-firstname"],
    ],
)
async def test_one_sort_in_either_form(people, sorts):
    client, _ = people
    page = await search(client, sorts=sorts)
    assert names(page) == ["dan", "carol", "bob", "ann"]


async def test_missing_sort_values_go_last_ties_by_creation(people):
    client, _ = people
    asc = await search(client, sorts=[{"propertyName": "city", "direction": "ASCENDING"}])
    assert names(asc) == ["bob", "ann", "dan", "carol"]
    desc = await search(client, sorts=[{"propertyName": "city", "direction": "DESCENDING"}])
    assert names(desc) == ["ann", "dan", "bob", "carol"]


async def test_dates_sort_by_time(people):
    client, _ = people
    page = await search(client, sorts=[{"propertyName": "createdate", "direction": "DESCENDING"}])
    assert names(page) == ["dan", "carol", "bob", "ann"]


async def test_default_properties_and_requested_ones(people):
    client, made = people
    page = await search(client, g(f("firstname", "EQ", "dan")))
    assert set(page.results[0].properties) == {
        "createdate",
        "email",
        "firstname",
        "hs_object_id",
        "lastmodifieddate",
        "lastname",
    }
    assert page.results[0].properties["lastname"] is None
    page = await search(client, g(f("firstname", "EQ", "dan")), properties=["jobtitle"])
    props = page.results[0].properties
    assert props["jobtitle"] == "VP of Sales" and props["hs_object_id"] == made[3].id


async def test_archived_never_appear(people):
    client, made = people
    await call(client.crm.contacts.basic_api.archive, made[0].id)
    page = await search(client)
    assert names(page) == ["bob", "carol", "dan"] and page.total == 3


async def test_paging_to_the_end(hs):
    client = sdk(hs)
    for i in range(23):
        await create(client, email=f"p{i:02d}@example.com", company="Paged")
    seen, after = [], None
    while True:
        page = await search(
            client, g(f("company", "EQ", "paged")), limit=5, after=after, properties=["email"]
        )
        assert page.total == 23
        seen += names(page)
        if page.paging is None:
            break
        after = page.paging.next.after
    assert seen == [f"p{i:02d}" for i in range(23)]


async def _search_error(client, body) -> tuple[int, dict]:
    with pytest.raises(ApiException) as info:
        await call(client.crm.contacts.search_api.do_search, public_object_search_request=body)
    return info.value.status, json.loads(info.value.body)


@pytest.mark.parametrize(
    "body,needle",
    [
        ({"filterGroups": [g(f("city", "EQ", "x"))] * 6}, "filter groups"),
        ({"filterGroups": [g(*[f("city", "EQ", "x")] * 7)]}, "filter group"),
        ({"filterGroups": [g(*[f("city", "EQ", "x")] * 4)] * 5}, "filters"),
        ({"limit": 201}, "limit"),
        ({"sorts": ["firstname", "lastname"]}, "sort"),
        ({"filterGroups": [g(f("city", "BETWEEN", "a"))]}, "highValue"),
        ({"filterGroups": [g(f("no_such_prop", "EQ", "a"))]}, "no_such_prop"),
        ({"filterGroups": [g(f("city", "LIKE", "a"))]}, "LIKE"),
        ({"query": "x" * 3001}, "3000"),
    ],
)
async def test_bad_requests_are_400(hs, body, needle):
    status, err = await _search_error(sdk(hs), body)
    assert status == 400 and err["category"] == "VALIDATION_ERROR"
    assert needle.lower() in err["message"].lower()


async def test_limits_at_the_maximum_are_fine(people):
    client, _ = people
    groups = [g(*[f("city", "NEQ", f"x{i}{j}") for j in range(3)]) for i in range(5)]  # 15
    page = await search(client, *groups, limit=200)
    assert page.total == 4
    six = [g(*[f("city", "NEQ", f"x{j}") for j in range(6)])]
    assert (await search(client, *six)).total == 4


async def test_the_10000_result_cap(hs):
    await hs.store.bulk_insert(
        {"email": f"bulk{i}@example.com", "company": "Bulk"} for i in range(10_050)
    )
    client = sdk(hs)
    page = await search(client, g(f("company", "EQ", "bulk")), limit=200, after="9800")
    assert page.total == 10_050
    assert len(page.results) == 200
    # The page ending at the cap may still offer `next` (UNCONFIRMED); following it is a 400.
    after = page.paging.next.after if page.paging else "10000"
    assert int(after) == 10_000
    status, err = await _search_error(
        client, {"filterGroups": [g(f("company", "EQ", "bulk"))], "after": after}
    )
    assert status == 400 and "10000" in err["message"].replace(",", "")
