"""Standard formats on every write: what the user typed, what HubSpot holds."""

from __future__ import annotations

import pytest

from contacts import ContactsService, InvalidContact
from contacts.budget import BudgetLimits, RequestBudget
from contacts.formats import person_name, website
from contacts.hubspot import HubSpotAdapter
from contacts.validation import normalise_properties
from tests.support.hubspot_server import hubspot_server

NAMES = [
    ("jane", "Jane"),
    ("  mary   ann ", "Mary Ann"),
    ("JOHN SMITH", "John Smith"),
    ("o'neil", "O'Neil"),
    ("jean-luc", "Jean-Luc"),
    ("ludwig van beethoven", "Ludwig van Beethoven"),
    ("ÉMILE", "Émile"),
    ("McDonald", "McDonald"),  # mixed case: the user's own spelling
    ("DeShawn", "DeShawn"),
    ("van Gogh", "van Gogh"),
    ("김민지", "김민지"),  # Korean: no case, untouched
    ("김  민지", "김 민지"),
    ("X Æ A-12", "X Æ A-12"),
]


@pytest.mark.parametrize(("typed", "stored"), NAMES)
def test_person_names(typed: str, stored: str) -> None:
    assert person_name(typed) == stored


WEBSITES = [
    ("acme.com", "https://acme.com"),
    (" Acme.COM/About ", "https://acme.com/About"),
    ("HTTP://www.acme.com", "http://www.acme.com"),
    ("https://acme.example/path?q=1", "https://acme.example/path?q=1"),
    ("www.acme.co.kr", "https://www.acme.co.kr"),
]


@pytest.mark.parametrize(("typed", "stored"), WEBSITES)
def test_websites_get_a_scheme(typed: str, stored: str) -> None:
    assert website(typed) == stored


@pytest.mark.parametrize("typed", ["acme", "not a site", "ftp://acme.com", "https://"])
def test_what_is_not_a_web_address_is_refused_naming_the_field(typed: str) -> None:
    with pytest.raises(InvalidContact) as caught:
        normalise_properties({"website": typed}, region="US")
    assert caught.value.field == "website"
    assert caught.value.reason_code == "invalid_url"


async def test_a_create_stores_the_standard_forms() -> None:
    async with hubspot_server() as hs:
        budget = RequestBudget(BudgetLimits(calls=10_000, searches=10_000))
        adapter = HubSpotAdapter(hs.token, host=hs.url, timeout_seconds=5, budget=budget)
        try:
            made = await ContactsService(adapter, default_region="US").create(
                {
                    "firstname": "  jane ",
                    "lastname": "O'NEIL",
                    "email": " Jane.ONeil@Acme.COM ",
                    "phone": "(415) 555-0100",
                    "company": "Acme   Inc.",
                    "website": "Acme.com",
                }
            )
        finally:
            adapter.close()
        records, _ = await hs.store.page(0, 10)
        held = records[0].props
        assert made.contact.id == str(records[0].id)
        assert {k: held[k] for k in ("firstname", "lastname", "email", "phone", "company")} == {
            "firstname": "Jane",
            "lastname": "O'Neil",
            "email": "jane.oneil@acme.com",
            "phone": "+14155550100",
            "company": "Acme Inc.",
        }
        assert held["website"] == "https://acme.com"
