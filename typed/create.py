"""Reading a typed create: the new contact's values, and the ones the parser is not sure of.

Why doubts instead of guesses: a create writes at once, so it may only when every value is
certain (a clean name, a valid email, one phone number, a company no other words were folded
into). Anything else is named in `doubts` (field -> reason, `typed.command.DOUBTS`) and the
bot shows the create form filled in as read, each doubtful value named, nothing written.
"Tom Bad tom@bad" is a name and a broken email, not the last name "Bad tom@bad"; "VP Sales at
Globex" is a job title at a company; a pasted signature is never written without a look.
"""

from __future__ import annotations

import re

import phonenumbers

from contacts.korean import COMPOUND_FAMILY_NAMES, has_hangul, is_hangul
from contacts.korean_names import FAMILY_NAMES, is_common_given_name
from typed.slots import (
    FIELDS,
    Reading,
    meaningful,
    name_word,
    put_value,
    read,
    split_name,
    value_of,
)
from typed.tokens import Tok
from typed.words import COMPANY_SUFFIXES, KO_TITLES, NOT_NAMES, SIGN_OFFS, TITLE_WORDS

_BARS = frozenset({"|", "·", "•", "/", "-", "–", "—"})  # between values on a signature line
_PHONE_LIKE = re.compile(r"^[+(]?\d[\d\s().\-]*$")


def read_create(line: str, tokens: list[Tok]) -> tuple[dict[str, str], dict[str, str]]:
    """The new contact as typed, and its doubtful values (empty when it may be written)."""
    pasted = sum(1 for part in line.splitlines() if part.strip()) > 1
    if pasted:
        tokens = _signature_lines(line, tokens)
    r = read(line, tokens, FIELDS, "create")
    props: dict[str, str] = {}
    doubts: dict[str, str] = {"*": "pasted"} if pasted else {}
    for prop, toks in r.values:
        put_value(props, prop, value_of(line, toks))
    _entities(r, props, doubts)
    groups = [g for g in (meaningful(g) for g in r.groups) if g]
    _broken_values(groups, props, doubts)
    groups = [g for g in groups if g]
    if "jobtitle" not in props:  # "한빛소프트 과장", "김민수 과장": a Korean job title
        for group in groups:
            title = next((t for t in group if t.key in KO_TITLES), None)
            if title is not None and (len(group) > 1 or group is not groups[0]):
                props["jobtitle"] = value_of(line, [title])
                group.remove(title)
                break
        groups = [g for g in groups if g]
    if groups and "firstname" not in props and "lastname" not in props:
        name = groups.pop(0)
        at = _at(name)
        if at is not None:  # "Kevin Park VP Sales at Globex": name, title, company
            groups.insert(0, name[at + 1 :])
            name = name[:at]
            cut = next((k for k, t in enumerate(name) if k and t.key in TITLE_WORDS), len(name))
            if cut < len(name):
                groups.insert(0, name[cut:])
                name = name[:cut]
        if name:
            _name(name, props, doubts)
    _title_and_company(line, groups, props, doubts)
    return props, doubts


def _signature_lines(line: str, tokens: list[Tok]) -> list[Tok]:
    """A paste: each line ends a group, and sign-off lines ("Best regards") are dropped."""
    dropped: list[tuple[int, int]] = []
    position = 0
    for part in line.splitlines(keepends=True):
        if part.strip().strip(",.!-").lower() in SIGN_OFFS:
            dropped.append((position, position + len(part)))
        position += len(part)
    kept: list[Tok] = []
    for tok in tokens:
        if any(a <= tok.start < b for a, b in dropped):
            continue
        if tok.kind == "word" and (tok.text in _BARS or tok.key in SIGN_OFFS):
            if kept:  # "CTO | Acme Corp": a bar between values; "김민수 드림": a sign-off
                kept[-1].sep = True
            continue
        kept.append(tok)
    for tok, after in zip(kept, kept[1:], strict=False):
        if "\n" in line[tok.vend : after.start]:
            tok.sep = True
    return kept


def _entities(r: Reading, props: dict[str, str], doubts: dict[str, str]) -> None:
    emails = [t.text for t in r.entities if t.kind == "email"]
    if emails and "email" not in props:
        props["email"] = emails[0]
    phones = [t.text for t in r.entities if t.kind == "phone"]
    for slot in ("phone", "mobilephone"):
        if phones and slot not in props:
            props[slot] = phones.pop(0)
            if not _dialable(props[slot]):
                doubts[slot] = "invalid_phone"  # "12-34": digits, not a number to call
            elif slot == "mobilephone":  # two numbers, no word saying which is which
                doubts.setdefault("phone", "unsure_phone")
                doubts["mobilephone"] = "unsure_phone"


def _dialable(number: str) -> bool:
    """A valid number written with its country code, or as a Korean or a US one."""
    for region in ("KR", "US"):
        try:
            if phonenumbers.is_valid_number(phonenumbers.parse(number, region)):
                return True
        except phonenumbers.NumberParseException:
            continue
    return False


def _broken_values(groups: list[list[Tok]], props: dict[str, str], doubts: dict[str, str]) -> None:
    """ "tom@bad", "12-34": an email or a phone number typed wrong is that field's value,
    named as doubtful, not a word of the name or the company."""
    for group in groups:
        for tok in list(group):
            if tok.kind != "word":
                continue
            if "@" in tok.bare:
                field, reason = "email", "invalid_email"
            elif _broken(tok):
                field, reason = "phone", "invalid_phone"
            else:
                continue
            if field not in props:  # a second one stays where it stands, and is doubted there
                group.remove(tok)
                props[field] = tok.bare
                doubts[field] = reason


def _broken(tok: Tok) -> bool:
    """An email or a phone number the tokenizer could not read as one ("tom@bad", "12-34")."""
    digits = sum(c.isdigit() for c in tok.bare)
    return tok.kind == "word" and (
        "@" in tok.bare or bool(_PHONE_LIKE.match(tok.bare)) and digits >= 2
    )


def _at(group: list[Tok]) -> int | None:
    """Where "at" stands between a job title and a company ("VP Sales at Globex")."""
    for k, tok in enumerate(group):
        if tok.kind == "word" and tok.text == "at" and 0 < k < len(group) - 1:
            return k
    return None


def _name(name: list[Tok], props: dict[str, str], doubts: dict[str, str]) -> None:
    words = [name_word(t) for t in name]
    if len(words) == 1 and len(words[0]) == 2 and is_common_given_name(words[0]):
        props["firstname"] = words[0]  # "지우": a given name alone (or 지 + 우? the form asks)
        if words[0][:1] in FAMILY_NAMES:
            doubts["name"] = "unsure_name"
        return
    if len(words) == 1 and has_hangul(words[0]) and not _korean_name(words[0]):
        props["firstname"] = words[0]  # "카카오 biz@kakao.com": a company? not 카 + 카오
        doubts["name"] = "unsure_name"
        return
    props.update(split_name(words))
    if (
        len(words) > 3
        or any(t.key in NOT_NAMES for t in name)  # "add Sales Lead Ann ...": a title
        or any(not c.isalpha() and c not in "-'." for w in words for c in w)
        or (len(words) == 1 and _two_readings(words[0]))  # 황보람: 황보 + 람, or 황 + 보람?
    ):
        doubts["name"] = "unsure_name"


def _two_readings(word: str) -> bool:
    """A 3-syllable name that starts with a two-syllable family name (황보, 선우, 남궁...) and
    also reads as a one-syllable family name and a common given name (황 + 보람, 선 + 우진)."""
    return (
        len(word) == 3
        and word[:2] in COMPOUND_FAMILY_NAMES
        and word[:1] in FAMILY_NAMES
        and is_common_given_name(word[1:])
    )


def _korean_name(word: str) -> bool:
    return is_hangul(word) and 2 <= len(word) <= 4 and FAMILY_NAMES & {word[:1], word[:2]} != set()


def _title_and_company(
    line: str, groups: list[list[Tok]], props: dict[str, str], doubts: dict[str, str]
) -> None:
    for k, group in enumerate(groups):
        if group[0].text in ("at", "from") and len(group) > 1 and "company" not in props:
            groups[k] = group = group[1:]  # "chris@marvel.com at Marvel": the company
        at = _at(group)
        if at is not None and "jobtitle" not in props and "company" not in props:
            props["jobtitle"] = value_of(line, group[:at])  # "VP Sales at Globex"
            props["company"] = value_of(line, group[at + 1 :])
            del groups[k]
            break
    if "jobtitle" not in props and len(groups) > 1:
        titled = [g for g in groups if any(t.key.strip("().,") in TITLE_WORDS for t in g)]
        if titled:
            props["jobtitle"] = value_of(line, titled[0])
            groups.remove(titled[0])
        elif (
            groups[-2][-1].sep
            and groups[-1][0].key.rstrip(".") not in COMPANY_SUFFIXES
            and not any(_broken(t) for t in groups[-1])
        ):
            props["jobtitle"] = value_of(line, groups.pop())  # "Jane Roe, jane@acme.com, Acme, CTO"
    if groups and "company" not in props:
        props["company"] = " ".join(value_of(line, g) for g in groups)
        if len(groups) > 1 or any(_broken(t) for g in groups for t in g):
            doubts["company"] = "unsure_company"  # words from several places, or a 2nd email
    elif groups:
        doubts["company"] = "unsure_company"  # words left over that nothing took
