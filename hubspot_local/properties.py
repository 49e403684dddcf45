"""The contact property catalogue and the rules for values: what exists, what may be written,
how a value is normalised, and how it compares in search.

HubSpot keeps every value as a string; search compares strings case-insensitively (except
enumerations), numbers numerically and dates as epoch milliseconds. The same three helpers
(`fold`, `numeric_key`, `tokens`) feed both the SQLite index and the search compiler, so the
index and the query can never disagree on what a value means.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import phonenumbers

from hubspot_local.errors import ApiError, property_issue, validation_error

MAX_VALUE_CHARS = 65_536
WHOLE_VALUE_TOKEN_CHARS = 1_000  # longer values are matched by their word tokens only

LIFECYCLE_STAGES = (
    "subscriber",
    "lead",
    "marketingqualifiedlead",
    "salesqualifiedlead",
    "opportunity",
    "customer",
    "evangelist",
    "other",
)
LEAD_STATUSES = (
    "NEW",
    "OPEN",
    "IN_PROGRESS",
    "OPEN_DEAL",
    "UNQUALIFIED",
    "ATTEMPTED_TO_CONTACT",
    "CONNECTED",
    "BAD_TIMING",
)


@dataclass(frozen=True)
class Property:
    name: str
    type: str = "string"  # string | enumeration | number | datetime
    read_only: bool = False
    options: tuple[str, ...] = ()


def _catalogue() -> dict[str, Property]:
    editable = [
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
        "state",
        "zip",
        "address",
        "fax",
        "industry",
        "salutation",
        "message",
        "twitterhandle",
        "annualrevenue",
        "numemployees",
        "work_email",
        "date_of_birth",
        "school",
        "degree",
        "field_of_study",
        "hubspot_owner_id",
        "hs_persona",
        "hs_language",
    ]
    props = [Property(n) for n in editable]
    props += [
        Property("lifecyclestage", "enumeration", options=LIFECYCLE_STAGES),
        Property("hs_lead_status", "enumeration", options=LEAD_STATUSES),
        Property("hs_marketable_until_renewal", "enumeration", options=("true", "false")),
        Property("closedate", "datetime"),
        # Read-only / calculated: HubSpot sets these itself.
        Property("hs_object_id", "number", read_only=True),
        Property("createdate", "datetime", read_only=True),
        Property("lastmodifieddate", "datetime", read_only=True),
        Property("notes_last_updated", "datetime", read_only=True),
        Property("notes_last_contacted", "datetime", read_only=True),
        Property("num_notes", "number", read_only=True),
        Property("hs_email_domain", read_only=True),
        Property("hs_all_contact_vids", read_only=True),
        Property("hs_merged_object_ids", read_only=True),
        Property("hs_object_source", read_only=True),
        Property("hs_object_source_label", read_only=True),
        # UNCONFIRMED: HubSpot manages additional emails through merges and its own UI, not
        # through a plain property write; treated as read-only here (merge fills it).
        Property("hs_additional_emails", read_only=True),
    ]
    return {p.name: p for p in props}


PROPERTIES: dict[str, Property] = _catalogue()
DEFAULT_PROPERTIES = (
    "createdate",
    "email",
    "firstname",
    "hs_object_id",
    "lastmodifieddate",
    "lastname",
)
ALWAYS_RETURNED = ("createdate", "hs_object_id", "lastmodifieddate")
# Default searchable properties for contacts' free-text `query` (D-SEARCH).
QUERY_PROPERTIES = (
    "firstname",
    "lastname",
    "email",
    "phone",
    "hs_additional_emails",
    "fax",
    "mobilephone",
    "company",
    "hs_marketable_until_renewal",
)
PHONE_PROPERTIES = frozenset({"phone", "mobilephone", "fax"})
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
NUMERIC_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
TOKEN_RE = re.compile(r"[^\W_]+")
_NUMERIC_START = frozenset("0123456789+-.")


# ---- time -------------------------------------------------------------------------------


def iso_ms(ms: int) -> str:
    """Epoch ms -> HubSpot's ISO form, always with milliseconds and `Z`."""
    dt = datetime.fromtimestamp(ms / 1000, tz=UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def parse_datetime_ms(value: str) -> int | None:
    """Epoch ms digits or an ISO date/date-time -> epoch ms; None when it is neither."""
    value = value.strip()
    if re.fullmatch(r"-?\d{1,15}", value):
        return int(value)
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return int(round(dt.timestamp() * 1000))


# ---- comparison keys shared by the index and the search compiler -----------------------------


def fold(name: str, value: str) -> str:
    """The case-folded comparison form. Enumerations are case-sensitive in HubSpot search."""
    prop = PROPERTIES.get(name)
    if prop is not None and prop.type == "enumeration":
        return value
    return value.lower()


def numeric_key(name: str, value: str) -> float | None:
    """Number to compare by: dates as epoch ms, numbers and numeric-looking strings as floats."""
    prop = PROPERTIES.get(name)
    if prop is not None and prop.type == "datetime":
        ms = parse_datetime_ms(value)
        return None if ms is None else float(ms)
    if value[:1] not in _NUMERIC_START and value.strip()[:1] not in _NUMERIC_START:
        return None  # fast path: most values are plainly not numbers
    if NUMERIC_RE.match(value.strip()):
        number = float(value)
        return number if math.isfinite(number) else None
    return None


# Not word-searchable: dates and numbers (tokens of "2024-01-05T10:00:00.000Z" mean nothing)
# and system bookkeeping. Skipping them keeps the token index ~40% smaller. CONTAINS_TOKEN on
# these matches nothing (UNCONFIRMED what HubSpot does; nobody has a reason to ask it).
UNTOKENIZED = frozenset({"hs_object_source", "hs_object_source_label", "hs_all_contact_vids"})


def tokens(name: str, value: str, folded: str | None = None) -> set[str]:
    """Search tokens: the words of the folded value, plus the whole value (for `*@acme.com`)."""
    prop = PROPERTIES.get(name)
    if name in UNTOKENIZED or (prop is not None and prop.type in ("number", "datetime")):
        return set()
    if folded is None:
        folded = fold(name, value)
    out = set(TOKEN_RE.findall(folded))
    if len(folded) <= WHOLE_VALUE_TOKEN_CHARS:
        out.add(folded)
    if name in PHONE_PROPERTIES:
        # HubSpot searches phones by their digits without the country code (it keeps
        # hs_searchable_calculated_* copies); "2125550100" should find "+1 212 555 0100".
        groups = re.findall(r"\d+", value)
        if groups:
            digits = "".join(groups)
            out.add(digits)
            if value.lstrip().startswith("+"):
                out.add(_national_digits(value) or "".join(groups[1:]))
            elif digits.startswith("0"):
                out.add(digits.lstrip("0"))  # a trunk prefix: "010-1234-5678" is 10 1234 5678
            out.discard("")
    return out


def _national_digits(value: str) -> str:
    """The national number of an international one ("+14155550100" -> "4155550100")."""
    try:
        return str(phonenumbers.parse(value, None).national_number)
    except phonenumbers.NumberParseException:
        return ""


# ---- writes ------------------------------------------------------------------------------------


def as_string(value: Any) -> str | None:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        return value
    return None


def normalise_input(properties: Any) -> dict[str, str | None]:
    """Validate a `properties` object from a create/update body.

    Returns name -> normalised string, or None where the caller clears the value (""). All
    problems are collected into one 400, as HubSpot reports them together.
    """
    if properties is None:
        return {}
    if not isinstance(properties, dict):
        raise validation_error(
            [property_issue("properties", "INVALID_INPUT", "properties must be an object")]
        )
    issues: list[dict[str, Any]] = []
    out: dict[str, str | None] = {}
    for name, raw in properties.items():
        prop = PROPERTIES.get(name)
        if prop is None:
            issues.append(
                property_issue(name, "PROPERTY_DOESNT_EXIST", f'Property "{name}" does not exist')
            )
            continue
        if prop.read_only:
            issues.append(
                property_issue(
                    name,
                    "READ_ONLY_VALUE",
                    f'"{name}" is a calculated property; its value cannot be set',
                )
            )
            continue
        value = as_string(raw)
        if value is None:
            issues.append(
                property_issue(name, "INVALID_INPUT", f'Property "{name}" must be a string')
            )
            continue
        if len(value) > MAX_VALUE_CHARS:
            # UNCONFIRMED wording; the 65,536 limit itself is documented (D-PROPS).
            issues.append(
                property_issue(
                    name,
                    "INVALID_LENGTH",
                    f'Property "{name}" value is {len(value)} characters '
                    f"long; the maximum is {MAX_VALUE_CHARS}",
                )
            )
            continue
        if value == "":
            out[name] = None
            continue
        issue, value = _check_value(prop, value)
        if issue:
            issues.append(issue)
            continue
        out[name] = value
    if issues:
        raise validation_error(issues)
    return out


def _check_value(prop: Property, value: str) -> tuple[dict[str, Any] | None, str]:
    if prop.name == "email":
        email = value.strip().lower()
        if not EMAIL_RE.match(email):
            return property_issue(
                "email", "INVALID_EMAIL", f"Email address {value} is invalid"
            ), value
        return None, email
    if prop.type == "enumeration" and value not in prop.options:
        return property_issue(
            prop.name,
            "INVALID_OPTION",
            f"{value} was not one of the allowed options: [{', '.join(prop.options)}]",
        ), value
    if prop.type == "datetime":
        ms = parse_datetime_ms(value)
        if ms is None:
            return property_issue(
                prop.name, "INVALID_DATE", f"{value} is not a valid datetime"
            ), value
        return None, iso_ms(ms)
    if prop.type == "number" and numeric_key(prop.name, value) is None:
        return property_issue(prop.name, "INVALID_INTEGER", f"{value} is not a valid number"), value
    return None, value


def requested(names: list[str] | None) -> tuple[str, ...]:
    """The property names a read returns: defaults when none asked, unknown names ignored
    (SPEC), plus createdate/hs_object_id/lastmodifieddate (UNCONFIRMED for GET; facts §2)."""
    if not names:
        return DEFAULT_PROPERTIES
    wanted = [n for n in dict.fromkeys(names) if n in PROPERTIES]
    return tuple(dict.fromkeys([*wanted, *ALWAYS_RETURNED]))


def check_id_property(id_property: str | None) -> None:
    if id_property not in (None, "", "email", "hs_object_id"):
        raise ApiError(
            400,
            {
                "message": f"Property {id_property} is not a unique property",
                "category": "VALIDATION_ERROR",
            },
        )
