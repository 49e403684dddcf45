"""Teams message extension: contacts searched from the compose box, and HubSpot record links
unfurled into contact cards. Both are invokes Teams waits about 5 s for, so the answer is
bounded by `answer_seconds` (HubSpot's calls get a deadline a little shorter), and a slow
HubSpot gets a clear message item, never a hang.

    composeExtension/query      value.parameters[0] the typed text (`initialRun` when the box
                                opens: the user's recently seen contacts); answers preview items,
                                each with the contact card (cards.shared) the user inserts
    composeExtension/queryLink  value.url a pasted link; a contact record of this account gives
                                its card, anything else `no_preview` (the link stays a link)

The access policy applies as for messages: a refused user gets a `message` result saying so.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.schema import Attachment
from botbuilder.schema.teams import (
    MessagingExtensionAttachment,
    MessagingExtensionResponse,
    MessagingExtensionResult,
)

import cards
from bots.access import AccessPolicy, user_id_of
from cards.render import printable
from cards.shared import contact_preview, extension_text, shared_contact_card
from contacts import deadline
from contacts.errors import ContactNotFound, ContactsError, InvalidContact
from contacts.model import Contact, SearchCriteria
from contacts.service import ContactsService
from flows.recent import RecentContacts, user_key

log = logging.getLogger(__name__)

QUERY = "composeExtension/query"
QUERY_LINK = "composeExtension/queryLink"
ANSWER_SECONDS = 4.0  # Teams gives up at 5 s; what is left is for the trip back
HUBSPOT_SHARE = 0.8  # of it, what HubSpot's calls may use (the rest: owners' names, the answer)
MAX_ITEMS = 10
_PHONE = re.compile(r"^\+?[\d\s().-]{6,}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ADAPTIVE = "application/vnd.microsoft.card.adaptive"
THUMBNAIL = "application/vnd.microsoft.card.thumbnail"


def criteria_for(query: str) -> SearchCriteria:
    """What one compose-box line means: a whole email, a phone number, else free text (HubSpot
    matches its words as prefixes of names, emails, companies: the box searches as one types)."""
    text = " ".join(query.split())
    if _EMAIL.match(text):
        return SearchCriteria(email=text)
    if _PHONE.match(text) and sum(c.isdigit() for c in text) >= 6:
        return SearchCriteria(phone=text)
    return SearchCriteria(text=text)


def _result(attachments: list[MessagingExtensionAttachment]) -> InvokeResponse:
    result = MessagingExtensionResult(
        type="result", attachment_layout="list", attachments=attachments
    )
    return InvokeResponse(status=200, body=MessagingExtensionResponse(compose_extension=result))


def no_preview() -> InvokeResponse:
    """The answer to a pasted link the bot has no card for: HTTP 200 with an empty response
    (`{}`, no `composeExtension`). Teams documents only `result` (with a card) and `auth` /
    `config` answers for link unfurling, no "no preview" result type; a `result` with an empty
    attachment list is not a documented way to decline (the Agents Playground's link dialog
    breaks on it), while an invoke acknowledged with nothing in it leaves the link as the
    user pasted it, as the Bot Framework SDK answers when a bot returns nothing."""
    return InvokeResponse(status=200, body=MessagingExtensionResponse())


def _message(text: str) -> InvokeResponse:
    result = MessagingExtensionResult(type="message", text=text)
    return InvokeResponse(status=200, body=MessagingExtensionResponse(compose_extension=result))


class MessageExtensions:
    """`handles(activity)` says whether an invoke is ours; `answer(turn_context)` answers it."""

    def __init__(
        self,
        *,
        contacts: ContactsService,
        recent: RecentContacts,
        policy: AccessPolicy,
        default_language: str = "en",
        answer_seconds: float = ANSWER_SECONDS,
    ) -> None:
        self._contacts = contacts
        self._recent = recent
        self._policy = policy
        self._default_language = default_language
        self.answer_seconds = answer_seconds

    @staticmethod
    def handles(activity: Any) -> bool:
        return getattr(activity, "name", None) in (QUERY, QUERY_LINK)

    async def saw(self, activity: Any, contact_ids: list[str]) -> None:
        """Contacts a chat turn showed this user (newest first): their recently seen list."""
        user = user_key(str(activity.channel_id or ""), user_id_of(activity))
        await self._recent.saw(user, contact_ids)

    async def answer(self, turn_context: TurnContext) -> InvokeResponse:
        activity = turn_context.activity
        lang = cards.language_for(_locale(activity), self._default_language)
        value = activity.value if isinstance(activity.value, dict) else {}
        access = self._policy.check(activity)
        if not access.allowed:
            log.info("message extension refused: %s", access.reason or "not allowed")
            if activity.name == QUERY_LINK:
                return no_preview()  # a pasted link simply stays a link
            return _message(cards.refusal_text(lang, access.reason))
        user = user_key(str(activity.channel_id or ""), user_id_of(activity))
        try:
            async with asyncio.timeout(self.answer_seconds):
                with deadline.action(self.answer_seconds * HUBSPOT_SHARE):
                    if activity.name == QUERY_LINK:
                        return await self._unfurl(lang, user, str(value.get("url") or ""))
                    if _skip(value) > 0:  # Teams asks for more as the list scrolls: all shown
                        return _result([])
                    return await self._search(lang, user, _query_text(value))
        except TimeoutError:
            log.info("message extension: HubSpot did not answer in %.1fs", self.answer_seconds)
            return no_preview() if activity.name == QUERY_LINK else _message(_slow(lang))

    async def _search(self, lang: str, user: str, query: str | None) -> InvokeResponse:
        if not query:
            ids = await self._recent.ids(user)
            if not ids:
                return _message(extension_text(lang, "type_to_search"))
            found = await self._read_many(ids)
        else:
            try:
                found = await self._find(query, lang)
            except InvalidContact:
                return _message(extension_text(lang, "no_matches", query=query))
            except ContactsError as exc:
                log.info("message extension search failed: %s", exc.code)
                return _message(cards.error_text(lang, exc))
            if not found:
                return _message(extension_text(lang, "no_matches", query=query))
            await self._recent.saw(user, [c.id for c in found[:3]])
        return _result(await self._items(lang, found))

    async def _find(self, query: str, lang: str) -> list[Contact]:
        criteria = criteria_for(query)
        region = "KR" if lang == "ko" else None
        page = await self._contacts.search(criteria, limit=MAX_ITEMS, region=region)
        if not page.results and criteria.text:  # "김민수": family and given name unspaced
            page = await self._contacts.search(
                SearchCriteria(name=criteria.text), limit=MAX_ITEMS, region=region
            )
        return page.results[:MAX_ITEMS]

    async def _read_many(self, ids: list[str]) -> list[Contact]:
        """The recent contacts that still exist, in the order they were seen; one that HubSpot
        cannot read now is left out rather than failing the list."""
        read = await asyncio.gather(*(self._contacts.get(i) for i in ids), return_exceptions=True)
        return [c for c in read if isinstance(c, Contact)]

    async def _unfurl(self, lang: str, user: str, url: str) -> InvokeResponse:
        links = self._contacts.links
        if links is None:
            return no_preview()
        await links.ready()
        contact_id = links.ours(url)
        if contact_id is None:  # another portal, not a contact record, or links unknown
            return no_preview()
        try:
            contact = await self._contacts.get(contact_id)
        except ContactNotFound:
            return no_preview()
        except ContactsError as exc:
            log.info("link not unfurled: %s", exc.code)
            return no_preview()
        await self._recent.saw(user, [contact.id])
        return _result(await self._items(lang, [contact]))

    async def _items(self, lang: str, found: list[Contact]) -> list[MessagingExtensionAttachment]:
        owners = await self._owner_names(found)
        return [
            MessagingExtensionAttachment(
                content_type=ADAPTIVE,
                content=printable(shared_contact_card(lang, c, owner=owners.get(c.owner_id, ""))),
                preview=Attachment(
                    content_type=THUMBNAIL, content=printable(contact_preview(lang, c))
                ),
            )
            for c in found
        ]

    async def _owner_names(self, found: list[Contact]) -> dict[str, str]:
        """Owners' names, each asked once (cached by the directory); one that HubSpot does not
        give in time is left off the card."""
        directory = self._contacts.owners
        ids = sorted({c.owner_id for c in found if c.owner_id})
        if directory is None or not ids:
            return {}
        names = await asyncio.gather(*(directory.name_of(i) for i in ids))
        return dict(zip(ids, names, strict=True))


def _slow(lang: str) -> str:
    return extension_text(lang, "slow")


def _query_text(value: dict[str, Any]) -> str | None:
    """The typed text; None for the box's first, empty run (`initialRun`) or an empty line."""
    for parameter in value.get("parameters") or []:
        if not isinstance(parameter, dict):
            continue
        if parameter.get("name") == "initialRun":
            return None
        text = str(parameter.get("value") or "").strip()
        if text:
            return text[:200]
    return None


def _skip(value: dict[str, Any]) -> int:
    options = value.get("queryOptions")
    try:
        return int(options.get("skip") or 0) if isinstance(options, dict) else 0
    except (TypeError, ValueError):
        return 0


def _locale(activity: Any) -> str:
    if activity.locale:
        return str(activity.locale)
    for entity in activity.entities or ():
        props = dict(getattr(entity, "additional_properties", None) or {})
        if str(getattr(entity, "type", "") or "").lower() == "clientinfo" and props.get("locale"):
            return str(props["locale"])
    return ""
