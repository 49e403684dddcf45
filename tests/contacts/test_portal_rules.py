"""The portal's validation rules on our side: read through the adapter from the local HubSpot,
cached and refreshed, and `check` agreeing with what HubSpot then refuses."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from hubspot.crm.contacts import ApiException, SimplePublicObjectInputForCreate

from contacts.budget import BudgetLimits, RequestBudget
from contacts.hubspot import HubSpotAdapter
from contacts.hubspot_rules import PortalRulesCache, rules_reader
from contacts.portal_rules import PortalRules, check
from tests.support.hubspot_server import LocalHubSpot, hubspot_server

RULES = {
    "jobtitle": {"MIN_LENGTH": ["1"], "MAX_LENGTH": ["20"]},
    "phone": {"PHONE_NUMBER_WITH_EXPLICIT_COUNTRY_CODE": []},
    "website": {"URL": []},
    "zip": {"ALPHANUMERIC": ["NUMERIC_ONLY"]},
    "salutation": {"REGEX": ["(Mr|Ms|Dr)\\.?"]},
}


def adapter_for(hs: LocalHubSpot) -> HubSpotAdapter:
    budget = RequestBudget(BudgetLimits(calls=10_000, searches=10_000))
    return HubSpotAdapter(hs.token, host=hs.url, timeout_seconds=5, budget=budget)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def hs():
    async with hubspot_server(validation_rules=RULES) as server:
        yield server


async def test_the_rules_are_read_through_the_adapter(hs):
    adapter = adapter_for(hs)
    try:
        rules = await PortalRulesCache(rules_reader(adapter)).rules()
    finally:
        adapter.close()
    assert rules.required == ("jobtitle",)
    assert [r.rule_type for r in rules.for_property("jobtitle")] == ["MIN_LENGTH", "MAX_LENGTH"]
    assert rules.hint("phone") == (
        "Include the country code, like +1 415 555 0100 or +82 10 1234 5678."
    )
    assert rules.hint("jobtitle", "ko") == "필수 항목입니다. 20자 이하로 입력해 주세요."
    assert rules.hint("city") == ""


async def test_the_rules_are_read_once_then_again_when_stale(hs):
    adapter = adapter_for(hs)
    clock = Clock()
    cache = PortalRulesCache(rules_reader(adapter), ttl_seconds=300, clock=clock)
    try:
        together = await asyncio.gather(*(cache.rules() for _ in range(5)))
        assert all(r.required == ("jobtitle",) for r in together)
        assert hs.counters["property_validations"].total == 1  # five askers, one read
        hs.controls.validations.set("company", "MIN_LENGTH", ["1"])
        clock.now += 299
        assert (await cache.rules()).required == ("jobtitle",)
        clock.now += 2
        assert (await cache.rules()).required == ("company", "jobtitle")
        assert hs.counters["property_validations"].total == 2
        hs.controls.validations.clear("company")
        cache.invalidate()  # HubSpot refused a write: read them again at once
        assert (await cache.rules()).required == ("jobtitle",)
        assert cache.reads == 3
    finally:
        adapter.close()


async def test_a_failed_read_keeps_the_last_rules_and_waits_before_trying_again(hs):
    adapter = adapter_for(hs)
    clock = Clock()
    cache = PortalRulesCache(rules_reader(adapter), ttl_seconds=10, retry_seconds=30, clock=clock)
    try:
        assert (await cache.rules()).required == ("jobtitle",)
        hs.controls.scopes = frozenset()  # the token can no longer read them: 403
        clock.now += 11
        assert (await cache.rules()).required == ("jobtitle",)
        clock.now += 29
        assert (await cache.rules()).required == ("jobtitle",)
        assert cache.reads == 2  # not tried again within retry_seconds
        hs.controls.scopes = frozenset({"crm.objects.contacts.read"})
        clock.now += 2
        await cache.rules()
        assert cache.reads == 3
    finally:
        adapter.close()


async def test_nothing_is_required_before_the_first_read():
    async def never() -> Any:
        raise AssertionError("not read")

    cache = PortalRulesCache(never)
    assert cache.known == PortalRules()
    assert check({"email": "a@x.com"}, cache.known) == []


# (properties a user gave, the fields HubSpot refuses, in our words)
CASES = [
    ({"email": "a@x.com", "jobtitle": "CTO"}, {}),
    ({"email": "a@x.com"}, {"jobtitle": "required"}),
    ({"email": "a@x.com", "jobtitle": "x" * 21}, {"jobtitle": "too_long"}),
    (
        {"email": "a@x.com", "jobtitle": "CTO", "phone": "415 555 0100"},
        {"phone": "phone_needs_country_code"},
    ),
    ({"email": "a@x.com", "jobtitle": "CTO", "phone": "+1 415 555 0100"}, {}),
    ({"email": "a@x.com", "jobtitle": "CTO", "website": "acme.com"}, {"website": "invalid_url"}),
    ({"email": "a@x.com", "jobtitle": "CTO", "zip": "94-105"}, {"zip": "invalid_characters"}),
    (
        {"email": "a@x.com", "jobtitle": "CTO", "salutation": "Prof"},
        {"salutation": "invalid_format"},
    ),
    ({"email": "a@x.com", "jobtitle": "CTO", "salutation": "Dr."}, {}),
    (
        {"email": "a@x.com", "phone": "2125550100", "zip": "1a"},
        {"jobtitle": "required", "phone": "phone_needs_country_code", "zip": "invalid_characters"},
    ),
]


@pytest.mark.parametrize(("given", "refused"), CASES)
async def test_check_agrees_with_what_hubspot_refuses(hs, given, refused):
    adapter = adapter_for(hs)
    try:
        rules = await PortalRulesCache(rules_reader(adapter)).rules()
    finally:
        adapter.close()
    issues = check(given, rules)
    assert {i.field: i.reason_code for i in issues} == refused
    client = hs.sdk()
    body = SimplePublicObjectInputForCreate(properties=given)
    if not refused:
        await asyncio.to_thread(client.crm.contacts.basic_api.create, body)
        return
    with pytest.raises(ApiException) as info:
        await asyncio.to_thread(client.crm.contacts.basic_api.create, body)
    errors = json.loads(info.value.body)["errors"]
    assert sorted(n for e in errors for n in e["context"]["propertyName"]) == sorted(refused)


def test_an_update_is_judged_on_what_it_writes():
    rules = PortalRules.from_json(
        {
            "results": [
                {
                    "propertyName": "jobtitle",
                    "propertyValidationRules": [{"ruleType": "MIN_LENGTH", "ruleArguments": ["1"]}],
                }
            ]
        }
    )
    assert check({"city": "Oslo"}, rules, creating=False) == []
    [issue] = check({"jobtitle": ""}, rules, "ko", creating=False)
    assert (issue.field, issue.reason_code, issue.message) == (
        "jobtitle",
        "required",
        "필수 항목입니다.",
    )
    invalid = issue.to_invalid()
    assert (invalid.field, invalid.reason_code) == ("jobtitle", "required")


@pytest.mark.parametrize(
    "body",
    [None, [], {"results": None}, {"results": [{"propertyName": 3}, "x"]}, {"results": [{}]}],
)
def test_an_answer_it_cannot_read_is_no_rules(body):
    assert PortalRules.from_json(body) == PortalRules()


def test_unknown_rule_types_and_bad_patterns_pass_the_value_to_hubspot():
    rules = PortalRules.from_json(
        {
            "results": [
                {
                    "propertyName": "city",
                    "propertyValidationRules": [
                        {"ruleType": "DAYS_OF_WEEK", "ruleArguments": ["MONDAY"]},
                        {"ruleType": "REGEX", "ruleArguments": ["(unclosed"]},
                    ],
                }
            ]
        }
    )
    assert check({"city": "Oslo"}, rules) == []


async def test_hubspots_refusal_for_a_rule_names_the_field_and_why(hs):
    """When our rules are stale (none read yet), HubSpot's own 400 still reaches the user as
    the field and a reason code, never as "something went wrong"."""
    from contacts import ContactsService, InvalidContact

    adapter = adapter_for(hs)
    try:
        contacts = ContactsService(adapter, default_region="US")
        # a phone typed without its country code is stored E.164 (read in the user's region),
        # which the portal's explicit-country-code rule accepts
        made = await contacts.create(
            {"email": "b@x.com", "jobtitle": "CTO", "phone": "415 555 0100"}
        )
        assert made.contact.get("phone") == "+14155550100"
        with pytest.raises(InvalidContact) as caught:
            await contacts.create({"email": "a@x.com", "website": "https://acme.com"})
        assert (caught.value.field, caught.value.reason_code) == ("jobtitle", "too_short")
        assert "A value is required" in caught.value.message
    finally:
        adapter.close()
