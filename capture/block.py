"""A signature, a business card's text or any pasted block about one person -> a ContactDraft.

The reading goes from the surest to the least sure: the mail around the signature is cut
(clean.py); emails, links and phone numbers are found by their shape and cut out of their
lines (phones by their labels, phones.py); "Label: value" lines are taken at their word; the
rest is split into pieces, each claiming to be a name, a title, a company or an address
(pieces.py). The most likely name wins; a piece nobody claimed may be the company, and is taken
without a doubt only when it matches the email's domain ("Acme" and jane@acme.com).
"""

from __future__ import annotations

import re

from capture.clean import meaningful_lines
from capture.draft import ContactDraft, DraftBuilder
from capture.labels import FIELD_LABEL, FIELD_LABELS, SOCIAL_DOMAINS, WEB_TLDS, is_label
from capture.names import ROMAN_FAMILY, korean_name, western_name
from capture.phones import PhoneRead, find_phones, put_phones
from capture.pieces import Claim, claims_of
from capture.places import address_of
from contacts.errors import InvalidContact
from contacts.korean import has_hangul
from contacts.validation import normalise_email

# Bounded repeats only: a pasted megabyte of "1-1-1-" or "a.a.a." must cost linear time.
EMAIL = re.compile(
    r"(?:mailto:)?(?<![A-Za-z0-9._%+\-])"
    r"([A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){1,8})"
)
URL = re.compile(
    r"(?<![\w@.\-])((?:https?://)?[A-Za-z0-9][A-Za-z0-9.\-]{1,200}(?:/[^\s|,;<>]{0,300})?)"
)
MAX_CHARS = 20_000  # a signature with its disclaimer is a few thousand; the rest is not read
_SEPARATORS = re.compile(r"\s*[|│•·∙▪◦]\s*|\s+[-–—/]\s+|\t+|\s{3,}")
_HANDLE = re.compile(r"(?<![\w.])@[A-Za-z0-9_]{2,}")
FREE_MAIL = frozenset(
    "gmail googlemail naver daum hanmail kakao outlook hotmail live yahoo icloud me nate "
    "proton protonmail aol gmx".split()
)


def read_block(text: str, region: str | None = None) -> ContactDraft:
    """Read one person from `text`. `region` (ISO code, "KR", "US") reads local phone numbers;
    without it, a paste written in Korean is read as Korean and other local numbers are kept
    as written, with a doubt."""
    text = text[:MAX_CHARS]
    lines = meaningful_lines(text)
    region = (region or "").upper() or _region_of(text)
    draft = DraftBuilder()
    phones: list[tuple[PhoneRead, str]] = []
    websites: list[tuple[str, str]] = []
    pieces: list[tuple[str, str]] = []
    for line in lines:
        rest = _cut_emails(line, draft)
        rest = _cut_links(rest, line, websites)
        found = find_phones(rest, region)
        phones.extend((p, line) for p in found)
        for phone in reversed(found):
            rest = rest[: phone.start] + "  |  " + rest[phone.end :]
        pieces.extend((p, line) for p in split_pieces(rest))
    put_phones(draft, phones)
    _put_website(draft, websites)
    _read_pieces(draft, pieces)
    return draft.build()


def split_pieces(rest: str) -> list[str]:
    out = []
    for raw in _SEPARATORS.split(rest):
        piece = _trim_labels(raw.strip(' \t,;:|-–—/<>"“”[]【】'))
        if piece and any(ch.isalnum() for ch in piece):
            out.append(piece)
    return out


def _trim_labels(piece: str) -> str:
    """Labels whose value was cut out ("E:" before an email): an English one, or any with
    its colon; "대표" alone is a title, not the label of a number."""
    words = piece.split()
    while words and is_label(words[-1]) and (words[-1].isascii() or words[-1][-1:] in ":."):
        words.pop()
    while words and is_label(words[0]) and words[0][-1:] == ":":
        words.pop(0)
    return " ".join(words).strip(" ,;:|-")


def _cut_emails(line: str, draft: DraftBuilder) -> str:
    for match in EMAIL.finditer(line):
        try:
            draft.add_email(normalise_email(match.group(1).rstrip(".")), line)
        except InvalidContact:
            draft.doubt("email", "invalid_email", match.group(1))
    return EMAIL.sub("  |  ", line)


def _cut_links(rest: str, line: str, websites: list[tuple[str, str]]) -> str:
    rest = _HANDLE.sub(" ", rest)

    def cut(match: re.Match[str]) -> str:
        url = match.group(1)
        written = url.lower()
        labels = re.sub(r"^https?://", "", written).split("/")[0].rstrip(".").split(".")
        tld = labels[-1]
        if len(labels) < 2 or not all(labels) or not (tld.isalpha() and len(tld) >= 2):
            return match.group(0)
        if not (written.startswith(("http", "www.")) or tld in WEB_TLDS):
            return match.group(0)
        if not any(domain in written for domain in SOCIAL_DOMAINS):
            websites.append((url.rstrip("./"), line))
        return "  |  "

    return URL.sub(cut, rest)


def _put_website(draft: DraftBuilder, websites: list[tuple[str, str]]) -> None:
    if not websites:
        return
    own = domain_label(draft)
    chosen = next(((u, s) for u, s in websites if own and own in u.lower()), websites[0])
    draft.put("website", chosen[0], chosen[1])


def domain_label(draft: DraftBuilder | ContactDraft) -> str:
    """The company part of the email's domain ("acme" for jane@sales.acme.co.kr); '' for
    free mail such as gmail or naver."""
    email = draft.get("email") if isinstance(draft, ContactDraft) else draft.value("email")
    if "@" not in email:
        return ""
    labels = email.rsplit("@", 1)[1].split(".")
    while len(labels) > 1 and (labels[-1] in WEB_TLDS or len(labels[-1]) <= 2):
        labels.pop()
    label = labels[-1] if labels else ""
    return "" if label in FREE_MAIL else re.sub(r"[^a-z0-9]", "", label)


def _read_pieces(draft: DraftBuilder, pieces: list[tuple[str, str]]) -> None:
    unlabelled: list[tuple[str, str]] = []
    for piece, source in pieces:
        if not _labelled(draft, piece, source):
            unlabelled.append((piece, source))
    names: list[tuple[int, int, Claim, str]] = []
    leftovers: list[tuple[int, str, str]] = []
    first_line = pieces[0][1] if pieces else ""
    for order, (piece, source) in enumerate(unlabelled):
        first = order == 0 and source == first_line
        for claim in claims_of(piece, first=first):
            if claim.kind == "name":
                names.append((-claim.score, order, claim, source))
            elif claim.kind == "place":
                draft.put("city", claim.value, source)
                draft.put("country", claim.other, source)
            elif claim.kind == "leftover":
                leftovers.append((order, piece, source))
            else:
                draft.put(claim.kind, claim.value, source)
    own = domain_label(draft)
    for n in [n for n in names if _is_domain(f"{n[2].value}{n[2].other}", own)]:
        names.remove(n)
        leftovers.append((n[1], unlabelled[n[1]][0], n[3]))
    names.sort(key=lambda n: (n[0], n[1]))
    if names and not draft.has("firstname") and not draft.has("lastname"):
        _, _, best, source = _hangul_first(names)
        draft.put("firstname", best.value, source)
        draft.put("lastname", best.other, source)
        for _, order, claim, source in names[1:]:
            if claim.other and not has_hangul(claim.value):
                leftovers.append((order, unlabelled[order][0], source))
    _guess_company(draft, [(piece, source) for _, piece, source in sorted(leftovers)])


def _is_domain(text: str, own: str) -> bool:
    """ "FOURTH COFFEE" next to oliver@fourthcoffee.com is the company, not a person."""
    folded = re.sub(r"[^a-z0-9]", "", text.lower())
    return len(own) >= 4 and folded == own


def _hangul_first(names: list[tuple[int, int, Claim, str]]) -> tuple[int, int, Claim, str]:
    """The best name; but a romanised Korean name ("Lee Seung-gi") gives way to the Hangul one
    the same card writes ("이승기"): Korean users read and search names in Hangul."""
    best = names[0]
    if not has_hangul(best[2].value) and best[2].other.lower() in ROMAN_FAMILY:
        return next((n for n in names if has_hangul(n[2].value)), best)
    return best


def _labelled(draft: DraftBuilder, piece: str, source: str) -> bool:
    match = FIELD_LABEL.match(piece)
    if match is None or match.group(1).lower() not in FIELD_LABELS:
        return False
    field, value = FIELD_LABELS[match.group(1).lower()], piece[match.end() :].strip()
    if not has_hangul(match.group(1)) and piece[match.end(1) :].lstrip()[:1] not in (":", "."):
        return False  # "Location Services Manager": an English label needs its colon
    if not value:
        return True
    if field in ("email", "website"):
        return False  # their values were cut out already: "E. J. Smith" is a name
    if field == "name":
        name = korean_name(value) or western_name(value)
        if name is not None:
            draft.put("firstname", name[0], source)
            draft.put("lastname", name[1], source)
    elif field == "address":
        place = address_of(value)
        if place is None:
            return len(match.group(1)) > 1  # "A. Datum Corporation" is no address
        draft.put("city", place[0], source)
        draft.put("country", place[1], source)
    elif field in ("company", "jobtitle", "city", "country"):
        draft.put(field, value, source)
    return True


def _guess_company(draft: DraftBuilder, leftovers: list[tuple[str, str]]) -> None:
    if draft.has("company"):
        return
    own = domain_label(draft)
    candidates = [(p, s) for p, s in leftovers if len(p.split()) <= 5 and not p.endswith(".")]
    for piece, source in candidates:
        folded = re.sub(r"[^a-z0-9]", "", piece.lower())
        short = len(own) < 3  # "cj" of cj.net matches "CJ ENM" only at its start
        if own and folded and (folded.startswith(own) if short else own in folded or folded in own):
            draft.put("company", piece, source)
            return
    if candidates:
        draft.put("company", candidates[0][0], candidates[0][1])
        draft.doubt("company", "company_guessed", candidates[0][0])


def _region_of(text: str) -> str | None:
    if has_hangul(text) or re.search(r"\.kr\b|\bkorea\b", text, re.IGNORECASE):
        return "KR"
    if re.search(r"\b(usa|united states|[A-Z]{2} \d{5})\b", text):
        return "US"
    return None
