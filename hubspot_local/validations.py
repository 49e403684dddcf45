"""The portal's property validation rules, and HubSpot's refusal of writes that break them.

HubSpot lets an admin set rules on properties (the property validations API,
`/crm/v3/property-validations/{objectTypeId}`; spec "CRM Property Validations" v3). Since API
version 2026-09 a create or update through the objects API whose values break a rule is
refused with 400 VALIDATION_ERROR naming the property, like any invalid value.

    controls.validations.set("jobtitle", "MIN_LENGTH", ["1"])       # a required job title
    controls.validations.set("phone", "PHONE_NUMBER_WITH_EXPLICIT_COUNTRY_CODE")

What is confirmed (spec + guide): the JSON shape (`{"results": [{"propertyName",
"propertyValidationRules": [{"ruleType", "ruleArguments": [str], "shouldApplyNormalization"}]}]}`),
the rule type names, `ALPHANUMERIC` taking one of ALPHANUMERIC / ALPHA_ONLY / NUMERIC_ONLY and
`MIN_LENGTH` taking the number as a string (["1"] is HubSpot's own "at least one character").

UNCONFIRMED, modelled here:
- the API has no REQUIRED rule type; a required property is `MIN_LENGTH` >= 1, and a create
  that leaves such a property out breaks it (as an empty value would);
- the error item's `error` code is the rule type itself (e.g. "MIN_LENGTH"); its wording;
- REGEX matches the whole value (Java `matches()`); ALPHANUMERIC ignores spaces; the arguments
  of EMAIL, URL and PHONE_NUMBER_WITH_EXPLICIT_COUNTRY_CODE are empty;
- rule types not listed in `ENFORCED` are stored and served but not enforced.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import phonenumbers

from hubspot_local.errors import property_issue, validation_error
from hubspot_local.properties import EMAIL_RE, PROPERTIES

CONTACT_OBJECT_TYPES = frozenset({"0-1", "contacts", "contact"})
RULE_TYPES = frozenset(
    {
        "AFTER_DATETIME_DURATION",
        "AFTER_DURATION",
        "ALPHANUMERIC",
        "BEFORE_DATETIME_DURATION",
        "BEFORE_DURATION",
        "DAYS_OF_WEEK",
        "DECIMAL",
        "DOMAIN",
        "EMAIL",
        "EMAIL_ALLOWED_DOMAINS",
        "EMAIL_BLOCKED_DOMAINS",
        "END_DATE",
        "END_DATETIME",
        "FORMAT",
        "MAX_LENGTH",
        "MAX_NUMBER",
        "MIN_LENGTH",
        "MIN_NUMBER",
        "PHONE_NUMBER_WITH_EXPLICIT_COUNTRY_CODE",
        "REGEX",
        "SPECIAL_CHARACTERS",
        "START_DATE",
        "START_DATETIME",
        "URL",
        "URL_ALLOWED_DOMAINS",
        "URL_BLOCKED_DOMAINS",
        "WHITESPACE",
    }
)
ENFORCED = frozenset(
    {
        "MIN_LENGTH",
        "MAX_LENGTH",
        "ALPHANUMERIC",
        "REGEX",
        "EMAIL",
        "URL",
        "PHONE_NUMBER_WITH_EXPLICIT_COUNTRY_CODE",
    }
)
_ALPHANUMERIC_MODES = frozenset({"ALPHANUMERIC", "ALPHA_ONLY", "NUMERIC_ONLY"})


@dataclass(frozen=True)
class Rule:
    rule_type: str
    arguments: tuple[str, ...] = ()
    normalize: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "ruleType": self.rule_type,
            "ruleArguments": list(self.arguments),
            "shouldApplyNormalization": self.normalize,
        }


def _number(rule: Rule) -> int:
    return int(rule.arguments[0])


def _broken(rule: Rule, value: str) -> str | None:
    """Why `value` breaks `rule` (a message), or None when it does not."""
    kind = rule.rule_type
    if kind == "MIN_LENGTH" and len(value) < _number(rule):
        if not value:
            return "A value is required"
        return f"Must be at least {_number(rule)} characters long"
    if kind == "MAX_LENGTH" and len(value) > _number(rule):
        return f"Must be at most {_number(rule)} characters long"
    if not value:
        return None  # the format rules judge values, not their absence
    if kind == "ALPHANUMERIC":
        chars = [c for c in value if not c.isspace()]
        mode = rule.arguments[0]
        ok = {
            "ALPHA_ONLY": all(c.isalpha() for c in chars),
            "NUMERIC_ONLY": all(c.isdigit() for c in chars),
            "ALPHANUMERIC": all(c.isalnum() for c in chars),
        }[mode]
        return None if ok else f"Only {mode.lower().replace('_', ' ')} characters are allowed"
    if kind == "REGEX" and re.fullmatch(rule.arguments[0], value) is None:
        return f"Must match the pattern {rule.arguments[0]}"
    if kind == "EMAIL" and not EMAIL_RE.match(value.strip().lower()):
        return f"{value} is not a valid email address"
    if kind == "URL":
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return f"{value} is not a valid URL"
    if kind == "PHONE_NUMBER_WITH_EXPLICIT_COUNTRY_CODE" and not _international(value):
        return "Phone numbers must include an explicit country code (e.g. +1)"
    return None


def _international(value: str) -> bool:
    text = value.strip()
    if not text.startswith("+"):
        return False
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(text, None))
    except phonenumbers.NumberParseException:
        return False


class PortalValidations:
    """The contact rules of this portal, by property; empty until a test (or demo) sets some."""

    def __init__(self, rules: Mapping[str, Mapping[str, Sequence[str]]] | None = None) -> None:
        self._rules: dict[str, dict[str, Rule]] = {}
        #: False answers writes as HubSpot did before 2026-09 (rules served, never enforced).
        self.enforced = True
        for name, by_type in (rules or {}).items():
            for rule_type, arguments in by_type.items():
                self.set(name, rule_type, arguments)

    def set(
        self,
        property_name: str,
        rule_type: str,
        arguments: Sequence[str] = (),
        *,
        normalize: bool = False,
    ) -> None:
        """Add or replace the `rule_type` rule of a property (HubSpot's PUT .../rule-type/X)."""
        if property_name not in PROPERTIES or PROPERTIES[property_name].read_only:
            raise ValueError(f"no writable contact property {property_name!r}")
        if rule_type not in RULE_TYPES:
            raise ValueError(f"unknown rule type {rule_type!r}")
        rule = Rule(rule_type, tuple(str(a) for a in arguments), normalize)
        if (
            rule_type in ("MIN_LENGTH", "MAX_LENGTH", "ALPHANUMERIC", "REGEX")
            and not rule.arguments
        ):
            raise ValueError(f"{rule_type} takes an argument")
        if rule_type in ("MIN_LENGTH", "MAX_LENGTH"):
            _number(rule)  # raises on a missing or non-numeric argument
        if rule_type == "ALPHANUMERIC" and rule.arguments[:1] not in [
            (m,) for m in _ALPHANUMERIC_MODES
        ]:
            raise ValueError(f"ALPHANUMERIC takes one of {sorted(_ALPHANUMERIC_MODES)}")
        if rule_type == "REGEX":
            re.compile(rule.arguments[0])
        self._rules.setdefault(property_name, {})[rule_type] = rule

    def clear(self, property_name: str | None = None) -> None:
        if property_name is None:
            self._rules.clear()
        else:
            self._rules.pop(property_name, None)

    def for_property(self, property_name: str) -> list[Rule]:
        return list(self._rules.get(property_name, {}).values())

    def to_json(self) -> list[dict[str, Any]]:
        """The `results` of GET /crm/v3/property-validations/0-1."""
        return [
            {"propertyName": name, "propertyValidationRules": [r.to_json() for r in rules.values()]}
            for name, rules in sorted(self._rules.items())
            if rules
        ]

    def check(self, props: Mapping[str, str | None], *, creating: bool) -> None:
        """Raise HubSpot's 400 VALIDATION_ERROR naming every property that breaks a rule.

        `props` are the values written (None clears); a create also answers for the
        properties it leaves out (a required one is missing)."""
        if not self.enforced or not self._rules:
            return
        issues: list[dict[str, Any]] = []
        for name, rules in self._rules.items():
            if name not in props and not creating:
                continue  # an update judges only what it writes
            value = props.get(name) or ""
            for rule in rules.values():
                if rule.rule_type not in ENFORCED:
                    continue
                message = _broken(rule, value)
                if message is not None:
                    issues.append(property_issue(name, rule.rule_type, message))
                    break  # one complaint per property, the first rule it breaks
        if issues:
            raise validation_error(issues)
