"""No guessing a contact: when several contacts match, the user chooses, never the model alone.

A small model asked "set Omar's title to Lead" finds two Omars and updates the first. So the
contacts shown together as several matches are remembered as a group: the results of a search
this turn, and the conversation's focus from earlier turns (a list shown before, "which one?").
An update on a member of a group is prepared only when the user's own words of this turn tell it
apart from the others (an email, a phone, a company, a last name or a full name only it has:
"the one at Globex", "Omar Haddad"); otherwise the tool refuses it back to the model as
`ambiguous`, and the bot shows the group as a choice, the asked-for values waiting for the pick.
A contact the user picked on a card is the focus alone, so it is never ambiguous.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from contacts.model import Contact

_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
# Values that can tell one contact from another, as the user would name them.
_TELLING = ("email", "company", "lastname", "firstname", "jobtitle", "city")
_PHONES = ("phone", "mobilephone")


def _compact(text: str) -> str:
    return _NOT_WORD.sub("", text.casefold())


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _marks(contact: Contact) -> set[str]:
    """What the user could name this contact by (compacted): its telling values, full name."""
    marks = {_compact(contact.get(f)) for f in _TELLING}
    marks.add(_compact(contact.full_name))
    marks |= {_digits(contact.get(f))[-7:] for f in _PHONES}
    return {m for m in marks if len(m) >= 2}


def told_apart(target: Contact, rivals: Sequence[Contact], words: str) -> bool:
    """Do the user's `words` name something only `target` has (among it and its rivals)?"""
    said, digits = _compact(words), _digits(words)
    theirs: set[str] = set().union(*(_marks(r) for r in rivals)) if rivals else set()
    for mark in _marks(target) - theirs:
        if mark.isdigit() and len(mark) >= 7 and mark in digits:
            return True
        if not mark.isdigit() and mark in said and not any(mark in t for t in theirs):
            return True
    return False


class Candidates:
    """The groups of contacts shown together as several matches, in this turn and before it
    (`focus`: the conversation's contacts in focus, when there are several)."""

    def __init__(self, focus: Sequence[str] = ()) -> None:
        self._groups: list[list[str]] = [list(focus)] if len(focus) > 1 else []

    def add(self, contacts: Sequence[Contact]) -> None:
        """A search showed these: several are a group."""
        if len(contacts) > 1:
            self._groups.append([c.id for c in contacts])

    def rivals(self, contact_id: str) -> list[str]:
        """The other contacts shown together with `contact_id` (none when it was alone)."""
        out: list[str] = []
        for group in self._groups:
            if contact_id in group:
                out += [i for i in group if i != contact_id and i not in out]
        return out
