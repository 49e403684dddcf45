"""What a typed line means: the parser's answer, which the bot acts on without second-guessing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from contacts.model import SearchCriteria

# search / create / update: a contacts job. yes / no: an answer to the waiting confirmation.
# help: asked for help (or how to use the bot). hello / thanks: small talk. unsupported: a job
# this bot does not do, or a question that is not about contacts (`topic` says which).
# history: a contact's change history (`target`). duplicates: likely duplicates of a contact
# (`target` an email), at a company (`target`), or of the user's own contacts (`mine`).
# unknown: nothing understood.
Kind = Literal[
    "search",
    "create",
    "update",
    "yes",
    "no",
    "help",
    "hello",
    "thanks",
    "unsupported",
    "history",
    "duplicates",
    "unknown",
]


@dataclass(frozen=True)
class Command:
    kind: Kind
    criteria: SearchCriteria | None = None  # search
    # create: the new contact; update: the new values. As typed: normalise before use.
    properties: dict[str, str] = field(default_factory=dict)
    target: str = ""  # update, history: an email, an id (digits only) or a name; duplicates
    # an email or a company
    language: str = "en"  # "ko" when the text has Hangul
    # create: True when the line leaves nothing to guess (an email, a clear name, every word
    # placed), so the contact may be written at once; otherwise the prefilled form asks first.
    certain: bool = False
    topic: str = ""  # unsupported: delete | merge | export | email | deals | notes | off_topic
    mine: bool = False  # search, duplicates: only the user's own contacts ("내 연락처")
    # create: the values the parser is not sure of, field -> reason (`DOUBTS`); "*" is the
    # whole line (a pasted block). A create with a doubt is never `certain`: the form names each.
    doubts: dict[str, str] = field(default_factory=dict)


# Why a typed create value is doubtful: invalid_email ("tom@bad"), invalid_phone ("12-34"),
# unsure_name (a title or a company may be in it), unsure_phone (which of two numbers),
# unsure_company (words the parser could not place), pasted (a multi-line paste: a signature?).
DOUBTS = (
    "invalid_email",
    "invalid_phone",
    "unsure_name",
    "unsure_phone",
    "unsure_company",
    "pasted",
)
