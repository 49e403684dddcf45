"""The portal's own property validation rules, and checking values against them before a save.

An admin can set rules on contact properties in HubSpot (a required job title, phone numbers
with an explicit country code, a maximum length, a pattern...). Since HubSpot's API 2026-09 a
write that breaks one is refused. Checking here first lets a form mark what is required and ask
for it, and lets a typed create or the agent explain the problem in the user's words, instead
of a save that fails.

Pure: `PortalRules.from_json` reads HubSpot's answer to `GET /crm/v3/property-validations/0-1`
(`{"results": [{"propertyName", "propertyValidationRules": [{"ruleType", "ruleArguments"}]}]}`)
and `check(...)` judges values; reading and caching the rules is `contacts.hubspot_rules`.

HubSpot has no REQUIRED rule type: a property whose `MIN_LENGTH` is 1 or more needs a value
(HubSpot's own example calls MIN_LENGTH ["1"] "at least one character"); that a create which
leaves it out is refused is UNCONFIRMED (the local HubSpot does so).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from contacts.errors import InvalidContact

#: HubSpot's rule types as our reason codes (InvalidContact.reason_code); also what a
#: VALIDATION_ERROR naming a rule type means (the local HubSpot sends the rule type as code).
RULE_REASONS: dict[str, str] = {
    "MIN_LENGTH": "too_short",
    "MAX_LENGTH": "too_long",
    "ALPHANUMERIC": "invalid_characters",
    "SPECIAL_CHARACTERS": "invalid_characters",
    "REGEX": "invalid_format",
    "FORMAT": "invalid_format",
    "EMAIL": "invalid_email",
    "URL": "invalid_url",
    "PHONE_NUMBER_WITH_EXPLICIT_COUNTRY_CODE": "phone_needs_country_code",
}

_MESSAGES: dict[str, dict[str, str]] = {
    "required": {"en": "This is required.", "ko": "필수 항목입니다."},
    "too_short": {
        "en": "Use at least {n} characters.",
        "ko": "{n}자 이상 입력해 주세요.",
    },
    "too_long": {"en": "Use at most {n} characters.", "ko": "{n}자 이하로 입력해 주세요."},
    "invalid_characters": {
        "en": "Use {kind} only.",
        "ko": "{kind}만 입력할 수 있습니다.",
    },
    "invalid_format": {
        "en": "This isn't in the format your HubSpot requires.",
        "ko": "HubSpot에서 요구하는 형식이 아닙니다.",
    },
    "invalid_email": {
        "en": "Give a valid email address.",
        "ko": "올바른 이메일 주소를 입력해 주세요.",
    },
    "invalid_url": {
        "en": "Give a full web address, like https://example.com.",
        "ko": "https://example.com 처럼 전체 웹 주소를 입력해 주세요.",
    },
    "phone_needs_country_code": {
        "en": "Include the country code, like +1 415 555 0100 or +82 10 1234 5678.",
        "ko": "+82 10 1234 5678 처럼 국가 번호를 포함해 주세요.",
    },
}
_KINDS = {
    "NUMERIC_ONLY": {"en": "digits", "ko": "숫자"},
    "ALPHA_ONLY": {"en": "letters", "ko": "문자"},
    "ALPHANUMERIC": {"en": "letters and digits", "ko": "문자와 숫자"},
}


@dataclass(frozen=True)
class PropertyRule:
    rule_type: str
    arguments: tuple[str, ...] = ()

    def number(self) -> int | None:
        try:
            return int(self.arguments[0])
        except (IndexError, ValueError):
            return None


@dataclass(frozen=True)
class RuleIssue:
    """One value that breaks a portal rule: the field, a stable reason code, words for a user."""

    field: str
    reason_code: str
    message: str

    def to_invalid(self) -> InvalidContact:
        return InvalidContact(self.field, self.reason_code, self.message)


@dataclass(frozen=True)
class PortalRules:
    """Rules by property name. Empty (`PortalRules()`) when the portal has none or they are
    not known yet: then nothing is required and everything passes, as before rules existed."""

    by_property: Mapping[str, tuple[PropertyRule, ...]] = field(default_factory=dict)

    @classmethod
    def from_json(cls, body: Any) -> PortalRules:
        """HubSpot's answer; anything it cannot read (a rule without a type) is skipped."""
        out: dict[str, tuple[PropertyRule, ...]] = {}
        results = body.get("results") if isinstance(body, Mapping) else None
        for item in results if isinstance(results, list) else []:
            if not isinstance(item, Mapping) or not isinstance(item.get("propertyName"), str):
                continue
            rules = []
            for raw in item.get("propertyValidationRules") or []:
                if isinstance(raw, Mapping) and isinstance(raw.get("ruleType"), str):
                    args = raw.get("ruleArguments") or []
                    rules.append(PropertyRule(raw["ruleType"], tuple(str(a) for a in args)))
            if rules:
                out[item["propertyName"]] = tuple(rules)
        return cls(out)

    def for_property(self, name: str) -> tuple[PropertyRule, ...]:
        return self.by_property.get(name, ())

    def is_required(self, name: str) -> bool:
        return any(
            r.rule_type == "MIN_LENGTH" and (r.number() or 0) >= 1 for r in self.for_property(name)
        )

    @property
    def required(self) -> tuple[str, ...]:
        """The properties a new contact must have, in name order (a form marks these)."""
        return tuple(sorted(n for n in self.by_property if self.is_required(n)))

    def hint(self, name: str, lang: str = "en") -> str:
        """What a form or the agent's tool description should say about a field: the
        messages of its rules, joined ('' when it has none)."""
        words = []
        if self.is_required(name):
            words.append(_message("required", lang))
        for rule in self.for_property(name):
            reason = RULE_REASONS.get(rule.rule_type)
            if reason is None or (rule.rule_type == "MIN_LENGTH" and (rule.number() or 0) <= 1):
                continue
            words.append(_message(reason, lang, rule))
        return " ".join(words)


def _message(reason: str, lang: str, rule: PropertyRule | None = None) -> str:
    texts = _MESSAGES[reason]
    text = texts.get(lang, texts["en"])
    kind = _KINDS.get(rule.arguments[0], {}) if rule and rule.arguments else {}
    return text.format(
        n=rule.number() if rule else "", kind=kind.get(lang, kind.get("en", "allowed characters"))
    )


def _breaks(rule: PropertyRule, value: str) -> bool:
    kind, n = rule.rule_type, rule.number()
    if kind == "MIN_LENGTH":
        return n is not None and 0 < len(value) < n
    if kind == "MAX_LENGTH":
        return n is not None and len(value) > n
    if not value:
        return False
    if kind == "ALPHANUMERIC" and rule.arguments:
        chars = [c for c in value if not c.isspace()]
        test = {"NUMERIC_ONLY": str.isdigit, "ALPHA_ONLY": str.isalpha}.get(
            rule.arguments[0], str.isalnum
        )
        return not all(test(c) for c in chars)
    if kind == "REGEX" and rule.arguments:
        try:
            return re.fullmatch(rule.arguments[0], value) is None
        except re.error:
            return False  # a pattern Python cannot read: HubSpot judges it on save
    if kind == "EMAIL":
        try:
            validate_email(value, check_deliverability=False)
        except EmailNotValidError:
            return True
        return False
    if kind == "URL":
        parts = urlsplit(value.strip())
        return parts.scheme not in ("http", "https") or not parts.netloc
    if kind == "PHONE_NUMBER_WITH_EXPLICIT_COUNTRY_CODE":
        return not _international(value)
    return False


def _international(value: str) -> bool:
    text = value.strip()
    if not text.startswith("+"):
        return False
    try:
        return bool(phonenumbers.is_valid_number(phonenumbers.parse(text, None)))
    except phonenumbers.NumberParseException:
        return False


def check(
    properties: Mapping[str, str],
    rules: PortalRules,
    lang: str = "en",
    *,
    creating: bool = True,
) -> list[RuleIssue]:
    """Every field of `properties` that breaks a portal rule, one issue per field, in rule
    order. `creating`: a required field that is missing or empty is an issue too; an update
    is judged only on the fields it writes (an empty one clears, which a required field
    refuses). Values are judged as they will be sent (normalise first)."""
    issues: list[RuleIssue] = []
    for name, rules_of in rules.by_property.items():
        if name not in properties and not creating:
            continue
        value = properties.get(name) or ""
        if not value and rules.is_required(name):
            issues.append(RuleIssue(name, "required", _message("required", lang)))
            continue
        for rule in rules_of:
            if rule.rule_type in RULE_REASONS and _breaks(rule, value):
                reason = RULE_REASONS[rule.rule_type]
                issues.append(RuleIssue(name, reason, _message(reason, lang, rule)))
                break
    return issues
