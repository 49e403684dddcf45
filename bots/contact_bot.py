"""ContactBot: the Bot Framework side of the assistant. It decides what an activity is and hands
it to the router (flows/router.py), which picks the flow that does the work.

    conversationUpdate / installationUpdate  -> the welcome card, once per conversation
    message with a card submit (value)       -> router.accept (nonce, fields) -> a flow
    message with text                        -> router.text: the agent or typed commands
    invoke: adaptiveCard/action              -> as the submit, answered with the card's state
    invoke: composeExtension/*               -> the message extension (bots/extensions.py)

Why turns of one conversation run one at a time: a double-clicked Confirm must apply once, and
the conversation's state (pending updates, nonce) is read at the start and saved at the end of
every turn. Across processes the storage's eTags catch the same race.
"""

from __future__ import annotations

import logging
import re
from http import HTTPStatus
from typing import Any

from botbuilder.core import ActivityHandler, ConversationState, InvokeResponse, TurnContext
from botbuilder.schema import ActivityTypes, AdaptiveCardInvokeResponse, ChannelAccount

import cards
from agent.loop import ContactAgent
from agent.memory import Encoding
from bots.access import AccessDecision, AccessPolicy
from bots.asides import aside
from bots.cardlife import Refused
from bots.endings import EndedArchive
from bots.extensions import MessageExtensions
from bots.failures import invoke_refusal
from bots.inbox import delivery_key
from bots.language import client_locale, turn_language
from bots.owners import OwnerOfTurn
from bots.turn import BotTurn
from bots.typing import typing_while_slow
from bots.zones import zone_of_turn
from cards import text
from cards.lifecycle import REFRESH_VERB, Outcome, expired_card
from config import Settings
from contacts.errors import ContactsError
from contacts.service import ContactsService
from flows.bundle import build_flows
from flows.recent import RecentContacts
from flows.router import Router
from flows.state import ConversationData
from flows.submits import BadSubmit, submit_value
from ground.ids import turn_lock_key
from store import Store

log = logging.getLogger(__name__)

_DATA_KEY = "contact_bot.data"
_CARD_ANSWER = "contact_bot.card_answer"  # the acted-on card's state, for an invoke's answer
_SAID = "contact_bot.said"
_GROUP_TYPES = ("channel", "groupChat")
_AT_TAG = re.compile(r"<at[^>]*>(.*?)</at>", re.IGNORECASE | re.DOTALL)


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
        self._store = store
        # One roster cache for the owner of a new contact and the email the audit log records.
        self._owners = OwnerOfTurn(contacts.owners)
        self._router = Router(
            flows=build_flows(contacts=contacts, store=store, encoding=encoding, agent=agent),
            encoding=encoding,
            max_message_chars=settings.max_message_chars,
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
        async with self._store.turn(turn_lock_key(str(activity.channel_id), str(key))):
            if delivery is not None and await self._store.processed(delivery):
                log.info("ignored a redelivered %s activity", activity.type)
                return
            raw = await self._accessor.get(turn_context, dict)
            data = ConversationData.from_dict(raw)
            data.zone = await zone_of_turn(activity, data.zone)
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
    ) -> BotTurn:
        data: ConversationData = turn_context.turn_state[_DATA_KEY]
        activity = turn_context.activity
        lang = turn_language(activity, data, self._settings.default_language)

        async def save() -> None:
            await self._accessor.set(turn_context, data.to_dict())
            await self._state.save_changes(turn_context)

        return BotTurn(
            turn_context,
            data,
            lang,
            read_only=read_only,
            admin=admin,
            save=save,
            owners=self._owners,
            archive=EndedArchive(
                self._store,
                str(activity.channel_id or ""),
                str(getattr(activity.conversation, "id", None) or ""),
            ),
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
        answer = await super().on_invoke_activity(turn_context)
        if answer is not None and answer.status == HTTPStatus.NOT_IMPLEMENTED:
            # An invoke this bot has no use for: the caller's mistake, said plainly (4xx).
            return invoke_refusal(f"This bot does not handle {turn_context.activity.name!r}.")
        return answer

    # -- welcome ------------------------------------------------------------------------------

    async def on_members_added_activity(
        self, members_added: list[ChannelAccount], turn_context: TurnContext
    ) -> None:
        if self._access(turn_context).allowed and members_added:
            turn = self._turn(turn_context)
            locale = client_locale(turn_context.activity)
            if locale:  # a welcome follows the client's locale, when the event says it
                turn.lang = cards.language_for(locale, self._settings.default_language)
            await self._router.welcome(turn)

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        """Teams says the user's locale here (not on the bot-added conversationUpdate): adopt
        it for every later reply, and welcome in it if the welcome has not gone out yet."""
        turn = self._turn(turn_context)
        locale = client_locale(turn_context.activity)
        if locale:
            turn.data.lang = turn.lang = cards.language_for(locale, self._settings.default_language)
            turn.data.lang_source = "installation"
        if self._access(turn_context).allowed:
            await self._router.welcome(turn)

    async def on_installation_update_remove(self, turn_context: TurnContext) -> None:
        """Uninstalled: nothing is said (the chat is gone for the bot); a reinstall greets
        again, and changes still waiting for Confirm are dropped."""
        self._forget(turn_context)

    async def on_members_removed_activity(
        self, members_removed: list[ChannelAccount], turn_context: TurnContext
    ) -> None:
        """The bot removed from a team or group chat: as an uninstall. Someone else leaving
        is not the bot's business: no reply."""
        bot_id = getattr(turn_context.activity.recipient, "id", None)
        if any(getattr(m, "id", None) == bot_id for m in members_removed or ()):
            self._forget(turn_context)

    @staticmethod
    def _forget(turn_context: TurnContext) -> None:
        data: ConversationData = turn_context.turn_state[_DATA_KEY]
        data.welcomed = False
        data.pending.clear()

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
            await self._router.bad_submit(turn, exc)
            return
        kind = aside(activity)
        if kind:
            if kind == "attachment" and not _group_chatter(activity):
                await turn.say(text(turn.lang, "attachment_only"))
            return  # an inserted card shows itself: nothing to add
        try:
            if value is not None and (value.get("action") is not None or not activity.text):
                await self._on_submit(turn, value)
            elif not _group_chatter(activity):  # in groups the bot speaks only when spoken to
                await self._router.text(turn, _without_mentions(activity).strip())
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
            current = await turn.cards.current(card_id) if isinstance(card_id, str) else None
            return _card_answer(current or expired_card(turn.lang))
        turn_context.activity.value = {"action": verb, **data}
        await self.on_message_activity(turn_context)
        card = turn_context.turn_state.get(_CARD_ANSWER)
        if card is not None:
            return _card_answer(card)
        said = turn_context.turn_state.get(_SAID) or []
        return _MessageAnswer(
            status_code=200,
            type="application/vnd.microsoft.activity.message",
            value=said[-1] if said else "",
        )

    async def _on_submit(self, turn: BotTurn, value: dict[str, Any]) -> None:
        submit = await self._router.accept(turn, value)
        if submit is None:
            return
        refused = await turn.cards.check(value, submit.action.value)
        if refused is not None:
            await self._card_refused(turn, refused)
            return
        await self._router.dispatch(turn, submit)

    async def _card_refused(self, turn: BotTurn, refused: Refused) -> None:
        """A click on an ended or unknown card: nothing runs. Teams is answered with the
        card's final state; elsewhere a line says why."""
        log.info("refused a click on a card that is not live (%s)", refused.outcome)
        if turn.context.activity.type == ActivityTypes.invoke:
            turn.context.turn_state[_CARD_ANSWER] = refused.final or expired_card(turn.lang)
        elif refused.outcome in (Outcome.REPLACED, Outcome.UNKNOWN) or not refused.status:
            await turn.say(text(turn.lang, "card_replaced"))
        else:
            await turn.say(text(turn.lang, "card_used", status=refused.status))

    async def _record_refused(self, turn: BotTurn, reason: str) -> None:
        """A user the access lists keep out: their attempted write goes into the audit log."""
        activity = turn.context.activity
        try:
            value = submit_value(activity.value) if activity.value is not None else None
        except BadSubmit:
            return
        if value is not None and not (value.get("action") is not None or not activity.text):
            value = None  # a typed line that came with a value: the line is what was asked
        message = _without_mentions(activity).strip()
        await self._router.refused(turn, reason, value=value, message=message)


def _as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


class _MessageAnswer(AdaptiveCardInvokeResponse):
    """An invoke answered with a line of text: the SDK's model types `value` as an object,
    and serializing a str through it failed every such answer with a 500."""

    _attribute_map = {
        **AdaptiveCardInvokeResponse._attribute_map,
        "value": {"key": "value", "type": "str"},
    }


def _card_answer(card: dict[str, Any]) -> AdaptiveCardInvokeResponse:
    return AdaptiveCardInvokeResponse(
        status_code=200, type="application/vnd.microsoft.card.adaptive", value=card
    )


def _entity(entity: Any) -> dict[str, Any]:
    props = dict(getattr(entity, "additional_properties", None) or {})
    props["type"] = getattr(entity, "type", None)
    return props


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
