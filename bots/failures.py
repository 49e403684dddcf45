"""What happens when something fails outside every flow: a request that is not an activity, or a
turn that raised. The flows answer everything a user can cause themselves (bad input, HubSpot
down) with a clear line; what is left here is a bug, or a channel that cannot be reached.

Why no traceback anywhere: a traceback in the chat shows internals to users, and one in the log
can carry contact data or request details from the frames it prints. The log gets the kind of
failure and the first line of its message (enough to find the cause), the user one plain line
in their language. Why a malformed body is checked here: the SDK reads it before it checks the
token and answers anything it cannot parse with a 500 and a traceback, even from an anonymous
caller; a 400 or 415 with one WARNING line is what a bad request deserves (and a lone UTF-16
surrogate in an id, a name or an address, which nothing can keep, is one of those).

An invoke is answered in its own HTTP response, so a turn that failed gets an invoke error
answer (never the SDK's bare 501), and one the bot has no use for a 400. A store that cannot be
reached is neither a bug nor the user's doing: every route answers it with 503 and Retry-After
(`store_unavailable`), so the channel delivers again, and a background turn waits for it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from azure.core.exceptions import DeserializationError  # what msrest raises
from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    AdaptiveCardInvokeResponse,
    Error,
    ErrorResponse,
)
from msrest.exceptions import ClientRequestError, HttpOperationError

from cards import language_for, text
from ground.json_input import InvalidUnicode, check_unicode, loads_limited
from store import StoreUnavailable

log = logging.getLogger(__name__)

_MESSAGE_CHARS = 200
# What a person typed or a card carried: a lone surrogate there is the flows' to name ("it
# contains characters that are not text"), and the stores keep it escaped. Anywhere else in an
# activity it is refused with a 400.
TYPED_FIELDS = frozenset({"text", "value", "attachments", "entities", "channelData", "speak"})


def brief(error: BaseException) -> str:
    """`Type: first line of the message`, cut short: for a log line, never a traceback."""
    lines = str(error).strip().splitlines()
    first = lines[0] if lines else ""
    if len(first) > _MESSAGE_CHARS:
        first = first[: _MESSAGE_CHARS - 1] + "…"
    return f"{type(error).__name__}: {first}" if first else type(error).__name__


async def on_turn_error(context: TurnContext, error: Exception) -> None:
    """The adapter's last line of defence (`adapter.on_turn_error`): log without the traceback,
    tell the user plainly. A channel that cannot be reached (a wrong or dead `serviceUrl`) is
    logged as a WARNING and not written to again; anything else is a bug and an ERROR."""
    activity = context.activity
    if isinstance(error, StoreUnavailable):
        # Not the user's problem and not a bug: the turn runs again once the store is back
        # (bots/inbox.py), or the POST is answered 503 and the channel delivers it again.
        log.warning("a %s turn found the store unreachable: %s", activity.type, brief(error))
        raise error
    if isinstance(error, (ClientRequestError, HttpOperationError)):
        log.warning("could not reply on the channel (%s activity): %s", activity.type, brief(error))
        return
    log.error("unhandled error in a %s turn: %s", activity.type, brief(error))
    if activity.type == ActivityTypes.invoke:
        # The invoke's HTTP answer is all the client sees: an invoke error answer, not the
        # SDK's bare 501 (or a 500) for a turn that produced none.
        await context.send_activity(
            Activity(
                type=ActivityTypes.invoke_response,
                value=InvokeResponse(
                    status=200,
                    body=AdaptiveCardInvokeResponse(
                        status_code=500,
                        type="application/vnd.microsoft.error",
                        value={"code": "InternalError", "message": "The action could not be done."},
                    ),
                ),
            )
        )
        return
    if activity.type != ActivityTypes.message:
        return
    lang = language_for(activity.locale if isinstance(activity.locale, str) else None)
    try:
        await context.send_activity(Activity(type=ActivityTypes.message, text=text(lang, "error")))
    except Exception as exc:  # the channel failed too: there is no one left to tell
        log.warning("could not tell the user about it: %s", brief(exc))


RETRY_AFTER_SECONDS = 2  # a PostgreSQL restart takes about a second


@web.middleware
async def store_unavailable(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Any route that found the store unreachable answers 503 with Retry-After (and a body in
    Direct Line's ErrorResponse shape), never a 500: the channel, or the page, sends again."""
    try:
        return await handler(request)
    except StoreUnavailable as exc:
        log.warning("answered %s with 503: %s", request.path, brief(exc))
        return web.json_response(
            {"error": {"code": "ServiceUnavailable", "message": "Try again in a moment."}},
            status=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )


def invoke_refusal(message: str) -> InvokeResponse:
    """A 400 answer to an invoke the bot cannot take, with a line that says why."""
    return InvokeResponse(
        status=400, body=ErrorResponse(error=Error(code="BadRequest", message=message))
    )


async def read_activity(request: web.Request) -> tuple[dict[str, Any], Activity] | web.Response:
    """The POST's body as JSON and as the SDK's Activity, or a response refusing a body that
    is not a Bot Framework activity (wrong content type, not JSON, not an object, fields of the
    wrong shape). Read once: the JSON and its deserialization cost a turn a millisecond each.
    aiohttp keeps the body, so an invoke the adapter handles reads the same bytes again."""
    # The media type itself, not a substring: `text/plain; x=application/json` is a request a
    # web page may send cross-site without a preflight, and in local mode nothing else stands
    # between such a page and the CRM (the SDK itself only looks for the substring).
    if request.content_type != "application/json":
        log.warning("refused a request to %s: content type is not JSON", request.path)
        return web.Response(status=415, text="Expected an application/json activity.")
    try:
        body = loads_limited(await request.read())
        if not isinstance(body, dict):
            raise ValueError("not a JSON object")
        check_unicode(body, free_text=TYPED_FIELDS)
        activity = Activity().deserialize(body)
    except InvalidUnicode:
        # In an id, a name or an address nothing could keep or answer it: refused before any
        # turn, the same on every redelivery (a channel does not redeliver a 4xx).
        log.warning("refused a request to %s: text that is not valid Unicode", request.path)
        return web.Response(
            status=400,
            text="The activity holds text that is not valid Unicode (a lone UTF-16 surrogate).",
        )
    except (ValueError, DeserializationError, RecursionError) as exc:  # UnreadableJson too
        # The kind only: the message quotes the body, which may hold what someone typed.
        log.warning(
            "refused a request to %s: not an activity (%s)", request.path, type(exc).__name__
        )
        return web.Response(status=400, text="The request body is not a valid activity.")
    return body, activity
