"""The OpenAI tool-calling loop: one user message in, one `AgentTurn` out.

    system prompt + history window + the user's message
      -> model -> tool calls -> tool results -> model -> ... -> text answer

A bounded loop, whatever the model does (small local models loop, repeat and garble):
- at most `max_model_calls` model calls per turn (6): a model that keeps calling tools gets a
  clear "be more precise" answer instead of an endless, costly turn;
- an identical call (same tool, same arguments) made twice in a turn is not run again: the model
  is told its result is already above; a third time ends the turn;
- malformed arguments get one repair attempt: the first is answered with the error, a second
  one in the same turn ends it;
- a model call that fails on the server's side (HTTP 5xx, a dropped connection, a rate limit)
  is tried again, with a short pause, as long as the turn's deadline leaves time for it: a local
  llama-server answers 500 now and then, and the user should not see that;
- every request sets `temperature` (0: the same request gets the same answer, so a user who
  retries is not surprised, and evaluations repeat) and `max_completion_tokens`, so one
  answer cannot run on for minutes;
- a tool call written as JSON text (bare, fenced or in <tool_call> tags) is read as the call it
  is (agent/guards.py), instead of being shown to the user;
- with `grounded_writes` (the default), values the model writes must come from the user's
  messages or from contacts the tools returned (agent/guards.py);
- a reply that claims a write this turn did not make ("has been updated" with nothing written,
  "saved" for a change that waits for Confirm) is replaced by what did happen.

`timeout_seconds` is the budget of a whole turn's model calls (each call gets what is left), so
a user waits at most that long for the model however many steps it takes; tool calls are not
cut off (a HubSpot write must finish).
Tool calls and their results live only inside the turn; the bot stores the user's text and the
reply in its history window.

`read_only=True` (a user the access policy lets only search) offers the model SearchContact
alone, says so in the system prompt, and refuses a create or update the model asks for anyway
as a tool error: the tool list is a hint to the model, the refusal is the rule.

What ends a turn early, with `failed=True` and a message in the user's language, never an
exception: the model timing out, rate-limited, erroring or unreachable (`openai.APIError` and
friends, after the SDK's own retries), and HubSpot being unavailable or rate-limited. Whatever
the turn did before that (a contact created, an update prepared) is still reported, so nothing a
user did is lost or silently repeated.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import openai

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletionMessageParam, ChatCompletionToolUnionParam

from agent import prompts
from agent.guards import Grounding, text_tool_call
from agent.memory import Encoding, HistoryWindow, load_encoding
from agent.replies import failure_reply, truthful
from agent.schemas import tool_specs
from agent.tools import ContactTools, CreateGuard
from contacts.errors import HubSpotRejectedToken, HubSpotUnavailable, RateLimited
from contacts.model import Contact, PendingUpdate
from contacts.service import ContactsService

log = logging.getLogger(__name__)

MAX_TOOL_CALLS_PER_STEP = 5  # a model asking for 50 creates at once gets errors, not 50 writes
MAX_REPEATS = 1  # an identical call is answered "already done" once; the next ends the turn
MAX_BAD_ARGUMENTS = 1  # malformed arguments get one repair attempt


@dataclass
class AgentTurn:
    reply: str  # what the assistant says, in the user's lang
    found: list[Contact] = field(default_factory=list)  # contacts to show as a results list
    created: Contact | None = None  # a contact created this turn
    pending_update: PendingUpdate | None = None  # an update awaiting the user's Confirm
    pending_create: dict[str, str] | None = None  # a new contact awaiting the user's Create
    # several contacts an update could be for, not told apart by the user: show the choice,
    # `choice_properties` waiting for the pick
    choice: list[Contact] = field(default_factory=list)
    choice_properties: dict[str, str] = field(default_factory=dict)
    seen_ids: set[str] = field(default_factory=set)  # ids this turn saw (add to state's known ids)
    failed: bool = False  # infrastructure failure: show the three buttons
    # the model could not finish (timeout, errors, too many steps), HubSpot was not the cause:
    # the typed parser may still read the message
    model_failed: bool = False

    @property
    def did_something(self) -> bool:
        """A write, a prepared write or a choice came out of the turn (the bot must show it)."""
        return bool(self.created or self.pending_update or self.pending_create or self.choice)


MODEL_FAILURES = frozenset({"model_timeout", "model_busy", "model_error", "too_many_steps"})
RETRY_PAUSES = (0.5, 1.0, 2.0)  # seconds before each retry of a failed model call


class _TurnFailed(Exception):
    """`retry`: the failure was the server's (5xx, connection, rate limit); another try may work."""

    def __init__(self, key: str, *, retry: bool = False):
        super().__init__(key)
        self.key = key
        self.retry = retry


class ContactAgent:
    """Runs turns against an injected `openai.AsyncOpenAI` / `AsyncAzureOpenAI` (its retries and
    base URL are the client's business) and the shared `ContactsService`."""

    def __init__(
        self,
        client: openai.AsyncOpenAI,
        *,
        model: str,
        contacts: ContactsService,
        max_model_calls: int = 6,
        timeout_seconds: float = 30.0,
        encoding: Encoding | None = None,
        temperature: float = 0.0,
        max_tokens: int = 512,
        grounded_writes: bool = True,
        preview_creates: bool = True,
    ) -> None:
        if max_model_calls < 1:
            raise ValueError("max_model_calls must be at least 1")
        self._client = client
        self._model = model
        self._contacts = contacts
        self._max_calls = max_model_calls
        self._timeout = timeout_seconds
        self._temperature = temperature
        self._max_tokens = max_tokens
        self._grounded_writes = grounded_writes
        self._preview_creates = preview_creates
        self._tools = tool_specs()
        self._read_only_tools = tool_specs(read_only=True)
        # Loading the tokenizer takes about a second: the app loads it off the event loop and
        # passes it in; without one it is loaded here, once per process.
        self._encoding = encoding or load_encoding()

    async def run(
        self,
        text: str,
        *,
        history: list[dict[str, str]],
        lang: str,
        known_ids: Collection[str],
        read_only: bool = False,
        create_guard: CreateGuard | None = None,
        focus: Sequence[str] = (),
    ) -> AgentTurn:
        """Answer one user message. `focus`: the ids of the contacts the conversation is talking
        about ("her"), given to the model as context (flows/state.py). `history` is the stored
        window (trimmed again here, so a stale or oversized state cannot blow the budget);
        `known_ids` are ids the conversation has seen in results, the only ones UpdateContact
        takes without a fresh lookup.
        `read_only`: the model is offered SearchContact only, and a create or update it asks
        for anyway is refused as a tool error (nothing is written or prepared).
        `create_guard` stands around every create (the bot claims and records it)."""
        tools = ContactTools(
            contacts=self._contacts,
            known_ids=known_ids,
            region="KR" if lang == "ko" else None,
            read_only=read_only,
            create_guard=create_guard,
            grounding=Grounding([m["content"] for m in history if m.get("role") == "user"] + [text])
            if self._grounded_writes
            else None,
            preview_creates=self._preview_creates,
            focus=focus,
            words=text,
        )
        messages: list[dict[str, Any]] = [
            {"role": "system", "content": prompts.system_prompt(lang, read_only=read_only)},
            *HistoryWindow(history, encoding=self._encoding).messages(),
            *([{"role": "system", "content": prompts.focus_note(focus)}] if focus else []),
            {"role": "user", "content": text},
        ]
        try:
            reply = await self._loop(
                messages, tools, lang, self._read_only_tools if read_only else self._tools
            )
        except _TurnFailed as exc:
            # Too many steps is the model's muddle, not a broken service: no welcome buttons.
            return self._turn(
                tools,
                failure_reply(exc.key, tools, lang),
                failed=exc.key != "too_many_steps",
                model_failed=exc.key in MODEL_FAILURES,
            )
        except (HubSpotUnavailable, RateLimited) as exc:
            key = (
                "hubspot_rate_limited"
                if isinstance(exc, RateLimited)
                else "hubspot_misconfigured"
                if isinstance(exc, HubSpotRejectedToken)
                else "hubspot_write_unknown"
                if exc.write_may_have_happened
                else "hubspot_unavailable"
            )
            log.warning("agent turn ended: HubSpot %s", type(exc).__name__)
            return self._turn(tools, failure_reply(key, tools, lang), failed=True)
        return self._turn(tools, truthful(reply, tools, lang))

    async def _loop(
        self,
        messages: list[dict[str, Any]],
        tools: ContactTools,
        lang: str,
        specs: list[dict[str, Any]],
    ) -> str:
        deadline = time.monotonic() + self._timeout
        names = {spec["function"]["name"] for spec in specs}
        done: set[tuple[str, str]] = set()  # (tool, canonical arguments) run this turn
        repeats = bad_arguments = 0
        for call in range(1, self._max_calls + 1):
            message = await self._complete(messages, specs, deadline)
            content = message.content
            calls = [
                (
                    tc.id,
                    getattr(getattr(tc, "function", None), "name", "") or "",
                    getattr(getattr(tc, "function", None), "arguments", "") or "",
                )
                for tc in message.tool_calls or []
            ]
            if not calls:
                written = text_tool_call(content, names)
                if written is None:
                    return (content or getattr(message, "refusal", None) or "").strip() or (
                        prompts.message("empty_answer", lang)
                    )
                log.info("read a tool call the model wrote as text")
                calls = [(f"text_call_{call}", *written)]
                content = None  # the call is the answer, not words for the user
            if call == self._max_calls:
                # No call left to report results: running these tools would act unseen.
                log.info("agent turn stopped at the %d-model-call limit", self._max_calls)
                raise _TurnFailed("too_many_steps")
            messages.append(
                {
                    "role": "assistant",
                    "content": content,
                    "tool_calls": [
                        {
                            "id": cid,
                            "type": "function",
                            "function": {"name": name, "arguments": args},
                        }
                        for cid, name, args in calls
                    ],
                }
            )
            for i, (cid, name, args) in enumerate(calls):
                key = (name, _canonical(args))
                if i >= MAX_TOOL_CALLS_PER_STEP:
                    result = (
                        '{"error":"refused","message":"Too many tool calls at once; '
                        'do one thing at a time."}'
                    )
                elif key in done:
                    repeats += 1
                    result = (
                        '{"error":"repeated","message":"You already made this exact call; '
                        'its result is above. Use it: answer the user, or ask them."}'
                    )
                else:
                    done.add(key)
                    result = await tools.call(name, args)
                    if _error_code(result) == "bad_arguments":
                        bad_arguments += 1
                messages.append({"role": "tool", "tool_call_id": cid, "content": result})
            if repeats > MAX_REPEATS or bad_arguments > MAX_BAD_ARGUMENTS:
                log.info("agent turn stopped: repeated or malformed calls")
                raise _TurnFailed("too_many_steps")
        raise AssertionError("unreachable")  # pragma: no cover - the loop always returns

    async def _complete(
        self, messages: list[dict[str, Any]], specs: list[dict[str, Any]], deadline: float
    ) -> Any:
        """One model call, tried again after a server-side failure while the turn's deadline
        leaves time for it (each pause and try fits in what is left)."""
        for pause in (*RETRY_PAUSES, None):
            try:
                return await self._complete_once(messages, specs, deadline)
            except _TurnFailed as exc:
                if not exc.retry or pause is None:
                    raise
                if deadline - time.monotonic() <= pause + 1.0:  # no time for another try
                    raise
                log.info("model call failed (%s); trying again in %.1f s", exc.key, pause)
                await asyncio.sleep(pause)
        raise AssertionError("unreachable")  # pragma: no cover - the last try raises

    async def _complete_once(
        self, messages: list[dict[str, Any]], specs: list[dict[str, Any]], deadline: float
    ) -> Any:
        """One model call within what is left of the turn's time, errors mapped to _TurnFailed.
        The deadline covers model calls only: a HubSpot write is never cut off halfway."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _TurnFailed("model_timeout")
        try:
            async with asyncio.timeout(remaining):
                response = await self._client.chat.completions.create(
                    model=self._model,
                    # Built as plain dicts (what the history stores); the SDK's TypedDicts match.
                    messages=cast("list[ChatCompletionMessageParam]", messages),
                    tools=cast("list[ChatCompletionToolUnionParam]", specs),
                    tool_choice="auto",
                    temperature=self._temperature,
                    max_completion_tokens=self._max_tokens,
                    timeout=remaining,
                )
        except (TimeoutError, openai.APITimeoutError) as exc:
            log.warning("model call timed out: %s", type(exc).__name__)
            raise _TurnFailed("model_timeout") from exc
        except openai.RateLimitError as exc:
            log.warning("model rate limited (HTTP %s)", exc.status_code)
            raise _TurnFailed("model_busy", retry=True) from exc
        except openai.APIStatusError as exc:
            log.warning("model call failed: HTTP %s", exc.status_code)
            # A 4xx other than 429 is our request's fault: trying it again cannot help.
            raise _TurnFailed("model_error", retry=exc.status_code >= 500) from exc
        except openai.APIConnectionError as exc:
            log.warning("model call failed: %s", type(exc).__name__)
            raise _TurnFailed("model_error", retry=True) from exc
        except openai.OpenAIError as exc:  # malformed responses
            log.warning("model call failed: %s", type(exc).__name__)
            raise _TurnFailed("model_error") from exc
        if not response.choices:
            raise _TurnFailed("model_error")
        return response.choices[0].message

    @staticmethod
    def _turn(
        tools: ContactTools, reply: str, *, failed: bool = False, model_failed: bool = False
    ) -> AgentTurn:
        return AgentTurn(
            reply=reply,
            found=list(tools.found),
            created=tools.created,
            pending_update=tools.pending_update,
            pending_create=tools.pending_create,
            choice=list(tools.choice),
            choice_properties=dict(tools.choice_properties),
            seen_ids=set(tools.seen_ids),
            failed=failed,
            model_failed=model_failed,
        )


def _canonical(arguments: str) -> str:
    """Arguments as compared for repeats: parsed and re-dumped with sorted keys, so spacing and
    key order do not make the same call look new."""
    try:
        return json.dumps(json.loads(arguments or "{}"), sort_keys=True, ensure_ascii=False)
    except ValueError:
        return arguments


def _error_code(result: str) -> str:
    """The "error" of a tool result ('' when the call went through)."""
    try:
        data = json.loads(result)
    except ValueError:
        return ""
    return str(data.get("error", "")) if isinstance(data, dict) else ""
