"""What a typed line means: the parser's answer, which the bot acts on without second-guessing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from contacts.model import SearchCriteria

# search / create / update: a contacts job. yes / no: an answer to the waiting confirmation.
# help: asked for help. hello / thanks: small talk. unsupported: a job this bot does not do
# (`topic` says which). history: a contact's change history (`target`). unknown: nothing
# understood.
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
    "unknown",
]


@dataclass(frozen=True)
class Command:
    kind: Kind
    criteria: SearchCriteria | None = None  # search
    # create: the new contact; update: the new values. As typed: normalise before use.
    properties: dict[str, str] = field(default_factory=dict)
    target: str = ""  # update, history: an email, an id (digits only) or a name
    language: str = "en"  # "ko" when the text has Hangul
    # create: True when the line leaves nothing to guess (an email, a clear name, every word
    # placed), so the contact may be written at once; otherwise the prefilled form asks first.
    certain: bool = False
    topic: str = ""  # unsupported: delete | merge | export | email | deals | notes
    mine: bool = False  # search: only the user's own contacts ("my contacts", "내 연락처")
