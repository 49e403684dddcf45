"""Paste to capture, the chat side: a pasted block, vCard or list becomes a preview, never a write.

Why always a preview: a signature read wrong ("Best regards" as the name, the whole signature
as the company) written at once is worse than no contact. So one person's paste comes back as
the create form, prefilled, with a line naming what was read and what the reader doubted; if
the email is already in HubSpot, it comes back as that contact's update (old -> new, Confirm,
flows/confirm.py). Several people (a list, several vCards) go to flows/paste_list.py.

What counts as a paste (`is_paste`): a message of several lines, or a vCard. A line after
"add" / "새 연락처" / "등록" is the paste with that word left off (`without_command`).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping, Sequence
from typing import Any

import capture
import cards
from cards import text
from cards.lifecycle import CardKind
from cards.paste import doubts_text, paste_text, read_fields_text
from contacts.errors import ContactsError, InvalidContact
from contacts.korean import has_hangul
from contacts.model import Contact
from contacts.service import ContactsService
from flows.confirm import Confirmations
from flows.paste_list import PasteLists
from flows.turn import Turn

# The fields the create form shows (cards.CREATE_FIELDS and a mobile number when read).
FORM_FIELDS = ("firstname", "lastname", "email", "mobilephone", "phone", "company", "jobtitle")
VCARD_TYPES = frozenset({"text/vcard", "text/x-vcard", "text/directory"})
# A pasted list of 200 rows (capture.MAX_ROWS) is some 30,000 characters; a typed line is
# held to MAX_MESSAGE_CHARS, a paste to this.
MAX_PASTE_CHARS = 100_000
MAX_ATTACHMENT_CHARS = 200_000  # 200 vCards with photos are more; their text without is less
_THREAD_AT = 2_000  # a paste longer than this is read off the event loop
_COMMAND = re.compile(
    r"^\s*(?:add(?:\s+(?:a\s+)?(?:new\s+)?contact)?|create(?:\s+(?:a\s+)?contact)?|new\s+contact"
    r"|새\s*연락처(?:\s*(?:추가|등록))?|연락처\s*(?:추가|등록)|등록|추가)(?:\s*[:：\-]\s*|\s+|$)",
    re.IGNORECASE,
)
_KOREAN_COMMAND = re.compile(r"^\s*(?:새\s*연락처|연락처\s*(?:추가|등록)|등록|추가)")


def is_paste(message: str) -> bool:
    lines = [line for line in message.splitlines() if line.strip()]
    return len(lines) >= 2 or "BEGIN:VCARD" in message[:2_000].upper()


def without_command(message: str) -> str:
    """The paste itself: a leading "add" / "새 연락처" on its first line is left off."""
    first, _, rest = message.lstrip().partition("\n")
    match = _COMMAND.match(first)
    if match is None:
        return message
    return (first[match.end() :] + "\n" + rest).strip()


def vcard_texts(attachments: Sequence[Mapping[str, Any]]) -> str:
    """The vCards sent as files (inline content), one text; '' when none."""
    found = [
        item["content"][:MAX_ATTACHMENT_CHARS]
        for item in attachments
        if _is_vcard(item) and isinstance(item.get("content"), str) and item["content"]
    ]
    return "\n".join(found)[:MAX_ATTACHMENT_CHARS]


def _is_vcard(item: Mapping[str, Any]) -> bool:
    kind = str(item.get("contentType") or "").lower().split(";")[0].strip()
    return kind in VCARD_TYPES or str(item.get("name") or "").lower().endswith(".vcf")


class PasteFlow:
    def __init__(
        self, *, contacts: ContactsService, confirmations: Confirmations, lists: PasteLists
    ) -> None:
        self._contacts = contacts
        self._confirmations = confirmations
        self.lists = lists

    async def paste(self, turn: Turn, message: str) -> None:
        """A pasted block, vCards or a list typed as a message (or after "add")."""
        if _KOREAN_COMMAND.match(message) or (not turn.lang and has_hangul(message[:500])):
            turn.lang = "ko"
        await self._read(turn, without_command(message))

    async def attached(self, turn: Turn) -> bool:
        """vCard files sent with the message: previewed like a pasted vCard. False: none."""
        vcards = vcard_texts(turn.attachments)
        if not vcards:
            if any(_is_vcard(item) for item in turn.attachments):  # only a link to the file
                await turn.say(paste_text(turn.lang, "vcard_link"))
                return True
            return False
        await self._read(turn, vcards)
        return True

    async def _read(self, turn: Turn, pasted: str) -> None:
        if len(pasted) > _THREAD_AT:
            read = await asyncio.to_thread(capture.read, pasted, turn.region)
        else:
            read = capture.read(pasted, turn.region)
        if read.table is not None:
            await self.lists.preview_table(turn, read.table)
        elif len(read.drafts) > 1:
            await self.lists.preview_drafts(turn, read.drafts)
        elif read.drafts:
            await self.one(turn, read.drafts[0])
        else:
            await turn.say(
                text(turn.lang, "not_understood"), cards.menu_card(turn.lang, turn.nonce)
            )

    async def one(self, turn: Turn, draft: capture.ContactDraft) -> None:
        """One person: the prefilled create form, or the update of the contact with the email."""
        values = {k: v for k, v in draft.properties().items() if k in FORM_FIELDS}
        email = draft.get("email")
        existing: Contact | None = None
        if email:
            try:
                existing = await self._contacts.find_by_email(email)
            except InvalidContact:
                existing = None  # not an address: the form names it
            except ContactsError as exc:
                await turn.failed(exc)
                return
        if existing is not None:
            await self._update(turn, existing, values)
            return
        read = [name for name in FORM_FIELDS if name in values]
        doubts = [(d.field, d.reason, d.value) for d in draft.doubts]
        problems = self._contacts.problems(values, region=turn.region)
        said = " ".join(
            s for s in (doubts_text(turn.lang, doubts), cards.errors_text(turn.lang, problems)) if s
        )
        # The form says what was read (its intro) and what was doubted (its error line); the
        # line above it only that nothing is saved yet.
        intro = read_fields_text(turn.lang, read)
        await turn.say(
            text(turn.lang, "create_check"),
            cards.create_form(turn.lang, turn.nonce, values, said or None, intro=intro),
            kind=CardKind.CREATE,
        )

    async def _update(self, turn: Turn, contact: Contact, values: Mapping[str, str]) -> None:
        """The email is taken: what the paste would change on that contact, old -> new, for
        Confirm. Values HubSpot would refuse are left out (the rest is still worth a look)."""
        changes = {k: v for k, v in values.items() if k != "email"}
        bad = {p.field for p in self._contacts.problems(changes, region=turn.region)}
        changes = {k: v for k, v in changes.items() if k not in bad}
        name = contact.display_name
        turn.data.remember_ids([contact.id])
        turn.data.focus_on([contact.id])
        try:
            pending = await self._contacts.plan_update(contact.id, changes, region=turn.region)
        except InvalidContact:
            await turn.say(
                paste_text(turn.lang, "existing_same", email=contact.email, name=name),
                cards.contact_card(turn.lang, turn.nonce, contact, "found"),
            )
            return
        except ContactsError as exc:
            await turn.failed(exc)
            return
        intro = paste_text(turn.lang, "existing", email=contact.email, name=name)
        await self._confirmations.ask_confirm(turn, pending, intro, contact=contact)
