"""contacts.evidence, the one comparison a write's outcome is settled by (issue 23): values as
HubSpot stores them, cases as data. The write paths that use it are tested against the local
HubSpot in test_write_evidence.py."""

from __future__ import annotations

import unicodedata

import pytest

from contacts.errors import ContactChanged
from contacts.evidence import carries, resend, same, unwritten
from contacts.model import Contact

SAME = [
    ("email", " Ann@Lee.IO ", "ann@lee.io"),
    ("company", "", None),
    ("company", "Initech ", "Initech"),
    ("lastname", unicodedata.normalize("NFD", "김"), "김"),
    ("closedate", "2024-05-01", "2024-05-01T00:00:00.000Z"),
    ("closedate", "1714521600000", "2024-05-01T00:00:00Z"),
    ("hs_buying_role", "a;b", "b;a"),
]
DIFFERENT = [
    ("company", "Initech", "initech"),  # only the email is case-blind
    ("company", "Initech", None),
    ("phone", "01012345678", "1012345678"),  # digits are never read as one instant
    ("closedate", "2024-05-01", "2024-05-02T00:00:00Z"),
    ("hs_buying_role", "a;b", "a"),
]


@pytest.mark.parametrize(("name", "sent", "held"), SAME)
def test_values_hubspot_holds_as_sent(name: str, sent: str, held: str | None) -> None:
    assert same(name, sent, held)


@pytest.mark.parametrize(("name", "sent", "held"), DIFFERENT)
def test_values_hubspot_does_not_hold(name: str, sent: str, held: str | None) -> None:
    assert not same(name, sent, held)


ANN = Contact("7", {"email": "ann@lee.io", "firstname": "Ann", "company": "Initech"})


def test_a_contact_carries_a_create_only_with_every_value_sent() -> None:
    assert carries(ANN, {"email": "ANN@lee.io", "firstname": "Ann"})
    assert not carries(ANN, {"email": "ann@lee.io", "firstname": "Anna"})
    assert unwritten(ANN, {"email": "ann@lee.io", "jobtitle": "CTO"}) == {"jobtitle": "CTO"}


def test_a_re_send_carries_the_fields_not_written_while_they_hold_the_preview() -> None:
    new = {"company": "Globex", "firstname": "Ann"}
    assert resend(ANN, new, {"company": "Initech", "firstname": "Jo"}) == {"company": "Globex"}
    assert resend(ANN, {"company": "Initech"}, {"company": "Old"}) == {}  # done already
    with pytest.raises(ContactChanged) as changed:
        resend(ANN, {"company": "Globex"}, {"company": "Umbrella"})
    assert changed.value.current is ANN
    assert resend(ANN, {"company": "Globex"}) == {"company": "Globex"}  # no preview to check
