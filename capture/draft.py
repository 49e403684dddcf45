"""A contact draft: what a paste said about one person, before anyone confirms it.

A draft is never written as it is: the conversation shows it prefilled in the create form (or
as an update of the contact that has its email), each field marked as read from the paste, and
names what the reader was not sure of. So every field keeps the paste's text it was read from,
and the doubts are codes (field + reason), not sentences: cards word them in English and Korean.

Doubt reasons (`Doubt.reason`):

    not_found            no name / no email in the paste (field: firstname or email)
    several_emails       more than one email: the first is the draft's, the others are
                         in `other_emails` (value: the others, comma-separated)
    several_phones       another number of the same kind was left out (value: that number)
    phone_kind_guessed   an unlabelled number put under mobile or office by its shape
    phone_invalid        a number that is no valid phone number (kept as written)
    phone_needs_country  a local number and no way to tell its country (kept as written)
    company_guessed      an unlabelled line taken as the company
    invalid_email        (tables) a row's email is not an address (value: as written)
    no_name_or_email     (tables) a row with neither: nothing to create
    columns              (tables) a row with more cells than the header (value: how many)
    duplicate_in_paste   (tables) an email an earlier row of the same paste already has
    too_long             (tables) a row longer than any contact's (value: its length)
    unreadable           (vCards) a card vobject could not read (field: "*")
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# The HubSpot properties a paste can fill, in the order a form shows them. `phone` is the
# office number, `mobilephone` the mobile one (HubSpot's own names).
FIELDS: tuple[str, ...] = (
    "firstname",
    "lastname",
    "email",
    "mobilephone",
    "phone",
    "company",
    "jobtitle",
    "website",
    "city",
    "country",
)


@dataclass(frozen=True)
class FieldRead:
    """One field's value and the paste's text it was read from (a line, a cell, a vCard
    property), so a preview can show where a value came from."""

    value: str
    source: str


@dataclass(frozen=True)
class Doubt:
    field: str
    reason: str
    value: str = ""


@dataclass(frozen=True)
class ContactDraft:
    fields: Mapping[str, FieldRead] = field(default_factory=dict)
    other_emails: tuple[str, ...] = ()
    doubts: tuple[Doubt, ...] = ()

    def get(self, name: str) -> str:
        """A field's value, '' when the paste did not give it."""
        read = self.fields.get(name)
        return read.value if read else ""

    def read_from_paste(self, name: str) -> bool:
        return name in self.fields

    def properties(self) -> dict[str, str]:
        """The fields read, as HubSpot properties (what a create form is prefilled with)."""
        return {name: self.fields[name].value for name in FIELDS if name in self.fields}

    def doubted(self, name: str) -> tuple[Doubt, ...]:
        return tuple(d for d in self.doubts if d.field == name)

    @property
    def display_name(self) -> str:
        first, last = self.get("firstname"), self.get("lastname")
        if first and last and _hangul(first) and _hangul(last):
            return last + first
        return " ".join(p for p in (first, last) if p) or self.get("email")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, for conversation state between the preview and the confirm."""
        return {
            "fields": {k: [v.value, v.source] for k, v in self.fields.items()},
            "other_emails": list(self.other_emails),
            "doubts": [[d.field, d.reason, d.value] for d in self.doubts],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ContactDraft:
        return cls(
            fields={str(k): FieldRead(str(v[0]), str(v[1])) for k, v in data["fields"].items()},
            other_emails=tuple(str(e) for e in data.get("other_emails") or ()),
            doubts=tuple(Doubt(*map(str, d)) for d in data.get("doubts") or ()),
        )


def _hangul(text: str) -> bool:
    return all("\uac00" <= ch <= "\ud7a3" for ch in text)


class DraftBuilder:
    """Collects fields as a reader finds them: the first value of a field is kept (readers
    call in order of trust), doubts pile up in the order found."""

    def __init__(self) -> None:
        self._fields: dict[str, FieldRead] = {}
        self._emails: list[str] = []
        self._doubts: list[Doubt] = []

    def has(self, name: str) -> bool:
        return name in self._fields

    def value(self, name: str) -> str:
        read = self._fields.get(name)
        return read.value if read else ""

    def put(self, name: str, value: str, source: str) -> bool:
        value = value.strip()
        if not value or name in self._fields:
            return False
        self._fields[name] = FieldRead(value, source.strip())
        return True

    def add_email(self, address: str, source: str) -> None:
        if address in self._emails:
            return
        self._emails.append(address)
        self.put("email", address, source)

    def doubt(self, name: str, reason: str, value: str = "") -> None:
        found = Doubt(name, reason, value)
        if found not in self._doubts:
            self._doubts.append(found)

    def build(self, *, require: bool = True) -> ContactDraft:
        """The draft; `require` adds the not_found doubts a one-person paste should name."""
        doubts = list(self._doubts)
        others = tuple(self._emails[1:])
        if others:
            doubts.append(Doubt("email", "several_emails", ", ".join(others)))
        if require and "email" not in self._fields:
            doubts.append(Doubt("email", "not_found"))
        if require and not ({"firstname", "lastname"} & self._fields.keys()):
            doubts.append(Doubt("firstname", "not_found"))
        return ContactDraft(dict(self._fields), others, tuple(doubts))
