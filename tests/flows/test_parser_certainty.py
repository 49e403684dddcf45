"""Which typed lines the parser reads with certainty in model mode (flows/certainty.py), as cases:
the line, and whether it runs without the model."""

from __future__ import annotations

import pytest

from flows.certainty import parser_reads
from typed import parse_command

CASES = [
    # finds
    ("who is bob.stone@initech.com?", True),
    ("whose number is +1 415 555 0100?", True),
    ("can you look up Priya Natarajan", True),
    ("김민준 찾아 줘", True),
    ("show me our contacts at Globex", True),
    ("who works at Acme?", True),
    ("대한물산 담당자 검색해 줘", True),
    ("what does Mallory Quinn do?", False),
    # creates
    ("add Marco Rossi, marco.rossi@trattoria.it", True),
    ("연락처 추가: 오세훈, sehoon.oh@baram.kr", True),
    (
        "Please add a new contact: Lena Fischer, lena@brightwave.de, Product Lead at Brightwave",
        False,
    ),  # the parser would keep "Product" and drop "Lead"
    ("add Lena Fischer, lena@brightwave.de, she works with Jane Doe", False),
    ("add a contact named Sara Lind", False),  # no email: not certain
    # updates
    ("change Robert Stone's job title to Sales Director", True),
    ("이서연 직함을 본부장으로 바꿔 줘", True),
    ("최유나 전화번호를 010-9876-5432로 수정해 줘", True),
    ("change his company to Initrode", True),  # the focus
    ("jane.doe@acme.com has moved to Denver, please update her city", False),
    ("Omar got promoted, his job title is Procurement Lead now", False),
    # answers and the rest
    ("yes", True),
    ("네", True),
    ("취소", True),
    ("delete Robert Stone from HubSpot", True),  # the bot says what it does instead
    ("the one at Globex", False),
    ("her email is sara.lind@fjord.no", False),
]


@pytest.mark.parametrize(("line", "certain"), CASES)
def test_the_parser_reads_it_with_certainty(line: str, certain: bool) -> None:
    assert parser_reads(parse_command(line), line) is certain
