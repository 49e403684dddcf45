"""Reading a typed search: the criteria a line names (a name, an email, a company, a field).

Field words claim their values (`typed.slots.read`); the words left over are a company when a
Korean marker says so ("한빛소프트 쪽", "네이버에"), else a name when they look like one, else
free text that HubSpot's search box reads.
"""

from __future__ import annotations

import re

from contacts.korean import has_hangul
from contacts.model import SearchCriteria
from typed.slots import SEARCH_FIELDS, looks_like_name, meaningful, name_word, read, value_of
from typed.tokens import Tok
from typed.words import KO_CITIES, KO_COMPANY_MARKERS, SEARCH_SLOT

_DOMAIN = re.compile(r"^@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")


def read_search(line: str, tokens: list[Tok]) -> SearchCriteria:
    r = read(line, tokens, SEARCH_FIELDS, "search")
    found: dict[str, str] = {}
    filters: list[dict[str, str]] = []

    def put(prop: str, value: str) -> None:
        slot = SEARCH_SLOT.get(prop)
        if not value or slot and found.get(slot):
            return
        if slot:
            found[slot] = value
        else:
            filters.append({"propertyName": prop, "operator": "EQ", "value": value})

    for prop, toks in r.values:
        if prop in ("name", "firstname", "lastname"):
            put(prop, " ".join(name_word(t) for t in toks))
        else:
            put(prop, value_of(line, toks))
    for tok in r.entities:
        kind = {"email": "email", "domain": "email", "phone": "phone", "id": "hs_object_id"}
        put(kind[tok.kind], tok.text)
    loose: list[Tok] = []
    for group in r.groups:
        marker = next(
            (k for k, t in enumerate(group) if k and t.bare in KO_COMPANY_MARKERS), None
        )  # "한빛소프트 쪽 담당자", "카카오 다니는 사람"
        if marker is not None and meaningful(group[:marker]):
            put("company", value_of(line, meaningful(group[:marker])))
            group = group[marker:]
        for tok in meaningful(group):
            if _DOMAIN.match(tok.text):
                put("email", tok.text)
            elif tok.particle in ("에", "에서") and has_hangul(tok.text):
                put("city" if tok.stem in KO_CITIES else "company", tok.stem)  # "네이버에"
            else:
                loose.append(tok)
    words = [name_word(t) for t in loose]
    if words and not found.get("name") and looks_like_name(words):
        found["name"] = " ".join(words)  # the search tries the readings of an unspaced name
    elif words:
        found["text"] = " ".join([found.get("text", ""), *words]).strip()
    return SearchCriteria(**found, filters=tuple(filters))
