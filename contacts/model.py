"""The contact as the rest of the app sees it: HubSpot's record shape, kept plain.

Values are strings or None, as HubSpot returns them. `to_dict`/`from_dict` let the bot keep
contacts in conversation state (JSON) without knowing anything about HubSpot's SDK models.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from contacts.korean import is_hangul

# The properties users may edit (../shared/design.md). Search may filter on any property.
EDITABLE_PROPERTIES: tuple[str, ...] = (
    "firstname",
    "lastname",
    "email",
    "phone",
    "mobilephone",
    "company",
    "jobtitle",
    "website",
    "city",
    "country",
    "lifecyclestage",
)
# What the app asks HubSpot to return for every contact it shows.
DISPLAY_PROPERTIES: tuple[str, ...] = EDITABLE_PROPERTIES + (
    "createdate",
    "lastmodifieddate",
    "hs_object_id",
    "hubspot_owner_id",  # set on create (the creator's owner), shown by name on cards
)


@dataclass(frozen=True)
class Contact:
    id: str
    properties: Mapping[str, str | None]
    created_at: str = ""
    updated_at: str = ""
    # The record in HubSpot's UI ("Open in HubSpot"); '' while the account is unknown.
    url: str = ""

    def get(self, name: str) -> str:
        """A property's value, '' when missing or null (what a card or a model should show)."""
        return self.properties.get(name) or ""

    @property
    def email(self) -> str:
        return self.get("email")

    @property
    def owner_id(self) -> str:
        """The HubSpot owner's id ('' when nobody owns the contact)."""
        return self.get("hubspot_owner_id")

    @property
    def full_name(self) -> str:
        """Western order ("Jane Doe"), but Korean names family-name first and unspaced ("김민지"),
        as Korean users write and read them."""
        first, last = self.get("firstname"), self.get("lastname")
        if first and last and is_hangul(first) and is_hangul(last):
            return last + first
        return " ".join(p for p in (first, last) if p)

    @property
    def display_name(self) -> str:
        return self.full_name or self.email or f"#{self.id}"

    @property
    def version(self) -> str:
        """What an update compares to see whether the contact changed meanwhile."""
        return self.updated_at or self.get("lastmodifieddate")

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "properties": dict(self.properties),
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "url": self.url,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Contact:
        return cls(
            id=str(data["id"]),
            properties=dict(data.get("properties") or {}),
            created_at=data.get("created_at", ""),
            updated_at=data.get("updated_at", ""),
            url=str(data.get("url") or ""),
        )


@dataclass(frozen=True)
class SearchCriteria:
    """What a user can search by. Fields are ANDed; `text` is HubSpot's free-text `query`.
    `filters` are raw HubSpot filters ({propertyName, operator, value}) for "any property"."""

    email: str = ""
    name: str = ""
    company: str = ""
    phone: str = ""
    text: str = ""
    filters: tuple[Mapping[str, Any], ...] = ()

    def is_empty(self) -> bool:
        return not (
            self.email or self.name or self.company or self.phone or self.text or self.filters
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "email": self.email,
            "name": self.name,
            "company": self.company,
            "phone": self.phone,
            "text": self.text,
            "filters": [dict(f) for f in self.filters],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SearchCriteria:
        return cls(
            **{k: str(data.get(k) or "") for k in ("email", "name", "company", "phone", "text")},
            filters=tuple(dict(f) for f in data.get("filters") or ()),
        )


@dataclass(frozen=True)
class SearchPage:
    total: int
    results: list[Contact]
    next_after: str | None = None


@dataclass(frozen=True)
class CreateResult:
    contact: Contact
    # Other contacts with the same full name but another email: shown as a warning, not an error.
    same_name: list[Contact] = field(default_factory=list)


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class PendingUpdate:
    """An update prepared and shown for confirmation; applied only on Confirm, and only if the
    contact's `version` is still `expected_version`."""

    contact_id: str
    properties: Mapping[str, str]  # normalised new values, only the fields that change
    changes: tuple[Change, ...]
    expected_version: str
    display_name: str = ""

    def then(self, newer: PendingUpdate) -> PendingUpdate:
        """This change and a newer one to the same contact, as one: a field changed in both
        takes the newer value (its `old` stays what HubSpot holds), every other change stays.
        Confirm checks the older preview's version: if the contact changed in between, the
        older change's old value may be stale, so nothing is written and the user is shown
        the contact as it is now."""
        kept = tuple(c for c in self.changes if c.field not in newer.properties)
        changes = kept + tuple(newer.changes)
        return PendingUpdate(
            contact_id=newer.contact_id,
            properties={c.field: c.new for c in changes},
            changes=changes,
            expected_version=self.expected_version,
            display_name=newer.display_name or self.display_name,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "contact_id": self.contact_id,
            "properties": dict(self.properties),
            "changes": [[c.field, c.old, c.new] for c in self.changes],
            "expected_version": self.expected_version,
            "display_name": self.display_name,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PendingUpdate:
        return cls(
            contact_id=str(data["contact_id"]),
            properties=dict(data["properties"]),
            changes=tuple(Change(*c) for c in data["changes"]),
            expected_version=str(data["expected_version"]),
            display_name=str(data.get("display_name", "")),
        )
