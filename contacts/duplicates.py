"""Likely duplicates: which two contacts are probably the same person, and why.

HubSpot only refuses a second contact with the same email. The same person typed twice - once
with a work and once with a personal email, once as "Jon Smith, Acme, +1 415 555 0100" and once
as "Jonathan Smith, ACME Inc., (415) 555-0100" - stays twice. These rules pair them, each pair
with the reasons it matched (what a user is shown):

- `same_phone`: a phone or mobile number equal in E.164 (however it was typed), unless both
  have full names that cannot be one person's, or three or more contacts have that number:
  colleagues sharing an office line.
- `same_name_company` / `same_name_email_domain`: the same full name - either order (Korean
  family name first or Western given name first), case, spacing and accents folded - and the
  same company (legal suffixes such as "Inc." or "(주)" ignored) or the same email domain (not a
  free-mail one: two "Kim Minji" at gmail.com are not the same person for that).
- `similar_name_company`: near-identical names at the same company: the same family name with
  a given name that is a known short form (Jon/Jonathan, Bob/Robert), a prefix or one typo
  away, or the same given name with a family name one typo away (rapidfuzz's OSA distance).
  Korean names are not compared loosely: one syllable apart is usually another person.

Pure: the name rules are `contacts.names`; `match` judges two contacts, `likely_pairs` a whole
list (compared within blocks that share a phone, a name or a company, not every pair),
`pairs_with` one contact against others.
Finding the candidates in HubSpot with few searches is `contacts.duplicate_search`.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import phonenumbers

from contacts.korean import has_hangul
from contacts.model import Contact
from contacts.names import different_names, fold, name_key, similar_names

SAME_PHONE = "same_phone"
SAME_NAME_COMPANY = "same_name_company"
SHARED_LINE = 3  # a number this many contacts have is an office line
SAME_NAME_EMAIL_DOMAIN = "same_name_email_domain"
SIMILAR_NAME_COMPANY = "similar_name_company"

FREE_MAIL = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "hotmail.com",
        "outlook.com",
        "live.com",
        "msn.com",
        "icloud.com",
        "me.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "gmx.de",
        "mail.com",
        "yandex.com",
        "qq.com",
        "163.com",
        "naver.com",
        "daum.net",
        "hanmail.net",
        "kakao.com",
        "nate.com",
    }
)
LEGAL_SUFFIXES = frozenset(
    {
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "co",
        "company",
        "ltd",
        "limited",
        "llc",
        "llp",
        "plc",
        "gmbh",
        "ag",
        "sa",
        "bv",
        "kk",
        "주식회사",
        "주",
        "유한회사",
    }
)


@dataclass(frozen=True)
class DuplicatePair:
    """Two contacts that are likely one person. `keep` is the older (created first), which a
    merge keeps by default; `other` the newer. `reasons` in rule order."""

    keep: Contact
    other: Contact
    reasons: tuple[str, ...]

    @property
    def ids(self) -> frozenset[str]:
        return frozenset((self.keep.id, self.other.id))


def company_key(company: str) -> str:
    """ "ACME Inc." and "Acme" alike; "(주)한빛" and "한빛 주식회사" alike."""
    words = [w for w in fold(company).split() if w not in LEGAL_SUFFIXES]
    return "".join(words)


def email_domain(contact: Contact) -> str:
    """The domain of the contact's email, '' for a free-mail one (it says nothing about who)."""
    domain = contact.email.rpartition("@")[2].strip().lower()
    return "" if domain in FREE_MAIL else domain


def phone_keys(contact: Contact, region: str = "US") -> frozenset[str]:
    """E.164 forms of the contact's phone and mobile numbers (ones that do not parse: none)."""
    out = set()
    for prop in ("phone", "mobilephone"):
        value = contact.get(prop).strip()
        if not value:
            continue
        try:
            number = phonenumbers.parse(value, None if value.startswith("+") else region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_possible_number(number):
            out.add(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    return frozenset(out)


def match(
    a: Contact, b: Contact, region: str = "US", *, shared: frozenset[str] = frozenset()
) -> tuple[str, ...]:
    """Why `a` and `b` are likely one person; () when they are not. `shared` are numbers
    known to be office lines (`shared_lines`): they pair nobody."""
    if a.id == b.id:
        return ()
    reasons = []
    common = (phone_keys(a, region) & phone_keys(b, region)) - shared
    if common and not different_names(a, b):
        reasons.append(SAME_PHONE)
    same_company = bool(company_key(a.get("company"))) and company_key(
        a.get("company")
    ) == company_key(b.get("company"))
    same_name = bool(name_key(a)) and name_key(a) == name_key(b)
    if same_name and same_company:
        reasons.append(SAME_NAME_COMPANY)
    if same_name and email_domain(a) and email_domain(a) == email_domain(b):
        reasons.append(SAME_NAME_EMAIL_DOMAIN)
    if not same_name and same_company and similar_names(a, b):
        reasons.append(SIMILAR_NAME_COMPANY)
    return tuple(reasons)


def _could_be_one(a: Contact, b: Contact) -> bool:
    """Whether two holders of one number may be one person: the same or near-identical
    names, or one too short to tell (no name, a given name only). Names in two scripts count
    as two people here: among three holders of a number, that is the likelier reading."""
    key_a, key_b = name_key(a), name_key(b)
    if key_a and key_b and has_hangul(key_a) != has_hangul(key_b):
        return False
    return not different_names(a, b)


def shared_lines(contacts: Iterable[Contact], region: str = "US") -> frozenset[str]:
    """Numbers (E.164) that SHARED_LINE or more of `contacts` have, two of them under names
    that cannot be one person's: an office line. (The same person entered three times keeps
    one name, near enough, and stays paired by the number.)"""
    holders: dict[str, list[Contact]] = defaultdict(list)
    for contact in {c.id: c for c in contacts}.values():
        for number in phone_keys(contact, region):
            holders[number].append(contact)
    return frozenset(
        number
        for number, on_it in holders.items()
        if len(on_it) >= SHARED_LINE
        and any(not _could_be_one(a, b) for a, b in itertools.combinations(on_it, 2))
    )


def _age(contact: Contact) -> tuple[str, int]:
    """Oldest first; a contact not saved yet (no creation time, no HubSpot id) is newest."""
    number = int(contact.id) if contact.id.isdigit() else 1 << 62
    return (contact.created_at or "~", number)


def _pair(a: Contact, b: Contact, reasons: tuple[str, ...]) -> DuplicatePair:
    older, newer = sorted((a, b), key=_age)
    return DuplicatePair(keep=older, other=newer, reasons=reasons)


def _blocks(contact: Contact, region: str) -> Iterable[str]:
    """Keys two contacts must share for any rule to pair them."""
    yield from (f"p:{p}" for p in phone_keys(contact, region))
    if name_key(contact):
        yield f"n:{name_key(contact)}"
    if company_key(contact.get("company")):
        yield f"c:{company_key(contact.get('company'))}"


def likely_pairs(contacts: Sequence[Contact], region: str = "US") -> list[DuplicatePair]:
    """Every likely duplicate pair among `contacts`, each once, oldest contact first."""
    blocks: dict[str, list[Contact]] = defaultdict(list)
    shared = shared_lines(contacts, region)
    for contact in {c.id: c for c in contacts}.values():
        for key in _blocks(contact, region):
            blocks[key].append(contact)
    seen: set[frozenset[str]] = set()
    out = []
    for members in blocks.values():
        for a, b in itertools.combinations(members, 2):
            ids = frozenset((a.id, b.id))
            if ids in seen:
                continue
            seen.add(ids)
            reasons = match(a, b, region, shared=shared)
            if reasons:
                out.append(_pair(a, b, reasons))
    return sorted(out, key=lambda p: (p.keep.created_at, p.keep.id, p.other.id))


def pairs_with(
    contact: Contact, others: Iterable[Contact], region: str = "US"
) -> list[DuplicatePair]:
    """The likely duplicates of one contact among `others` (itself skipped)."""
    unique = {c.id: c for c in others if c.id != contact.id}
    shared = shared_lines([contact, *unique.values()], region)
    out = []
    for other in unique.values():
        reasons = match(contact, other, region, shared=shared)
        if reasons:
            out.append(_pair(contact, other, reasons))
    return out
