"""Whatever is pasted, the reader answers: no exception, and every value it fills comes from
the paste's own text (a draft never invents a line). A paste far past any signature's size is
read from its top only."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from capture import FIELDS, read, read_block

PIECES = st.sampled_from(
    [
        "Jane Doe",
        "김민수",
        "과장",
        "Head of Sales",
        "Acme Inc.",
        "(주)한빛",
        "|",
        ",",
        "\n",
        "\t",
        ":",
        "M.",
        "T:",
        "Fax",
        "010-1234-5678",
        "+1 415 555 0100",
        "02-555-1234",
        "jane@acme.com",
        "@",
        ".",
        "www.acme.com",
        "https://",
        "BEGIN:VCARD",
        "END:VCARD",
        "N:",
        "Email,Name",
        "On Mon wrote:",
        ">",
        "드림",
        "Best regards,",
        "서울특별시",
        "Seoul",
        "Korea",
        " ",
        "-",
        "(",
        ")",
        "\u200b",
        "\x00",
    ]
)
TEXT = st.lists(st.one_of(PIECES, st.text(max_size=12)), max_size=40).map("".join)
# The first draw builds Hypothesis' unicode tables: slow once, not a slow strategy.
READER = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@READER
@given(TEXT)
def test_any_paste_is_read_without_an_error(text):
    pasted = read(text)
    for draft in pasted.drafts:
        for name in FIELDS:
            if draft.read_from_paste(name):
                assert draft.get(name).strip()
                assert isinstance(draft.fields[name].source, str)


@READER
@given(TEXT)
def test_a_block_takes_its_values_from_the_paste_lines(text):
    draft = read_block(text)
    lines = text.replace("\r", "\n")
    for read_field in draft.fields.values():
        assert read_field.source.strip() in lines


def test_a_huge_paste_is_read_from_its_top():
    signature = "Jane Doe\nHead of Sales | Acme Inc.\njane@acme.com\n"
    draft = read_block(signature + "x y z\n" * 200_000)
    assert draft.get("email") == "jane@acme.com"
    assert draft.get("company") == "Acme Inc."
