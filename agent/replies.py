"""What the agent says when the model's words cannot be sent as they are.

Truthful replies: a model says "The title has been updated" with no tool call at all, or "saved"
when it only prepared a change that waits for Confirm (agent/guards.py `claims_write` spots it);
the user is told what did happen instead. Failures: the agent's own message, plus what the turn
had already done, so a user never believes a write did not happen (and repeats it) or misses a
waiting Confirm or Create.
"""

from __future__ import annotations

import logging

from agent import prompts
from agent.guards import claims_write
from agent.tools import ContactTools

log = logging.getLogger(__name__)


def truthful(reply: str, tools: ContactTools, lang: str) -> str:
    """The model's reply, unless it claims a write this turn did not make: then what did
    happen, in the agent's own words (a create this turn made, or one made before that this
    turn met again, is true to claim)."""
    if tools.created is not None or tools.done_before or not claims_write(reply):
        return reply
    log.info("replaced a reply that claimed a write that did not happen")
    if tools.pending_create is not None:
        return prompts.message("create_awaits_confirm", lang)
    if tools.pending_update is not None:
        name = tools.pending_update.display_name or f"#{tools.pending_update.contact_id}"
        return prompts.message("update_awaits_confirm", lang, name=name)
    return prompts.message("nothing_written", lang)


def failure_reply(key: str, tools: ContactTools, lang: str) -> str:
    """The agent's own message, plus what the turn had already done, so a user never
    believes a write did not happen (and repeats it) or misses a waiting Confirm."""
    parts = [prompts.message(key, lang)]
    if tools.created is not None:
        parts.append(
            prompts.message("created_before_failure", lang, name=tools.created.display_name)
        )
    if tools.pending_update is not None:
        name = tools.pending_update.display_name or f"#{tools.pending_update.contact_id}"
        parts.append(prompts.message("update_awaits_confirm", lang, name=name))
    if tools.pending_create is not None:
        parts.append(prompts.message("create_awaits_confirm", lang))
    return " ".join(parts)
