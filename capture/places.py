"""City and country from an address line, when the paste writes them.

Only what is written is read: "Seoul, Korea" gives both, "San Francisco, CA 94105" the city,
"서울특별시 강남구 ..." the city 서울 (a province's address, "경기도 성남시 ...", the city 성남).
Countries are kept as written ("Republic of Korea", "USA", "대한민국"); no country is inferred
from a phone number or a domain. A line is an address when it names a known country or city,
carries a state and postal code ("CA 94105", "ON M5X 1A9"), or has street words with numbers.
"""

from __future__ import annotations

import re

from capture.labels import (
    CITIES,
    COUNTRIES,
    KO_METROS,
    KO_PROVINCES,
    STATE_POSTAL,
    STREET_WORDS,
)

_POSTAL = re.compile(r"\b\d{4,6}(?:-\d{3,4})?\b|\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b")
_KO_POSTAL = re.compile(r"^\(?\d{5}\)?\s*|^\[\d{5}\]\s*")


def address_of(piece: str) -> tuple[str, str] | None:
    """(city, country) of an address line, either possibly ''; None when it is no address."""
    text = _KO_POSTAL.sub("", piece.strip())
    korean = _korean_address(text)
    if korean is not None:
        return korean
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        return None
    country = ""
    if parts[-1].lower().rstrip(".") in COUNTRIES or parts[-1].lower() in COUNTRIES:
        country = parts.pop()
    city = ""
    for i, part in enumerate(parts):
        if STATE_POSTAL.match(part) and i > 0:
            city = parts[i - 1]
    if not city and parts:
        last = _POSTAL.sub("", parts[-1]).strip(" ,-")
        words = last.split()
        streety = STREET_WORDS.search(text) is not None or any(c.isdigit() for c in text)
        if last.lower() in CITIES or (
            (country or streety)
            and 1 <= len(words) <= 3
            and not any(c.isdigit() for c in last)
            and STREET_WORDS.search(last) is None
        ):
            city = last
    if city or country or STREET_WORDS.search(text):
        return city, country
    return None


def _korean_address(text: str) -> tuple[str, str] | None:
    tokens = text.replace(",", " ").split()
    country = ""
    if tokens and tokens[0] in ("대한민국", "한국") and len(tokens) > 1:
        country = tokens.pop(0)
    if not tokens:
        return None
    if tokens[-1] == "대한민국":
        country = tokens.pop()
    if not tokens:
        return None
    first = tokens[0]
    if first in KO_METROS:
        return KO_METROS[first], country
    if first in KO_PROVINCES:
        city = next((t for t in tokens[1:] if t.endswith("시") and len(t) > 1), "")
        return city[:-1] if city else "", country
    return None
