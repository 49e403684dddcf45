"""A typed line as tokens: quoted values, record ids, emails, domains and phone numbers first,
then words (unspaced Korean runs split by `typed.korean.segment`).

Every token keeps where it stands in the line, so a value is cut out of the line as typed
(`line[first.start:last.vend]`): punctuation inside a value ("Acme (Korea)", "O'Neil's",
"Acme, Inc.") is never lost. What is taken off is only what separates: a comma or semicolon
between groups, a question mark, the full stop that ends the line, a Korean particle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from contacts.korean import has_hangul
from typed.korean import segment, split_particle
from typed.words import ABBREVIATIONS, COMPANY_SUFFIXES

_QUOTED = re.compile(r'"([^"]*)"|“([^”]*)”|「([^」]*)」|«([^»]*)»')
_ID = re.compile(r"(?<![\w#])#(\d{1,20})\b|\bid\s*[:#]?\s*(\d{1,20})\b", re.IGNORECASE)
_EMAIL = re.compile(
    r"(?<![\w.%+'\-])[A-Za-z0-9._%+'\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
)
_DOMAIN = re.compile(r"(?<!\S)@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_POSSESSIVE = re.compile(r"(?<=\w)['’]s$")
_EDGE = ",.;:!?\"'()[]{}<>“”‘’「」~*"


@dataclass
class Tok:
    kind: str  # "word" | "quoted" | "email" | "phone" | "id" | "domain"
    start: int  # where the token starts in the line
    vend: int  # where its value ends: without separators or a Korean particle
    text: str  # as typed, separators off (particle kept)
    key: str  # lower-case, edge punctuation, possessive and Korean particle off: matched
    bare: str  # as typed, edge punctuation and possessive off (particle kept): names
    stem: str = ""  # `bare` without its Korean particle
    particle: str = ""  # the Korean particle taken off `key`
    sep: bool = False  # a comma or semicolon after it ends a group ("Jane Roe, Acme, CTO")


def _entity(kind: str, start: int, end: int, text: str) -> Tok:
    return Tok(kind, start, end, text, text.lower(), text, text)


def tokenize(line: str, language: str) -> list[Tok]:
    spans: list[tuple[int, int, Tok]] = []

    def free(start: int, end: int) -> bool:
        return not any(start < e and s < end for s, e, _ in spans)

    for m in _QUOTED.finditer(line):
        inner = next(g for g in m.groups() if g is not None)
        start = m.start() + 1
        tok = Tok("quoted", start, start + len(inner), inner, inner.lower().strip(), inner, inner)
        spans.append((m.start(), m.end(), tok))
    for m in _ID.finditer(line):
        if free(m.start(), m.end()):
            digits = m.group(1) or m.group(2)
            spans.append((m.start(), m.end(), _entity("id", m.start(), m.end(), digits)))
    for m in _EMAIL.finditer(line):
        if free(m.start(), m.end()) and _is_email(m.group()):
            spans.append((m.start(), m.end(), _entity("email", m.start(), m.end(), m.group())))
    for m in _DOMAIN.finditer(line):
        if free(m.start(), m.end()):
            spans.append((m.start(), m.end(), _entity("domain", m.start(), m.end(), m.group())))
    for region in ("KR", "US") if language == "ko" else ("US", "KR"):
        masked = _mask(line, spans)
        for found in phonenumbers.PhoneNumberMatcher(
            masked, region, leniency=phonenumbers.Leniency.POSSIBLE
        ):
            s, e = found.start, found.end
            if free(s, e) and _stands_alone(line, s, e):
                spans.append((s, e, _entity("phone", s, e, found.raw_string)))
    spans.sort(key=lambda span: span[0])
    tokens: list[Tok] = []
    position = 0
    for start, end, tok in spans:
        _mark_separator(line, tokens, position, start)
        tokens += _words(line, position, start)
        tokens.append(tok)
        position = end
    _mark_separator(line, tokens, position, len(line))
    tokens += _words(line, position, len(line))
    _join_company_suffixes(tokens)
    return tokens


def _words(line: str, start: int, end: int) -> list[Tok]:
    out: list[Tok] = []
    for m in re.finditer(r"\S+", line[start:end]):
        chunk_start = start + m.start()
        chunk = m.group()
        pieces = segment(chunk) if has_hangul(chunk) else [(0, len(chunk))]
        for a, b in pieces:
            tok = _word(line, chunk_start + a, chunk_start + b)
            if tok is None:
                if out and line[chunk_start + a : chunk_start + b].strip(_EDGE) == "":
                    out[-1].sep = out[-1].sep or "," in line[chunk_start + a : chunk_start + b]
                continue
            out.append(tok)
    return out


def _word(line: str, start: int, end: int) -> Tok | None:
    core_end = end
    sep = False
    # Separators off the end: a comma or semicolon between groups, a question mark, a colon
    # ("contact:"), and the full stop or "!" that ends the line (not "Inc." or "Jr.").
    while core_end > start and line[core_end - 1] in ",;?:~!.":
        ch = line[core_end - 1]
        word_before = line[start : core_end - 1].strip(_EDGE).lower()
        if ch == "." and (word_before in ABBREVIATIONS or len(word_before) == 1):
            break
        if ch in ".!" and line[end:].strip():
            break  # a dot or "!" inside the line belongs to the word ("Yahoo!", "St.Louis")
        sep = sep or ch in ",;"
        core_end -= 1
    text = line[start:core_end]
    bare = _POSSESSIVE.sub("", text.strip(_EDGE))
    stem, particle = split_particle(bare)
    if not bare or (not stem and particle != "이"):
        return None  # punctuation, or a particle left over from "010-9876-5432로"
    vstem, vparticle = split_particle(bare, value=True)
    vend = core_end
    if vparticle and text.endswith(vparticle):
        vend = core_end - len(vparticle)
    key = (stem or bare).lower()
    return Tok("word", start, vend, text, key, bare, stem or bare, particle, sep)


def _mark_separator(line: str, tokens: list[Tok], start: int, end: int) -> None:
    """A comma right after an email or a phone number ("jane@acme.com, Acme") ends its group."""
    if tokens and tokens[-1].kind != "word" and line[start:end].lstrip().startswith((",", ";")):
        tokens[-1].sep = True


def _join_company_suffixes(tokens: list[Tok]) -> None:
    """ "Acme, Inc.": the comma is part of the company's name, not a separator."""
    for before, after in zip(tokens, tokens[1:], strict=False):
        if before.sep and after.kind == "word" and after.key.rstrip(".") in COMPANY_SUFFIXES:
            before.sep = False


def _stands_alone(line: str, start: int, end: int) -> bool:
    """A number found inside a word ("000:A", "x1-800") is part of that word, not a phone
    number; one followed by a Korean particle ("010-1234-5678로") or a comma is not."""
    head = re.search(r"\S*\Z", line[:start])  # \Z: "$" would match before a line break
    tail = re.match(r"\S*", line[end:])
    before = head.group() if head else ""
    after = tail.group() if tail else ""
    return before.strip("(\"'“[<") == "" and (
        after.strip(",;.?!)\"'”]>") == "" or has_hangul(after[:1])
    )


def _is_email(candidate: str) -> bool:
    """Shaped like an address. A reserved domain (`.test`) is still an email here, so the create
    names it as the bad value instead of the parser folding it into the last name."""
    try:
        validate_email(candidate, check_deliverability=False, test_environment=True)
    except EmailNotValidError:
        return False
    return True


def _mask(text: str, spans: list[tuple[int, int, Tok]]) -> str:
    chars = list(text)
    for start, end, _ in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)
