"""A pasted list (CSV / TSV with a header in English or Korean, or one person a line) becomes one
draft a row; a row that cannot be written as it is comes back invalid with why; a paste longer
than MAX_ROWS is read up to the limit and says how many rows it left out."""

from __future__ import annotations

import csv

from capture import MAX_ROWS, read, read_table
from tests.capture.cases import DATA

CSV_150 = (DATA / "contacts_150.csv").read_text(encoding="utf-8")


def why(row):
    return [(d.field, d.reason) for d in row.problems]


def test_150_rows_give_145_drafts_and_5_invalid_rows_each_with_its_reason():
    table = read_table(CSV_150)
    assert len(table.rows) == 150
    assert len(table.drafts) == 145
    assert {row.line: why(row) for row in table.invalid} == {
        22: [("email", "invalid_email")],
        43: [("mobilephone", "phone_invalid")],
        79: [("*", "no_name_or_email")],
        100: [("*", "columns")],
        135: [("email", "duplicate_in_paste")],
    }
    assert table.over_limit == 0


def test_each_valid_row_is_the_row_as_it_will_be_written():
    table = read_table(CSV_150)
    by_line = {row.line: row for row in table.rows}
    rows = list(csv.reader(CSV_150.splitlines()))
    for line, cells in enumerate(rows[1:], 2):
        row = by_line[line]
        if row.draft is None:
            continue
        first, last, email, mobile, company, title, city = cells
        assert row.draft.properties() == {
            "firstname": first,
            "lastname": last,
            "email": email,
            "mobilephone": _e164(mobile),
            "company": company,
            "jobtitle": title,
            "city": city,
        }
        assert row.draft.fields["email"].source == row.text


def _e164(written):
    digits = "".join(ch for ch in written if ch.isdigit())
    return "+" + digits if written.startswith("+") else "+82" + digits[1:]


def test_a_korean_header_in_a_tsv_and_a_full_name_column():
    text = (
        "이름\t이메일\t휴대폰\t회사명\t직함\n"
        "김민수\tminsu@hanbit.co.kr\t010-1234-5678\t한빛소프트\t과장\n"
        "Jane Doe\tjane@acme.com\t\tAcme Inc.\tHead of Sales\n"
    )
    table = read_table(text)
    assert table.columns == ("name", "email", "mobilephone", "company", "jobtitle")
    assert [d.properties() for d in table.drafts] == [
        {
            "firstname": "민수",
            "lastname": "김",
            "email": "minsu@hanbit.co.kr",
            "mobilephone": "+821012345678",
            "company": "한빛소프트",
            "jobtitle": "과장",
        },
        {
            "firstname": "Jane",
            "lastname": "Doe",
            "email": "jane@acme.com",
            "company": "Acme Inc.",
            "jobtitle": "Head of Sales",
        },
    ]


def test_a_family_name_column_makes_이름_the_given_name():
    text = "성;이름;이메일\n박;서준;seojun@blueocean.co.kr\n"
    (draft,) = read_table(text).drafts
    assert draft.properties() == {
        "firstname": "서준",
        "lastname": "박",
        "email": "seojun@blueocean.co.kr",
    }


def test_one_person_a_line_without_a_header():
    text = (
        "Jane Doe, jane@acme.com, Acme Inc.\n"
        "김민수 과장 minsu@hanbit.co.kr 010-1234-5678\n"
        "just some words\n"
        "Tom Becker <tom@globex.com>\n"
    )
    pasted = read(text)
    assert pasted.kind == "table"
    assert pasted.table is not None
    assert [d.properties() for d in pasted.drafts] == [
        {"firstname": "Jane", "lastname": "Doe", "email": "jane@acme.com", "company": "Acme Inc."},
        {
            "firstname": "민수",
            "lastname": "김",
            "email": "minsu@hanbit.co.kr",
            "mobilephone": "+821012345678",
            "jobtitle": "과장",
        },
        {"firstname": "Tom", "lastname": "Becker", "email": "tom@globex.com"},
    ]
    assert [(row.line, why(row)) for row in pasted.table.invalid] == [
        (3, [("*", "no_name_or_email")])
    ]


def test_more_than_the_limit_is_read_up_to_it_and_says_how_many_were_left():
    lines = ["Email,First Name"] + [f"p{i}@example.com,P{i}" for i in range(MAX_ROWS + 30)]
    table = read_table("\n".join(lines))
    assert len(table.rows) == MAX_ROWS
    assert table.over_limit == 30


def test_a_header_row_makes_a_table_and_a_signature_stays_a_block():
    assert read(CSV_150).kind == "table"
    signature = "Jane Doe\nHead of Sales | Acme Inc.\njane@acme.com\n+1 415 555 0100"
    assert read(signature).kind == "block"
    assert read(signature, "US").drafts[0].get("email") == "jane@acme.com"
