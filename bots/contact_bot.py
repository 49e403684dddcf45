"""ContactBot: the Bot Framework side of the assistant. It decides what an activity is and hands
it to a flow; the flows (`guided`, `updates`, `model_mode`) do the work.

    conversationUpdate / installationUpdate  -> the welcome card, once per conversation
    message with a card submit (value)       -> nonce check, strict field check, a flow
    message with text                        -> the agent (model configured) or typed commands

Why turns of one conversation run one at a time: a double-clicked Confirm must apply once, and
the conversation's state (pending updates, nonce) is read at the start and saved at the end of
every turn. Across processes the storage's eTags catch the same race.
"""

from __future__ import annotations

import logging
import re
from typing import Any, assert_never

from botbuilder.core import ActivityHandler, ConversationState, InvokeResponse, TurnContext
from botbuilder.schema import ActivityTypes, AdaptiveCardInvokeResponse, ChannelAccount

import cards
from agent.loop import ContactAgent
from agent.memory import Encoding
from bots.access import AccessDecision, AccessPolicy
from bots.cardlife import Refused
from bots.extensions import MessageExtensions
from bots.guided import SearchCreateFlows
from bots.history import HistoryFlow
from bots.inbox import delivery_key
from bots.model_mode import ModelMode, remember
from bots.owners import OwnerOfTurn
from bots.recent import RecentContacts
from bots.refusals import record_refused
from bots.state import ConversationData
from bots.submits import BadSubmit, Submit, parse_submit, submit_value
from bots.turn import Turn
from bots.typing import typing_while_slow
from bots.updates import UpdateFlow
from bots.writes import WriteLedger
from cards import text
from cards.actions import Action
from cards.lifecycle import REFRESH_VERB, expired_card
from config import Settings
from contacts.errors import ContactsError
from contacts.model import SearchCriteria
from contacts.service import ContactsService
from store import Store
from typed import parse_command

log = logging.getLogger(__name__)

_DATA_KEY = "contact_bot.data"
_CARD_ANSWER = "contact_bot.card_answer"  # the acted-on card's state, for an invoke's answer
_SAID = "contact_bot.said"
_GROUP_TYPES = ("channel", "groupChat")
_AT_TAG = re.compile(r"<at[^>]*>(.*?)</at>", re.IGNORECASE | re.DOTALL)
# Actions that write (or lead only to a write); refused for read-only users.
_WRITES = frozenset(
    {
        Action.START_CREATE,
        Action.START_UPDATE,
        Action.CREATE_SUBMIT,
        Action.UPDATE_FIND,
        Action.UPDATE_PICK,
        Action.UPDATE_SUBMIT,
        Action.UPDATE_CONFIRM,
    }
)
# What to say to a job this bot does not do (typed.Command.topic).
_UNSUPPORTED = {
    "delete": "unsupported_delete",
    "merge": "unsupported_merge",
    "export": "unsupported_export",
    "email": "unsupported_email",
    "deals": "unsupported_deals",
    "notes": "unsupported_notes",
    "off_topic": "unsupported_off_topic",  # a question not about contacts
}


class ContactBot(ActivityHandler):
    """`agent` is None in guided mode (no model configured). `encoding` is the tokenizer that
    sizes the conversation's memory window; the app loads it off the event loop at startup.
    `policy` defaults to the allow-lists in `settings`."""

    def __init__(
        self,
        *,
        conversation_state: ConversationState,
        contacts: ContactsService,
        store: Store,
        settings: Settings,
        encoding: Encoding,
        agent: ContactAgent | None = None,
        policy: AccessPolicy | None = None,
    ) -> None:
        super().__init__()
        self._state = conversation_state
        self._accessor = conversation_state.create_property("contact_bot")
        self._settings = settings
        self._encoding = encoding
        self._store = store
        ledger = self._ledger = WriteLedger(store)
        # One roster cache for the owner of a new contact and the email the audit log records.
        self._owners = OwnerOfTurn(contacts.owners)
        self._search = SearchCreateFlows(contacts=contacts, ledger=ledger, owners=self._owners)
        self._updates = UpdateFlow(contacts=contacts, ledger=ledger)
        self._history = HistoryFlow(contacts=contacts, store=store)
        self._model = (
            ModelMode(
                agent=agent,
                updates=self._updates,
                ledger=ledger,
                encoding=encoding,
                owners=self._owners,
            )
            if agent
            else None
        )
        self._policy = policy or AccessPolicy.from_settings(settings)
        self._extensions = MessageExtensions(
            contacts=contacts,
            recent=RecentContacts(store),
            policy=self._policy,
            default_language=settings.default_language,
        )

    # -- the turn -----------------------------------------------------------------------------

    async def on_turn(self, turn_context: TurnContext) -> None:
        """One turn of a conversation at a time, across instances (the store's turn lock); an
        activity the channel delivers again (Teams retries a slow bot) is processed once.
        A message extension's invoke reads no conversation state: it is answered at once, not
        behind the conversation's turns (Teams waits 5 s for it)."""
        activity = turn_context.activity
        if self._extensions.handles(activity):
            await super().on_turn(turn_context)
            return
        conversation = activity.conversation
        key = conversation.id if conversation is not None else ""
        delivery = delivery_key(activity)
        async with self._store.turn(f"turn/{activity.channel_id}/{key}"):
            if delivery is not None and await self._store.processed(delivery):
                log.info("ignored a redelivered %s activity", activity.type)
                return
            raw = await self._accessor.get(turn_context, dict)
            data = ConversationData.from_dict(raw)
            turn_context.turn_state[_DATA_KEY] = data
            try:
                if activity.type == ActivityTypes.message:
                    async with typing_while_slow(turn_context):
                        await super().on_turn(turn_context)
                else:
                    await super().on_turn(turn_context)
            finally:
                await self._accessor.set(turn_context, data.to_dict())
                await self._state.save_changes(turn_context)
            if data.seen_now:  # what the compose box offers this user before they type
                await self._extensions.saw(activity, data.seen_now)
            if delivery is not None:
                await self._store.mark_processed(delivery)

    def _turn(
        self, turn_context: TurnContext, *, read_only: bool = False, admin: bool = False
    ) -> Turn:
        data: ConversationData = turn_context.turn_state[_DATA_KEY]
        activity = turn_context.activity
        locale = activity.locale or _client_info_locale(activity)
        if locale and activity.type == ActivityTypes.message:
            data.lang = cards.language_for(locale, self._settings.default_language)
            data.lang_source = "message"
        lang = data.lang or cards.language_for(locale, self._settings.default_language)

        async def save() -> None:
            await self._accessor.set(turn_context, data.to_dict())
            await self._state.save_changes(turn_context)

        async def email_of() -> str:
            return await self._owners.email_of(turn_context)

        return Turn(
            turn_context,
            data,
            lang,
            read_only=read_only,
            admin=admin,
            save=save,
            email_of=email_of,
        )

    def _access(self, turn_context: TurnContext) -> AccessDecision:
        return self._policy.check(turn_context.activity)

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse | None:
        """Compose-box search and link unfurling (bots/extensions.py); other invokes as the
        SDK routes them. The answer goes back in the invoke's own HTTP response."""
        if self._extensions.handles(turn_context.activity):
            return await self._extensions.answer(turn_context)
        if turn_context.activity.name == "adaptiveCard/action":
            return InvokeResponse(status=200, body=await self._on_card_action(turn_context))
        return await super().on_invoke_activity(turn_context)

    # -- welcome ------------------------------------------------------------------------------

    async def on_members_added_activity(
        self, members_added: list[ChannelAccount], turn_context: TurnContext
    ) -> None:
        if self._access(turn_context).allowed and members_added:
            await self._welcome(self._turn(turn_context))

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        """Teams says the user's locale here (not on the bot-added conversationUpdate): adopt
        it for every later reply, and welcome in it if the welcome has not gone out yet."""
        turn = self._turn(turn_context)
        locale = turn_context.activity.locale or _client_info_locale(turn_context.activity)
        if locale:
            turn.data.lang = turn.lang = cards.language_for(locale, self._settings.default_language)
            turn.data.lang_source = "installation"
        if self._access(turn_context).allowed:
            await self._welcome(turn)

    async def _welcome(self, turn: Turn) -> None:
        if turn.data.welcomed:
            return
        turn.data.welcomed = True
        if not turn.data.lang:
            turn.data.lang = turn.lang
        await turn.say(text(turn.lang, "welcome"), cards.welcome_card(turn.lang, turn.nonce))

    # -- messages -----------------------------------------------------------------------------

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        if activity.value is None and _group_chatter(activity):
            return  # not addressed to the bot: no reply, not even a refusal
        access = self._access(turn_context)
        turn = self._turn(turn_context, read_only=access.read_only, admin=access.admin)
        if not access.allowed:
            log.info("access refused: %s", access.reason or "not allowed")
            await self._record_refused(turn, access.reason or "not_allowed")
            await turn.say(cards.refusal_text(turn.lang, access.reason))
            return
        try:
            value = submit_value(activity.value) if activity.value is not None else None
        except BadSubmit as exc:
            await self._bad_submit(turn, exc)
            return
        try:
            if value is not None and (value.get("action") is not None or not activity.text):
                await self._on_submit(turn, value)
            else:
                await self._on_text(turn, activity)
        except ContactsError as exc:  # a flow let one through: still one clear line
            await turn.failed(exc)
        # The card this turn acted on ends in the chat: Teams gets it as the invoke's answer,
        # other clients as an update of the card's activity.
        invoked = activity.type == ActivityTypes.invoke
        final = await turn.cards.finish(update=not invoked)
        if final is not None:
            turn_context.turn_state[_CARD_ANSWER] = final
        turn_context.turn_state[_SAID] = turn.said

    async def _on_card_action(self, turn_context: TurnContext) -> AdaptiveCardInvokeResponse:
        """Teams' Universal Actions (`adaptiveCard/action`): an Action.Execute runs as the
        card's submit would, and the answer is the card's state afterwards (its final state
        once used); a refresh is answered with the card as it is now, so every viewer sees
        whether it still acts. (The answer is handed to the adapter unserialized: the SDK's
        own on_adaptive_card_invoke path serializes it twice and fails.)"""
        value = turn_context.activity.value
        action = _as_dict(value.get("action")) if isinstance(value, dict) else {}
        data = _as_dict(action.get("data"))
        verb = action.get("verb")
        if verb == REFRESH_VERB:
            turn = self._turn(turn_context)
            card_id = data.get("card")
            current = turn.cards.current(card_id) if isinstance(card_id, str) else None
            return _card_answer(current or expired_card(turn.lang))
        turn_context.activity.value = {"action": verb, **data}
        await self.on_message_activity(turn_context)
        card = turn_context.turn_state.get(_CARD_ANSWER)
        if card is not None:
            return _card_answer(card)
        said = turn_context.turn_state.get(_SAID) or []
        return AdaptiveCardInvokeResponse(
            status_code=200,
            type="application/vnd.microsoft.activity.message",
            value=said[-1] if said else "",
        )

    async def _on_submit(self, turn: Turn, value: dict[str, Any]) -> None:
        if value.get("nonce") != turn.nonce:
            log.info("refused a card submit with a stale or missing nonce")
            await turn.say(text(turn.lang, "stale_card"), cards.welcome_card(turn.lang, turn.nonce))
            return
        try:
            submit = parse_submit(value)
        except BadSubmit as exc:
            await self._bad_submit(turn, exc)
            return
        if turn.read_only and (
            submit.action in _WRITES
            or submit.action is Action.OPEN_FORM
            and submit.form != "search"
        ):
            await record_refused(self._ledger, self._updates, turn, "read_only", submit=submit)
            await turn.say(text(turn.lang, "read_only_user"))
            return
        refused = turn.cards.check(value, submit.action.value)
        if refused is not None:
            await self._card_refused(turn, refused)
            return
        await self._dispatch(turn, submit)

    async def _card_refused(self, turn: Turn, refused: Refused) -> None:
        """A click on an ended or unknown card: nothing runs. Teams is answered with the
        card's final state; elsewhere a line says why."""
        log.info("refused a click on a card that is not live (%s)", refused.outcome)
        if turn.context.activity.type == ActivityTypes.invoke:
            turn.context.turn_state[_CARD_ANSWER] = refused.final or expired_card(turn.lang)
        elif refused.outcome in ("replaced", "unknown") or not refused.status:
            await turn.say(text(turn.lang, "card_replaced"))
        else:
            await turn.say(text(turn.lang, "card_used", status=refused.status))

    async def _record_refused(self, turn: Turn, reason: str) -> None:
        """A user the access lists keep out: their attempted write goes into the audit log."""
        activity = turn.context.activity
        try:
            value = submit_value(activity.value) if activity.value is not None else None
            if value is not None and (value.get("action") is not None or not activity.text):
                submit = parse_submit(value)
                await record_refused(self._ledger, self._updates, turn, reason, submit=submit)
                return
        except BadSubmit:
            return
        command = parse_command(_without_mentions(activity).strip())
        await record_refused(self._ledger, self._updates, turn, reason, command=command)

    async def _dispatch(self, turn: Turn, submit: Submit) -> None:
        action = submit.action
        match action:
            case Action.START_SEARCH | Action.START_CREATE | Action.START_UPDATE:
                kind = action.value.removeprefix("start_")
                if self._model is not None:  # writes were refused above for read-only users
                    await self._model.ask(turn, kind)
                else:
                    await self._open_form(turn, kind, intro=True)
            case Action.OPEN_FORM:
                await self._open_form(turn, submit.form, intro=False)
            case Action.SEARCH_SUBMIT:
                await self._search.search(
                    turn, SearchCriteria.from_dict(submit.inputs), mine=submit.mine
                )
            case Action.SEARCH_MORE:
                turn.cards.outcome("more")
                await self._search.search(
                    turn,
                    SearchCriteria.from_dict(submit.criteria),
                    after=submit.after,
                    offset=submit.offset,
                )
            case Action.CREATE_SUBMIT:
                await self._search.create(turn, submit.inputs)
            case Action.UPDATE_FIND:
                await self._updates.find(turn, submit.inputs["query"])
            case Action.UPDATE_PICK:
                await self._updates.pick(turn, submit.contact_id)
            case Action.UPDATE_SUBMIT:
                await self._updates.submit(turn, submit.contact_id, submit.inputs)
            case Action.UPDATE_CONFIRM:
                await self._updates.confirm(turn, submit.pending_id)
            case Action.UPDATE_CANCEL:
                await self._updates.cancel(turn, submit.pending_id)
            case _:
                assert_never(action)

    async def _open_form(self, turn: Turn, kind: str, *, intro: bool) -> None:
        if kind == "search":
            await self._search.show_search_form(turn, "chose_search" if intro else None)
        elif kind == "create":
            await self._search.show_create_form(turn, "chose_create" if intro else None)
        elif intro:
            await self._updates.show_find_form(turn, "chose_update")
        else:
            await turn.card(cards.update_find_form(turn.lang, turn.nonce))

    async def _bad_submit(self, turn: Turn, exc: BadSubmit) -> None:
        log.info("refused a card submit: %s", exc)
        if exc.reason == "too_long":
            label = cards.field_label(turn.lang, exc.field) if exc.field else "?"
            await turn.say(
                text(
                    turn.lang,
                    "invalid_field",
                    field=label,
                    reason=cards.reason_text(turn.lang, "too_long"),
                )
            )
        else:
            await turn.say(text(turn.lang, "bad_submit"))

    async def _on_text(self, turn: Turn, activity: Any) -> None:
        if _group_chatter(activity):
            return  # in channels and group chats the bot speaks only when spoken to
        message = _without_mentions(activity).strip()
        limit = self._settings.max_message_chars
        if len(message) > limit:
            await turn.say(text(turn.lang, "message_too_long", length=len(message), limit=limit))
            return
        if not message:
            await turn.card(cards.help_card(turn.lang, turn.nonce, self._model is not None))
            return
        if self._model is not None and not self._typed_answer(turn, message):
            await self._model.run(turn, message)  # read-only users get a search-only agent
            return
        await self._command(turn, message)
        remember(turn, "user", message, self._encoding)
        if turn.said:
            remember(turn, "assistant", "\n".join(turn.said), self._encoding)

    @staticmethod
    def _typed_answer(turn: Turn, message: str) -> bool:
        """A typed "yes" / "취소" while a confirmation card waits is that card's answer, with a
        model too: the model never writes an update, the user's Confirm does. A history request
        is answered from the audit log, not by the model."""
        kind = parse_command(message).kind
        return kind == "history" or bool(turn.data.pending) and kind in ("yes", "no")

    async def _command(self, turn: Turn, message: str) -> None:
        """Typed commands without a model; the same flows as the buttons. What to answer is
        the parser's decision (`Command.kind`); this only routes it."""
        command = parse_command(message)
        if command.language == "ko":
            turn.lang = "ko"  # a Korean command gets a Korean answer, whatever the locale
        kind = command.kind
        if kind == "thanks":
            await turn.say(text(turn.lang, "thanks"))
        elif kind in ("help", "hello"):
            intro = text(turn.lang, "hello") if kind == "hello" else ""
            await turn.say(intro, cards.help_card(turn.lang, turn.nonce, self._model is not None))
        elif kind == "unknown":
            menu = cards.menu_card(turn.lang, turn.nonce)
            await turn.say(text(turn.lang, "not_understood"), menu)
        elif kind == "unsupported":
            await turn.say(text(turn.lang, _UNSUPPORTED.get(command.topic, "not_understood")))
        elif kind == "search":
            criteria = command.criteria or SearchCriteria()
            if command.mine:
                await self._search.search(turn, criteria, mine=True)
            elif criteria.is_empty():
                await self._search.show_search_form(turn)
            else:
                await self._search.search(turn, criteria)
        elif kind == "history":
            await self._history.show(turn, command.target)
        elif turn.read_only:
            await record_refused(self._ledger, self._updates, turn, "read_only", command=command)
            await turn.say(text(turn.lang, "read_only_user"))
        elif kind in ("yes", "no"):
            await self._updates.answer(turn, yes=kind == "yes")
        elif kind == "create":
            if not command.properties:
                await self._search.show_create_form(turn)
            elif command.certain:
                await self._search.create(turn, command.properties)
            else:
                await self._search.ask_create(turn, command.properties, command.doubts)
        elif not command.target:
            await self._updates.show_find_form(turn, "update_which")
        else:
            await self._updates.find(turn, command.target, command.properties)


def _as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _card_answer(card: dict[str, Any]) -> AdaptiveCardInvokeResponse:
    return AdaptiveCardInvokeResponse(
        status_code=200, type="application/vnd.microsoft.card.adaptive", value=card
    )


def _entity(entity: Any) -> dict[str, Any]:
    props = dict(getattr(entity, "additional_properties", None) or {})
    props["type"] = getattr(entity, "type", None)
    return props


def _client_info_locale(activity: Any) -> str:
    for entity in activity.entities or ():
        props = _entity(entity)
        if str(props.get("type") or "").lower() == "clientinfo" and props.get("locale"):
            return str(props["locale"])
    return ""


def _group_chatter(activity: Any) -> bool:
    """Text in a channel or group chat that does not mention the bot: people talking among
    themselves, which the bot reads (Teams sends it everything) but must not answer."""
    conversation_type = getattr(activity.conversation, "conversation_type", None)
    return conversation_type in _GROUP_TYPES and not _mentions_bot(activity)


def _mentions_bot(activity: Any) -> bool:
    bot_id = getattr(activity.recipient, "id", None)
    for entity in activity.entities or ():
        props = _entity(entity)
        mentioned = props.get("mentioned")
        if (
            str(props.get("type") or "").lower() == "mention"
            and isinstance(mentioned, dict)
            and mentioned.get("id") == bot_id
        ):
            return True
    return False


def _without_mentions(activity: Any) -> str:
    """The text with the bot's `<at>…</at>` mention (and any other at-tag) removed."""
    message = activity.text or ""
    for entity in activity.entities or ():
        props = _entity(entity)
        mention_text = props.get("text")
        if (
            str(props.get("type") or "").lower() == "mention"
            and isinstance(mention_text, str)
            and mention_text
            and isinstance(props.get("mentioned"), dict)
            and props["mentioned"].get("id") == getattr(activity.recipient, "id", None)
        ):
            message = message.replace(mention_text, " ")
    return _AT_TAG.sub(lambda m: m.group(1), message)
