"""Questions, told apart before a line is read as a search: how to use the bot (the help card)
and questions that are not about contacts (a short "I only manage contacts").

Why before the search: a question's nouns are not contacts. "what's the weather in Seoul?"
searched for contacts in Seoul; "연락처 어떻게 추가해?" opened a create form for a contact
named 어떻게. A how-to question gets the help card (or, for a job this bot does not do, the
answer saying so); a question with no contact in it gets one line, never a search.
"""

from __future__ import annotations

import re

from typed.korean import is_common_name
from typed.slots import FIELDS, phrase_at
from typed.tokens import Tok
from typed.words import (
    CONTACT_NOUNS,
    HOW_TO_EN,
    HOW_TO_KO,
    HOW_TO_KO_CAN,
    OFF_TOPIC_EN,
    OFF_TOPIC_KO,
    OFF_TOPIC_KO_STEMS,
    OFF_TOPIC_OPENERS,
)

_LEAD = r"^(?:(?:hi|hey|hello|so|ok|okay|um|hmm|quick question|sorry)[,!.]?\s+)*"
_HOW_TO_EN = re.compile(
    _LEAD + r"(?:" + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in HOW_TO_EN) + r")\b"
)
_OPENER_EN = re.compile(
    _LEAD
    + r"(?:"
    + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in OFF_TOPIC_OPENERS)
    + r")\b"
)
_KO_HOW = re.compile("(?:" + "|".join(map(re.escape, HOW_TO_KO)) + r")(?!\s*(?:돼|되))")
_KO_CAN = re.compile("|".join(re.escape(p).replace(r"\ ", r"\s*") for p in HOW_TO_KO_CAN))


def question(line: str, tokens: list[Tok]) -> str:
    """ "help" for a how-to question about the bot, "off_topic" for a question (or request)
    that is not about contacts, "" for anything else."""
    text = " ".join(line.lower().split())
    if _HOW_TO_EN.match(text.replace("’", "'")) or _KO_HOW.search(text) or _KO_CAN.search(text):
        return "help"
    if _about_contacts(tokens):
        return ""
    words = [t for t in tokens if t.kind == "word"]
    for k, tok in enumerate(words):
        lower = tok.text[:1].islower() or k == 0 or not tok.key.isascii()
        if lower and (tok.key in OFF_TOPIC_EN or tok.stem in OFF_TOPIC_KO):
            return "off_topic"
        if tok.stem.startswith(OFF_TOPIC_KO_STEMS) and not tok.key.isascii():
            return "off_topic"
    asks = text.endswith("?") or _OPENER_EN.match(text)
    if asks and _OPENER_EN.match(text) and not any(t.text[:1].isupper() for t in words[1:]):
        return "off_topic"  # "why is the sky blue?": no name, no company, no field
    return ""


def _about_contacts(tokens: list[Tok]) -> bool:
    """An email, a phone number, a record id, a field, a contact noun or a Korean name."""
    for i, tok in enumerate(tokens):
        if tok.kind != "word":
            if tok.kind != "quoted":
                return True
            continue
        if tok.key in CONTACT_NOUNS or phrase_at(tokens, i, FIELDS) or is_common_name(tok.text):
            return True
    return False
