"""A pasted list -> one draft per row, or the row marked invalid with why.

Two shapes: CSV / TSV / semicolon-separated with a header row (the header's words name the
columns, in English or Korean: "Email", "이메일", "휴대폰", "회사명", ...), or one person a line
("Jane Doe, jane@acme.com, Acme", read as a signature of one line). A row is invalid when it
cannot be written as it is: an email that is no address, a phone that is no number, neither a
name nor an email, more cells than the header, or an email an earlier row already has. At most
MAX_ROWS rows are read; `over_limit` says how many more the paste had, so the user is told.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass

from capture.block import read_block
from capture.draft import ContactDraft, Doubt, DraftBuilder
from capture.names import korean_name, western_name
from capture.phones import normalise_number
from contacts.errors import InvalidContact
from contacts.korean import has_hangul
from contacts.validation import normalise_email

MAX_ROWS = 200
MAX_ROW_CHARS = 2_000  # a contact's row is a few hundred characters at most
HEADERS: dict[str, str] = {
    **dict.fromkeys(("first name", "firstname", "first", "given name"), "firstname"),
    **dict.fromkeys(("last name", "lastname", "last", "surname", "family name", "성"), "lastname"),
    **dict.fromkeys(("name", "full name", "contact", "contact name", "성명", "이름"), "name"),
    **dict.fromkeys(
        ("email", "e-mail", "email address", "e-mail address", "mail", "이메일", "메일")
        + ("이메일 주소", "전자우편"),
        "email",
    ),
    **dict.fromkeys(
        ("mobile", "mobile phone", "mobilephone", "cell", "cell phone", "휴대폰", "핸드폰")
        + ("휴대전화", "휴대폰 번호", "휴대폰번호", "모바일"),
        "mobilephone",
    ),
    **dict.fromkeys(
        ("phone", "phone number", "tel", "telephone", "office phone", "work phone", "전화")
        + ("전화번호", "회사 전화", "직통", "사무실 전화"),
        "phone",
    ),
    **dict.fromkeys(
        ("company", "company name", "organization", "organisation", "org", "account")
        + ("회사", "회사명", "소속", "기업"),
        "company",
    ),
    **dict.fromkeys(
        ("title", "job title", "jobtitle", "position", "role", "직함", "직책", "직위"), "jobtitle"
    ),
    **dict.fromkeys(("website", "web", "url", "web site", "웹사이트", "홈페이지"), "website"),
    **dict.fromkeys(("city", "도시"), "city"),
    **dict.fromkeys(("country", "국가", "나라"), "country"),
}


@dataclass(frozen=True)
class TableRow:
    line: int  # 1-based line of the paste (the header is line 1)
    text: str  # the row as pasted
    draft: ContactDraft | None  # None when invalid
    problems: tuple[Doubt, ...] = ()  # why it is invalid

    @property
    def valid(self) -> bool:
        return self.draft is not None


@dataclass(frozen=True)
class TableRead:
    rows: tuple[TableRow, ...]
    columns: tuple[str, ...]  # each column's field ('name' = a full name, '' = not read)
    over_limit: int = 0  # rows past MAX_ROWS, not read

    @property
    def drafts(self) -> list[ContactDraft]:
        return [row.draft for row in self.rows if row.draft is not None]

    @property
    def invalid(self) -> list[TableRow]:
        return [row for row in self.rows if row.draft is None]


def header_fields(cells: list[str]) -> list[str]:
    """Each header cell's field; '' for a column no field is read from."""
    fields = [HEADERS.get(_folded(c), "") for c in cells]
    if "이름" in map(_folded, cells) and "lastname" in fields:
        fields = [  # a 성 column next to it: 이름 is the given name
            "firstname" if _folded(c) == "이름" else f for c, f in zip(cells, fields, strict=True)
        ]
    return fields


def delimiter_of(line: str) -> str:
    if "\t" in line:
        return "\t"
    return ";" if line.count(";") > line.count(",") else ","


def has_header(first_line: str) -> bool:
    cells = next(csv.reader([first_line], delimiter=delimiter_of(first_line)), [])
    fields = [f for f in header_fields(cells) if f]
    return len(fields) >= 2 and bool({"email", "name", "firstname", "lastname"} & set(fields))


def read_table(text: str, region: str | None = None) -> TableRead:
    lines = [(i, line) for i, line in enumerate(text.splitlines(), 1) if line.strip()]
    if not lines:
        return TableRead((), ())
    region = (region or "").upper() or ("KR" if has_hangul(text[:20_000]) else None)
    if has_header(lines[0][1]):
        header, body = lines[0][1], lines[1:]
        delimiter = delimiter_of(header)
        columns = header_fields(next(csv.reader([header], delimiter=delimiter)))
    else:
        header, body, delimiter, columns = "", lines, delimiter_of(lines[0][1]), []
    rows: list[TableRow] = []
    seen: set[str] = set()
    for number, line in body[:MAX_ROWS]:
        if len(line) > MAX_ROW_CHARS:
            rows.append(TableRow(number, line, None, (Doubt("*", "too_long", str(len(line))),)))
            continue
        cells = next(csv.reader([line], delimiter=delimiter), [])
        if columns:
            row = _row(number, line, cells, columns, region)
        else:
            row = _line_row(number, line, cells, region)
        email = row.draft.get("email") if row.draft else ""
        if email and email in seen:
            row = TableRow(number, line, None, (Doubt("email", "duplicate_in_paste", email),))
        seen.add(email)
        rows.append(row)
    return TableRead(tuple(rows), tuple(columns), max(0, len(body) - MAX_ROWS))


def _row(
    number: int, line: str, cells: list[str], columns: list[str], region: str | None
) -> TableRow:
    if len([c for c in cells[len(columns) :] if c.strip()]):
        return TableRow(number, line, None, (Doubt("*", "columns", str(len(cells))),))
    draft = DraftBuilder()
    problems: list[Doubt] = []
    source = line.strip()
    for field, cell in zip(columns, cells, strict=False):
        value = cell.strip()
        if not field or not value:
            continue
        if field == "name":
            name = korean_name(value.replace(" ", "")) or western_name(value) or (value, "")
            draft.put("firstname", name[0], source)
            draft.put("lastname", name[1], source)
        elif field == "email":
            try:
                draft.add_email(normalise_email(value), source)
            except InvalidContact:
                problems.append(Doubt("email", "invalid_email", value))
        elif field in ("phone", "mobilephone"):
            number_value, problem, _ = normalise_number(value, region)
            if problem:
                problems.append(Doubt(field, problem, value))
            draft.put(field, number_value, source)
        else:
            draft.put(field, value, source)
    built = draft.build(require=False)
    if not problems and not ({"email", "firstname", "lastname"} & built.fields.keys()):
        problems.append(Doubt("*", "no_name_or_email"))
    return TableRow(number, line, None if problems else built, tuple(problems))


def _line_row(number: int, line: str, cells: list[str], region: str | None) -> TableRow:
    """One person a line: the cells joined as one signature line and read as such."""
    joined = " | ".join(c.strip() for c in cells) if len(cells) > 1 else line
    draft = read_block(joined, region)
    problems = [d for d in draft.doubts if d.reason in ("phone_invalid", "phone_needs_country")]
    problems += [d for d in draft.doubts if d.reason == "invalid_email"]
    if not ({"email", "firstname", "lastname"} & draft.fields.keys()):
        problems.append(Doubt("*", "no_name_or_email"))
    if problems:
        return TableRow(number, line, None, tuple(problems))
    kept = tuple(d for d in draft.doubts if d.reason != "not_found")
    return TableRow(number, line, ContactDraft(draft.fields, draft.other_emails, kept))


def _folded(cell: str) -> str:
    return re.sub(r"\s+", " ", cell.strip().strip('"').lower().replace("_", " "))
