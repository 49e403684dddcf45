"""Paste to capture: text a user already has about people becomes contact drafts to preview.

    read(text)                 -> PasteRead: which kind of paste, and its drafts
    read_block(text, region)   -> ContactDraft   a signature, a card's text, a block about one
    read_vcards(text)          -> [ContactDraft] vCard 3.0 / 4.0, one or several
    read_table(text, region)   -> TableRead      CSV / TSV with a header, or one person a line

A pure library: no Bot Framework, no HubSpot. Nothing here writes; the conversation previews
each draft and writes only what the user confirms.
"""

from capture.block import read_block
from capture.draft import FIELDS, ContactDraft, Doubt, FieldRead
from capture.kinds import PasteRead, read
from capture.table import MAX_ROWS, TableRead, TableRow, read_table
from capture.vcard import read_vcards

__all__ = [
    "FIELDS",
    "MAX_ROWS",
    "ContactDraft",
    "Doubt",
    "FieldRead",
    "PasteRead",
    "TableRead",
    "TableRow",
    "read",
    "read_block",
    "read_table",
    "read_vcards",
]
