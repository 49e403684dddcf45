"""vCards (3.0 and 4.0, as phones and mail clients export them) -> ContactDrafts.

`vobject` reads the format; this module maps it onto HubSpot's fields: N (or FN when N is
empty) to the name, the preferred EMAIL first, TEL by its TYPE (cell -> mobilephone;
work / voice / main -> phone, a work number before a home one; fax and pager left out),
ORG's first part, TITLE, the first URL that is no social profile, and ADR's locality and
country. PHOTO and everything else is not a contact field. Each card is read on its own, so
one broken card does not lose the others: it comes back as an empty draft with an
`unreadable` doubt, keeping the count of cards the user pasted.
"""

from __future__ import annotations

import re
from typing import Any

import vobject

from capture.draft import ContactDraft, Doubt, DraftBuilder
from capture.labels import MOBILE, OFFICE, SOCIAL_DOMAINS
from capture.names import korean_name, western_name
from capture.phones import PhoneRead, normalise_number, put_phones
from contacts.errors import InvalidContact
from contacts.korean import has_hangul, split_korean_name
from contacts.validation import normalise_email

_CARD = re.compile(r"^BEGIN:VCARD\s*$.*?^END:VCARD\s*$", re.IGNORECASE | re.MULTILINE | re.DOTALL)
MAX_CARDS = 200  # as many as a pasted list's rows
_TEL_KINDS: dict[str, tuple[str | None, int]] = {
    "cell": (MOBILE, 0),
    "mobile": (MOBILE, 0),
    "iphone": (MOBILE, 0),
    "fax": (None, 0),
    "pager": (None, 0),
    "textphone": (None, 0),
    "work": (OFFICE, 1),
    "main": (OFFICE, 2),
    "home": (OFFICE, 3),
}


def read_vcards(text: str, region: str | None = None) -> list[ContactDraft]:
    """One draft per BEGIN:VCARD ... END:VCARD in `text`, in order; at most MAX_CARDS."""
    drafts: list[ContactDraft] = []
    for match in _CARD.finditer(text.replace("\r\n", "\n")):
        if len(drafts) == MAX_CARDS:
            break
        try:
            card = vobject.readOne(match.group(0))
        except Exception:  # vobject raises ParseError and plain ValueErrors alike
            drafts.append(ContactDraft(doubts=(Doubt("*", "unreadable"),)))
            continue
        drafts.append(_draft(card, region or _region_of(card)))
    return drafts


def _region_of(card: Any) -> str | None:
    """KR for a card whose name or company is written in Hangul (decoded: a 2.1 card's
    quoted-printable N is bytes until vobject reads it)."""
    written = " ".join(
        str(child.value) for key in ("n", "fn", "org") for child in _children(card, key)
    )
    return "KR" if has_hangul(written) else None


def _draft(card: Any, region: str | None) -> ContactDraft:
    draft = DraftBuilder()
    _put_name(draft, card)
    emails = sorted(_children(card, "email"), key=lambda e: not _preferred(e))
    for email in emails:
        try:
            draft.add_email(normalise_email(str(email.value)), f"EMAIL:{email.value}")
        except InvalidContact:
            draft.doubt("email", "invalid_email", str(email.value))
    phones: list[tuple[PhoneRead, str]] = []
    for tel in _children(card, "tel"):
        written = re.sub(r"^tel:", "", str(tel.value).strip(), flags=re.IGNORECASE)
        value, problem, shape = normalise_number(written, region)
        prop, rank = _tel_kind(tel, shape)
        phones.append((PhoneRead(prop, rank, value, problem, False, 0, 0), f"TEL:{tel.value}"))
    put_phones(draft, phones)
    org = _children(card, "org")
    if org:
        parts = org[0].value if isinstance(org[0].value, list) else [org[0].value]
        draft.put("company", str(parts[0]) if parts else "", f"ORG:{';'.join(map(str, parts))}")
    for key in ("title", "role"):
        for child in _children(card, key):
            draft.put("jobtitle", str(child.value), f"{key.upper()}:{child.value}")
    for url in _children(card, "url"):
        written = str(url.value).strip()
        if not any(domain in written.lower() for domain in SOCIAL_DOMAINS):
            draft.put("website", written, f"URL:{written}")
    for adr in _children(card, "adr"):
        address = adr.value
        source = f"ADR:{str(address).replace(chr(10), ', ')}"
        draft.put("city", str(getattr(address, "city", "") or ""), source)
        draft.put("country", str(getattr(address, "country", "") or ""), source)
    return draft.build()


def _put_name(draft: DraftBuilder, card: Any) -> None:
    names = _children(card, "n")
    if names:
        n = names[0].value
        family, given = _joined(n.family), _joined(n.given)
        additional = _joined(n.additional)
        source = f"N:{family};{given};{additional}"
        if family and not given and has_hangul(family):
            family, given = split_korean_name(family.replace(" ", ""))
        if given or family:
            draft.put("firstname", " ".join(p for p in (given, additional) if p), source)
            draft.put("lastname", family, source)
            return
    full = _children(card, "fn")
    if full:
        written = str(full[0].value).strip()
        name = korean_name(written.replace(" ", "")) or western_name(written)
        if name is not None:
            draft.put("firstname", name[0], f"FN:{written}")
            draft.put("lastname", name[1], f"FN:{written}")


def _joined(part: object) -> str:
    if isinstance(part, list):
        return " ".join(str(p).strip() for p in part if str(p).strip())
    return str(part or "").strip()


def _children(card: Any, name: str) -> list[Any]:
    return list(card.contents.get(name, []))


def _types(child: Any) -> set[str]:
    """TYPE=work,voice (3.0), TYPE="cell,voice" (4.0) and bare ;CELL;WORK (2.1)."""
    params: dict[str, list[str]] = child.params
    found: set[str] = {str(p).lower() for p in getattr(child, "singletonparams", [])}
    for value in params.get("TYPE", []):
        found.update(v.strip().strip('"').lower() for v in value.split(","))
    return found


def _preferred(child: Any) -> bool:
    return "pref" in _types(child) or "1" in child.params.get("PREF", [])


def _tel_kind(tel: Any, shape: str) -> tuple[str | None, int]:
    """A fax is a fax even when it is a work one (TYPE=work,fax); a number with no kind goes
    by its shape (a Korean 010 is a mobile)."""
    kinds = _types(tel)
    for kind in ("fax", "pager", "textphone", "cell", "mobile", "iphone", "work", "main", "home"):
        if kind in kinds:
            return _TEL_KINDS[kind]
    return (MOBILE, 0) if shape == "mobile" else (OFFICE, 1)
