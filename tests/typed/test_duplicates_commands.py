""" "Find duplicates" typed, English and Korean: read as a `duplicates` command naming a
contact's email, a company, or the user's own contacts; lines that only look alike are not."""

from __future__ import annotations

import pytest

from typed import parse_command


@pytest.mark.parametrize(
    "line,target,mine,language",
    [
        ("find duplicates of jane@acme.com", "jane@acme.com", False, "en"),
        ("find duplicates at Acme", "Acme", False, "en"),
        ("Find duplicates in ACME Inc.", "ACME Inc", False, "en"),
        ("show possible duplicates for Globex", "Globex", False, "en"),
        ("find my duplicates", "", True, "en"),
        ("find duplicates", "", True, "en"),
        ("list duplicate contacts at Acme", "Acme", False, "en"),
        ("중복 찾아줘", "", True, "ko"),
        ("내 중복 연락처 보여줘", "", True, "ko"),
        ("Acme 중복 연락처 찾아줘", "Acme", False, "ko"),
        ("Acme에서 중복 찾아줘", "Acme", False, "ko"),
        ("jane@acme.com 중복 확인", "jane@acme.com", False, "ko"),
    ],
)
def test_find_duplicates_is_read_with_its_target(line, target, mine, language):
    command = parse_command(line)
    assert (command.kind, command.target, command.mine) == ("duplicates", target, mine)
    assert command.language == language


@pytest.mark.parametrize(
    "line,kind",
    [
        ("find Dupont", "search"),
        ("find jane@acme.com", "search"),
        ("merge the two Jane Does", "unsupported"),
        ("김민수 찾아줘", "search"),
    ],
)
def test_lines_that_only_look_alike_are_not_duplicates(line, kind):
    assert parse_command(line).kind == kind
