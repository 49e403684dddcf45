"""Which kind of paste this is: vCards, a list of people, or a block about one person.

A vCard says so (BEGIN:VCARD). A list is a header row naming contact fields, or several lines
that each carry their own email and little else (one person a line); a signature carries one
email among lines of name, title and numbers, so it stays a block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from capture.block import EMAIL, read_block
from capture.draft import ContactDraft
from capture.labels import is_label
from capture.table import TableRead, has_header, read_table
from capture.vcard import read_vcards

Kind = Literal["block", "vcards", "table"]
# The kind shows in a paste's first lines: a header, or lines each with its own person.
_LOOK_CHARS = 20_000
_LOOK_LINES = 30
_LOOK_CHARS_A_LINE = 1_000


@dataclass(frozen=True)
class PasteRead:
    kind: Kind
    drafts: tuple[ContactDraft, ...]  # block: one; vcards: one a card; table: the valid rows
    table: TableRead | None = None  # a table's rows, invalid ones with why


def kind_of(text: str) -> Kind:
    if "BEGIN:VCARD" in text[:_LOOK_CHARS].upper():
        return "vcards"
    head = text[:_LOOK_CHARS].splitlines()[:_LOOK_LINES]
    lines = [line[:_LOOK_CHARS_A_LINE] for line in head if line.strip()]
    if len(lines) >= 2 and has_header(lines[0]):
        return "table"
    people = [line for line in lines if _person_line(line)]
    emails = {EMAIL.findall(line)[0].lower() for line in people}
    if len(emails) >= 2 and len(people) * 3 >= len(lines) * 2:
        return "table"
    return "block"


def _person_line(line: str) -> bool:
    """One email and some words beside it that are no label: "Jane Doe <jane@acme.com>", not
    a signature's "E: jane@acme.com"."""
    if len(EMAIL.findall(line)) != 1:
        return False
    words = [w for w in re.split(r"[\s,;|<>()]+", EMAIL.sub(" ", line)) if w]
    return any(any(ch.isalpha() for ch in w) and not is_label(w) for w in words)


def read(text: str, region: str | None = None) -> PasteRead:
    """Tell the kind of paste and read it."""
    kind = kind_of(text)
    if kind == "vcards":
        return PasteRead(kind, tuple(read_vcards(text, region)))
    if kind == "table":
        table = read_table(text, region)
        return PasteRead(kind, tuple(table.drafts), table)
    return PasteRead(kind, (read_block(text, region),))
