"""How stored values read on a card: HubSpot keeps phone numbers as E.164 ("+14155550100") and
lifecycle stages as internal names ("marketingqualifiedlead"); people read "+1 415-555-0100" and
"Marketing qualified lead". Only the display changes. The update form shows phone numbers as
the cards do; the update flow compares what comes back in normalised form (E.164), so submitting
it never rewrites data just because it was shown differently."""

from __future__ import annotations

import phonenumbers

PHONE_FIELDS = frozenset({"phone", "mobilephone"})

LIFECYCLE_LABELS: dict[str, dict[str, str]] = {
    "subscriber": {"en": "Subscriber", "ko": "구독자"},
    "lead": {"en": "Lead", "ko": "리드"},
    "marketingqualifiedlead": {"en": "Marketing qualified lead", "ko": "마케팅 적격 리드"},
    "salesqualifiedlead": {"en": "Sales qualified lead", "ko": "영업 적격 리드"},
    "opportunity": {"en": "Opportunity", "ko": "영업 기회"},
    "customer": {"en": "Customer", "ko": "고객"},
    "evangelist": {"en": "Evangelist", "ko": "에반젤리스트"},
    "other": {"en": "Other", "ko": "기타"},
}


def display_value(lang: str, field: str, value: str) -> str:
    """`value` as a person reads it; unchanged when there is nothing better to show."""
    if not value:
        return value
    if field in PHONE_FIELDS:
        return display_phone(value, lang)
    if field == "lifecyclestage":
        labels = LIFECYCLE_LABELS.get(value)
        return labels.get(lang, labels["en"]) if labels else value
    return value


def display_phone(value: str, lang: str = "en") -> str:
    """An E.164 number in international layout, but a Korean number in domestic layout for a
    Korean reader ("051-356-3621", as Koreans write them); any other text as it was stored."""
    if not value.startswith("+"):
        return value
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return value
    if not phonenumbers.is_valid_number(number):
        return value
    if lang == "ko" and phonenumbers.region_code_for_number(number) == "KR":
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
