"""When the user's words single out one of several matching contacts (agent/choice.py), as cases:
what they typed, and whether the target is told apart from its rivals."""

from __future__ import annotations

import pytest

from agent.choice import Candidates, told_apart
from contacts.model import Contact

HADDAD = Contact(
    id="1",
    properties={
        "firstname": "Omar",
        "lastname": "Haddad",
        "email": "omar@globex.com",
        "company": "Globex",
    },
)
FAROUK = Contact(
    id="2",
    properties={
        "firstname": "Omar",
        "lastname": "Farouk",
        "email": "omar@vandelay.com",
        "company": "Vandelay Industries",
        "phone": "+14155550177",
    },
)
JIHO_NURI = Contact(
    id="3", properties={"firstname": "지호", "lastname": "박", "company": "누리상사"}
)
JIHO_HAN = Contact(id="4", properties={"firstname": "지호", "lastname": "박", "company": "한빛"})


@pytest.mark.parametrize(
    ("target", "rivals", "words", "expected"),
    [
        (HADDAD, [FAROUK], "the one at Globex", True),
        (HADDAD, [FAROUK], "Omar Haddad's title is Lead", True),
        (HADDAD, [FAROUK], "set Omar's title to Lead", False),
        (HADDAD, [FAROUK], "the first one", False),  # the pick card answers ordinals
        (FAROUK, [HADDAD], "omar@vandelay.com is the one", True),
        (FAROUK, [HADDAD], "the one whose number ends 415 555 0177", True),
        (JIHO_NURI, [JIHO_HAN], "누리상사 박지호요", True),
        (JIHO_NURI, [JIHO_HAN], "박지호 직함을 차장으로 바꿔 줘", False),
    ],
)
def test_told_apart(target: Contact, rivals: list[Contact], words: str, expected: bool) -> None:
    assert told_apart(target, rivals, words) is expected


def test_candidates_are_the_groups_shown_together() -> None:
    shown = Candidates(focus=["7", "8"])  # a list shown in an earlier turn
    shown.add([HADDAD])  # one result: no choice to make
    shown.add([HADDAD, FAROUK])
    assert shown.rivals("1") == ["2"]
    assert shown.rivals("8") == ["7"]
    assert shown.rivals("9") == []
    assert Candidates(focus=["7"]).rivals("7") == []  # one contact in focus: the user's choice
