"""Checks and normalises what a user typed before anything is sent to HubSpot.

HubSpot itself would reject a bad email or an unknown property, but only after a round trip and
with a message meant for developers. Checking here gives the user an answer in plain words that
names the field, and normalising (lower-cased emails, E.164 phones, trimmed names) makes the
duplicate check and later searches find what was stored. The standard forms of names and
websites are `contacts.formats`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from contacts.errors import InvalidContact
from contacts.formats import person_name, website
from contacts.model import DISPLAY_PROPERTIES, EDITABLE_PROPERTIES

MAX_VALUE_CHARS = 65_536
PHONE_PROPERTIES = frozenset({"phone", "mobilephone"})
NAME_PROPERTIES = frozenset({"firstname", "lastname", "company", "jobtitle", "city", "country"})
PERSON_NAME_PROPERTIES = frozenset({"firstname", "lastname"})  # capitalised: contacts.formats

# HubSpot's internal lifecycle stage names, in pipeline order.
LIFECYCLE_STAGES: tuple[str, ...] = (
    "subscriber",
    "lead",
    "marketingqualifiedlead",
    "salesqualifiedlead",
    "opportunity",
    "customer",
    "evangelist",
    "other",
)
# What people type for a stage, folded (lower-case, no spaces/dashes/underscores).
_STAGE_ALIASES: dict[str, str] = {
    **{s: s for s in LIFECYCLE_STAGES},
    "mql": "marketingqualifiedlead",
    "sql": "salesqualifiedlead",
    "marketingqualified": "marketingqualifiedlead",
    "salesqualified": "salesqualifiedlead",
    "구독자": "subscriber",
    "리드": "lead",
    "기회": "opportunity",
    "고객": "customer",
    "전도사": "evangelist",
    "기타": "other",
}
_SPACES = re.compile(r"\s+")


def normalise_email(value: str) -> str:
    """A syntactically valid address, lower-cased (HubSpot stores emails lower-cased)."""
    text = value.strip()
    if not text:
        raise InvalidContact("email", "empty", "Please give an email address.")
    try:
        checked = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidContact(
            "email", "invalid_email", f"That email address isn't valid: {exc}"
        ) from exc
    return checked.normalized.lower()


# A number only Korea dials this way: a mobile (010, 011, 016-019) or an area code (02, 031-064)
# with the trunk 0, in the groups Koreans write. No North American number starts with 0, so
# such a number is read as Korean whatever the region (the client's locale) says.
_KOREAN_NUMBER = re.compile(r"^0(?:1[016-9]|2|[3-6][1-5])[-.\s)]\s*\d{3,4}[-.\s]\d{4}$")


def normalise_phone(value: str, *, region: str, field: str = "phone") -> str:
    """E.164 (`+821012345678`). A number written with +country code needs no region; a local
    number is read in `region` (ISO 3166 code such as "US" or "KR")."""
    text = value.strip()
    region = (region or "").upper() or None  # type: ignore[assignment]
    hint = "Include the country code, for example +82 10 1234 5678 or +1 212 555 0100."
    if region != "KR" and _KOREAN_NUMBER.match(text):
        region = "KR"  # 010-1234-5678 from a client in any locale: Korean all the same
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidContact(
            field, "invalid_phone", f"That phone number isn't valid: {text!r}. {hint}"
        ) from exc
    if not phonenumbers.is_valid_number(number):
        where = f" for region {region}" if region and not text.startswith("+") else ""
        raise InvalidContact(
            field, "invalid_phone", f"That phone number isn't valid{where}: {text!r}. {hint}"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_lifecycle_stage(value: str) -> str:
    key = re.sub(r"[\s_\-]+", "", value.strip().lower())
    stage = _STAGE_ALIASES.get(key)
    if stage is None:
        raise InvalidContact(
            "lifecyclestage",
            "invalid_value",
            f"{value.strip()!r} isn't a lifecycle stage. Use one of: "
            + ", ".join(LIFECYCLE_STAGES)
            + ".",
        )
    return stage


def normalise_value(name: str, value: object, *, region: str) -> str:
    """One property's value, checked and normalised; '' stays '' (the caller decides whether
    an empty value means "clear" or "leave as is")."""
    if value is None:
        return ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise InvalidContact(name, "invalid_value", f"The value for {name} must be text.")
    text = str(value)
    if len(text) > MAX_VALUE_CHARS:
        raise InvalidContact(
            name,
            "too_long",
            f"That {name} is too long ({len(text):,} characters); the limit is "
            f"{MAX_VALUE_CHARS:,}.",
        )
    check_text(name, text)
    text = text.strip()
    if not text:
        return ""
    if name == "email":
        return normalise_email(text)
    if name in PHONE_PROPERTIES:
        return normalise_phone(text, region=region, field=name)
    if name == "lifecyclestage":
        return normalise_lifecycle_stage(text)
    if name in PERSON_NAME_PROPERTIES:
        return person_name(text)
    if name == "website":
        return website(text)
    if name in NAME_PROPERTIES:
        return _SPACES.sub(" ", text)
    return text


def check_text(name: str, text: str) -> None:
    """Text HubSpot can store: valid Unicode. A lone UTF-16 surrogate (which a JSON `\\ud800`
    escape can carry) is not; HubSpot answers it with a 5xx, and retrying cannot help."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidContact(
            name, "invalid_characters", f"The {name} contains characters that are not text."
        ) from None


def check_property_name(name: str) -> None:
    """Only the editable set may be written (design.md); say which fields are allowed."""
    if name in EDITABLE_PROPERTIES:
        return
    allowed = ", ".join(EDITABLE_PROPERTIES)
    if name in DISPLAY_PROPERTIES or name.startswith("hs_"):
        raise InvalidContact(
            name,
            "read_only",
            f"{name!r} is set by HubSpot and can't be changed. You can set: {allowed}.",
        )
    raise InvalidContact(
        name,
        "unknown_property",
        f"{name!r} isn't a contact field I can change. You can set: {allowed}.",
    )


def normalise_properties(
    properties: Mapping[str, object], *, region: str, partial: bool = False
) -> dict[str, str]:
    """Check every field, then normalise; the first problem raises InvalidContact naming its
    field, so nothing half-valid is ever written.

    `partial=True` drops empty values (a form field left blank means "leave it");
    otherwise an empty value is kept as '' (HubSpot's way to clear a property).
    """
    if not isinstance(properties, Mapping):
        raise InvalidContact("*", "invalid_value", "Contact details must be field: value pairs.")
    out: dict[str, str] = {}
    for raw_name, value in properties.items():
        name = str(raw_name).strip().lower()
        check_property_name(name)
        normalised = normalise_value(name, value, region=region)
        if not normalised and partial:
            continue
        out[name] = normalised
    return out


def problems_in(properties: Mapping[str, object], *, region: str) -> list[InvalidContact]:
    """Every field's problem at once (a form shown again names them all, not the first only);
    [] when every value is acceptable. Empty values are fine here: whether one is needed is
    the caller's rule."""
    problems = []
    for raw_name, value in properties.items():
        name = str(raw_name).strip().lower()
        try:
            check_property_name(name)
            normalise_value(name, value, region=region)
        except InvalidContact as exc:
            problems.append(exc)
    return problems
