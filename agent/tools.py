"""Running the agent's three tools (agent/schemas.py: SearchContact, CreateContact, UpdateContact).

`ContactTools` runs one turn's tool calls against the shared `ContactsService`. What a tool
returns is always a compact JSON string for the model, including the errors it can act on:

    not_found       no contact with that id
    duplicate       a contact with that email exists ("existing" carries it)
    invalid         a value is not acceptable ("field" names it)
    bad_arguments   the call itself is malformed (unknown tool, bad JSON, wrong types)
    refused         a rule says no (a second update in one turn; a write by a read-only
                    user, whose turn offers only SearchContact: a model may call the others
                    anyway, so the rule is kept here and not only in the tool list)
    ungrounded      a value to write that neither the user nor a tool result gave ("field"
                    names it; agent/guards.py): invented values are refused, never written
    ambiguous       an update on one of several contacts that match, which the user has not
                    told apart (agent/choice.py): the bot shows them as a choice instead

Infrastructure failures (`HubSpotUnavailable`, `RateLimited`) are not the model's to fix: they
propagate, and the loop ends the turn with a clear message.

UpdateContact never writes. It prepares a `PendingUpdate` that the bot shows on the same Confirm
card as the guided flow, and only for an id the conversation has seen in results or that a fresh
lookup proves exists: a made-up id is refused, not written.

CreateContact never writes either (`preview_creates`, the default): it checks the values and the
email and prepares `pending_create`, which the bot shows as the prefilled contact with Create.
Every model-made write is previewed; without `preview_creates` it writes at once (tests, tools).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from typing import Any, Protocol, assert_never

from pydantic import ValidationError

from agent.choice import Candidates, told_apart
from agent.guards import Grounding
from agent.schemas import (
    READ_ONLY_TOOLS,
    TOOLS,
    CreateContact,
    SearchContact,
    ToolArgs,
    UpdateContact,
    tool_specs,
)
from agent.search import search_choices
from contacts.errors import (
    ContactNotFound,
    ContactsError,
    DuplicateContact,
    HubSpotUnavailable,
    InvalidContact,
    RateLimited,
)
from contacts.model import EDITABLE_PROPERTIES, Contact, PendingUpdate
from contacts.service import ContactsService

__all__ = ["ContactTools", "CreateGuard", "contact_brief", "dumps", "tool_specs"]


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def contact_brief(contact: Contact) -> dict[str, str]:
    """What the model sees of a contact: enough to tell people apart, nothing more."""
    brief = {
        "id": contact.id,
        "name": contact.full_name,
        "email": contact.email,
        "phone": contact.get("phone") or contact.get("mobilephone"),
        "company": contact.get("company"),
        "jobtitle": contact.get("jobtitle"),
    }
    return {k: v for k, v in brief.items() if v}


def _error(code: str, message: str, **extra: Any) -> str:
    return dumps({"error": code, "message": message, **extra})


class CreateGuard(Protocol):
    """What stands around each create the model asks for. The bot claims the write in its
    shared store (so a turn redelivered after a crash mid-write does not create again) and
    records it; the agent only asks and reports."""

    async def before(self, properties: Mapping[str, str]) -> str | None:
        """None: go ahead and write. Otherwise this create was claimed before: what happened,
        for the model to tell the user."""

    async def after(self, contact: Contact | None, *, maybe_written: bool = False) -> None:
        """The create went through (`contact`), or did not (None; `maybe_written` when HubSpot
        stopped answering mid-write, so nobody can say)."""

    async def owner_id(self) -> str | None:
        """The HubSpot owner a new contact gets (its creator's), or None."""


class ContactTools:
    """One turn's tools. `known_ids` are the ids this conversation has seen in results; the set
    grows with what this turn's tools see. Outcomes the bot must show are collected here."""

    def __init__(
        self,
        *,
        contacts: ContactsService,
        known_ids: Collection[str] = (),
        region: str | None = None,
        read_only: bool = False,
        create_guard: CreateGuard | None = None,
        grounding: Grounding | None = None,
        preview_creates: bool = True,
        focus: Sequence[str] = (),
        words: str = "",
    ) -> None:
        """`focus`: the contacts the conversation is talking about (several: a choice the user
        has not made); `words`: the user's message this turn, which may make that choice."""
        self._contacts = contacts
        self._preview = preview_creates
        self._candidates = Candidates(focus)
        self._words = words
        self._shown: dict[str, Contact] = {}
        self._grounding = grounding
        self._read_only = read_only
        self._guard = create_guard
        self._known: set[str] = {str(i) for i in known_ids}
        self._region = region
        self.seen_ids: set[str] = set()
        self.found: list[Contact] = []
        self.created: Contact | None = None
        self.pending_update: PendingUpdate | None = None
        self.pending_create: dict[str, str] | None = None  # a new contact awaiting Create
        # Several contacts the model could not tell apart for an update, and the values asked
        # for: the bot shows them as a choice (the values wait for the pick).
        self.choice: list[Contact] = []
        self.choice_properties: dict[str, str] = {}
        # A create the model asked for was made before (a redelivered turn) or the contact
        # exists (a duplicate): "was already added" is then true to say.
        self.done_before = False

    def _see(self, *contacts: Contact) -> None:
        for c in contacts:
            self._shown[c.id] = c
            self.seen_ids.add(c.id)
            self._known.add(c.id)
            if self._grounding is not None:
                self._grounding.add_shown(c.get(k) for k in EDITABLE_PROPERTIES)

    async def call(self, name: str, arguments: str) -> str:
        """Run one tool call; the result is for the model. Raises only HubSpotUnavailable and
        RateLimited (the turn cannot go on without HubSpot)."""
        model = TOOLS.get(name)
        if model is None:
            return _error(
                "bad_arguments", f"Unknown tool {name!r}. Use one of: " + ", ".join(TOOLS) + "."
            )
        if self._read_only and name not in READ_ONLY_TOOLS:
            return _error(
                "refused",
                "This user has read-only access: contacts can be "
                "searched, not created or changed. Nothing was done; tell the user.",
            )
        try:
            args: ToolArgs = model.model_validate_json(arguments or "{}")
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'arguments'}: {e['msg']}"
                for e in exc.errors()[:3]
            )
            return _error("bad_arguments", problems)
        if self._grounding is not None and isinstance(args, CreateContact | UpdateContact):
            field = self._grounding.first_ungrounded(args.properties)
            if field is not None:
                return _error(
                    "ungrounded",
                    f"The user never gave this {field} ({args.properties[field]!r}). Never "
                    "invent or guess a value: leave the field out, or ask the user. "
                    "Nothing was written.",
                    field=field,
                )
        try:
            match args:
                case SearchContact():
                    return await self._search(args)
                case CreateContact():
                    return await self._create(args)
                case UpdateContact():
                    return await self._update(args)
                case _:
                    assert_never(args)
        except (HubSpotUnavailable, RateLimited):
            raise
        except InvalidContact as exc:
            return _error("invalid", exc.message, field=exc.field)
        except DuplicateContact as exc:
            return self._duplicate(exc, creating=isinstance(args, CreateContact))
        except ContactNotFound as exc:
            return _error("not_found", str(exc))
        except ContactsError as exc:
            return _error(exc.code, str(exc))

    def _duplicate(self, exc: DuplicateContact, *, creating: bool) -> str:
        """The existing contact goes to the model (to point the user to it) and to the bot."""
        extra: dict[str, Any] = {}
        self.done_before = self.done_before or creating
        if exc.existing is not None:
            self._see(exc.existing)
            self.found = [exc.existing]
            extra["existing"] = contact_brief(exc.existing)
        elif exc.existing_id:
            self.seen_ids.add(exc.existing_id)
            self._known.add(exc.existing_id)
            extra["existing"] = {"id": exc.existing_id}
        message = (
            "A contact with this email already exists. Nothing was created; point the user to it."
            if creating
            else "Another contact already has this email. Nothing was prepared."
        )
        return _error("duplicate", message, **extra)

    async def _search(self, args: SearchContact) -> str:
        query = args.query
        if not query and not args.filters:
            return _error("bad_arguments", "Give a query or at least one filter.")
        filters = tuple(f.model_dump() for f in args.filters)
        results: list[Contact] = []
        total = 0
        problem: InvalidContact | None = None
        for criteria in search_choices(query, filters):
            try:
                page = await self._contacts.search(criteria, limit=args.limit, region=self._region)
            except InvalidContact as exc:  # e.g. not searchable as a name: the next may be
                problem = exc
                continue
            known = {c.id for c in results}
            results += [c for c in page.results if c.id not in known]
            total = max(total, page.total, len(results))
        if problem is not None and not results:
            raise problem
        results = results[: args.limit]
        self._see(*results)
        self._candidates.add(results)
        self.found = results
        out: dict[str, Any] = {"total": total, "contacts": [contact_brief(c) for c in results]}
        if total > len(results):
            out["note"] = f"{total - len(results)} more; ask the user to narrow the search."
        return dumps(out)

    async def _prepare_create(self, args: CreateContact) -> str:
        """The new contact, checked (values, the same email) but not written: the bot shows it
        with Create, and the user's click or typed yes writes it."""
        if self.pending_create is not None:
            return _error(
                "refused",
                "A new contact is already waiting for the user's Create. "
                "Only one new contact per message.",
            )
        values = self._contacts.normalise(args.properties, region=self._region, partial=True)
        email = values.get("email", "")
        existing = await self._contacts.find_by_email(email) if email else None
        if existing is not None:
            return self._duplicate(DuplicateContact(existing=existing), creating=True)
        self.pending_create = {k: v for k, v in args.properties.items() if v}
        draft = contact_brief(Contact(id="new", properties=values))
        draft.pop("id", None)
        return dumps(
            {
                "status": "awaiting_confirmation",
                "contact": draft,
                "note": "Not created yet: the user must press Create on the card.",
            }
        )

    async def _create(self, args: CreateContact) -> str:
        if self._preview:
            return await self._prepare_create(args)
        guard = self._guard
        if guard is not None:
            earlier = await guard.before(args.properties)
            if earlier is not None:
                self.done_before = True
                return _error("already_done", f"{earlier} Nothing was created now; say so.")
        try:
            owner = await guard.owner_id() if guard is not None else None
            result = await self._contacts.create(
                args.properties, region=self._region, owner_id=owner
            )
        except HubSpotUnavailable as exc:
            if guard is not None:
                await guard.after(None, maybe_written=exc.write_may_have_happened)
            raise
        except BaseException:
            if guard is not None:
                await guard.after(None)
            raise
        if guard is not None:
            await guard.after(result.contact)
        self._see(result.contact)
        self.created = result.contact
        out: dict[str, Any] = {"created": contact_brief(result.contact)}
        if result.same_name:
            self._see(*result.same_name)
            out["same_name"] = [contact_brief(c) for c in result.same_name[:3]]
            out["note"] = "Other contacts share this name; mention them to the user."
        return dumps(out)

    async def _update(self, args: UpdateContact) -> str:
        if self.pending_update is not None:
            return _error(
                "refused",
                "An update is already waiting for the user's Confirm. "
                "Only one update per message; do not prepare more.",
            )
        contact_id = args.contact_id
        if contact_id not in self._known:
            try:
                await self._contacts.get(contact_id)
            except ContactNotFound:
                return _error(
                    "not_found",
                    f"No contact has id {contact_id!r}. Use only ids "
                    "from SearchContact results; never invent one.",
                )
            self.seen_ids.add(contact_id)
            self._known.add(contact_id)
        rivals = self._candidates.rivals(contact_id)
        if rivals:
            refusal = await self._not_told_apart(contact_id, rivals, args.properties)
            if refusal is not None:
                return refusal
        try:
            pending = await self._contacts.plan_update(
                contact_id, args.properties, region=self._region
            )
        except InvalidContact as exc:
            if exc.reason_code == "empty":
                return _error(
                    "invalid",
                    "The contact already has these values; nothing to change.",
                    field=exc.field,
                )
            raise
        self.pending_update = pending
        return dumps(
            {
                "status": "awaiting_confirmation",
                "contact_id": pending.contact_id,
                "name": pending.display_name,
                "changes": [
                    {"field": c.field, "old": c.old, "new": c.new} for c in pending.changes
                ],
                "note": "Not saved yet: the user must press Confirm on the card.",
            }
        )

    async def _not_told_apart(
        self, contact_id: str, rivals: list[str], properties: Mapping[str, str]
    ) -> str | None:
        """The refusal of an update on one of several matches the user has not told apart
        (the group becomes the bot's choice card), or None when their words single it out."""
        group: list[Contact] = []
        for cid in [contact_id, *rivals]:
            contact = self._shown.get(cid)
            if contact is None:
                try:
                    contact = await self._contacts.get(cid)
                except ContactNotFound:
                    continue
                self._see(contact)
            group.append(contact)
        if len(group) < 2 or group[0].id != contact_id:
            return None
        if told_apart(group[0], group[1:], self._words):
            return None
        self.choice = group
        self.choice_properties = {k: v for k, v in properties.items() if v}
        self.found = []
        return _error(
            "ambiguous",
            f"{len(group)} contacts match and the user has not said which one: "
            + ", ".join(f"{c.id} {c.display_name}" for c in group)
            + ". Do not pick one. Ask the user which one; they are shown the choice. "
            "Nothing was prepared.",
        )
