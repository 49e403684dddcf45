"""What a search that found no one was for, read back: a name worth looking for near matches
of, and the create form's values (the no-results card's Create is filled in with them).

Why here and not in the card: the card only carries values; deciding that "Jenifer Tailor" is
a first and a last name, or that "김민준" is 김 + 민준, is the same reading the search made.
"""

from __future__ import annotations

import re
from dataclasses import replace

from contacts.errors import InvalidContact
from contacts.korean import is_hangul, split_korean_name
from contacts.model import SearchCriteria
from contacts.validation import normalise_email

MAX_NAME_WORDS = 4  # longer free text is not a name
_WORD = re.compile(r"^[^\W\d_]+(?:['\-.][^\W\d_]+)*\.?$")


def typo_name(criteria: SearchCriteria) -> str:
    """The name to look for near matches of: a search by a name, or by free text that is
    only a few words of letters ("find Jenifer"), with or without a company ("find Tayler at
    Soylent": the company is matched as typed); '' for anything else (an email, a phone, a
    filter: those are not guessed at)."""
    criteria = replace(criteria, company="")
    if criteria.to_dict() == SearchCriteria(name=criteria.name).to_dict():
        return criteria.name.strip()
    if criteria.to_dict() == SearchCriteria(text=criteria.text).to_dict() and _only_words(
        criteria.text
    ):
        return criteria.text.strip()
    return ""


def create_prefill(criteria: SearchCriteria) -> dict[str, str]:
    """The create form's values from what was searched: the name split into first and last
    name (Korean: family name first, unspaced or not), a whole email, the phone, the company;
    free text only when it is an email or a few words of letters (then it is a name)."""
    out: dict[str, str] = {}
    name = criteria.name.strip()
    text = criteria.text.strip()
    email = _whole_email(criteria.email) or _whole_email(text)
    if not name and not email and _only_words(text):
        name = text
    out.update(_name_fields(name))
    if email:
        out["email"] = email
    if criteria.phone.strip():
        out["phone"] = criteria.phone.strip()
    if criteria.company.strip():
        out["company"] = criteria.company.strip()
    return out


def _name_fields(name: str) -> dict[str, str]:
    words = name.split()
    if not words:
        return {}
    if len(words) == 1:
        family, given = split_korean_name(words[0])
        return {"lastname": family, "firstname": given} if family else {"firstname": given}
    if all(is_hangul(w) for w in words):  # "김 민준": family name first
        return {"lastname": words[0], "firstname": " ".join(words[1:])}
    return {"firstname": " ".join(words[:-1]), "lastname": words[-1]}


def _whole_email(value: str) -> str:
    if "@" not in value:
        return ""
    try:
        return normalise_email(value.strip())
    except InvalidContact:
        return ""


def _only_words(text: str) -> bool:
    """A few words of letters, nothing else ("Jenifer Tailor", "김민중"; not "Acme 2024")."""
    words = text.split()
    return 0 < len(words) <= MAX_NAME_WORDS and all(_WORD.match(w) for w in words)
