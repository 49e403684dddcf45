"""Writes the bot refuses before HubSpot is asked, for the audit log: what was attempted.

Only an attempt that carries a write is recorded (a create form sent, an edit sent, a Confirm,
a typed create or change with values); opening a form or pressing a welcome button is not one.
"""

from __future__ import annotations

from cards import text
from cards.actions import Action
from flows.confirm import Confirmations
from flows.submits import Submit
from flows.turn import Turn
from flows.writes import WriteLedger
from typed import Command


async def record_refused(
    ledger: WriteLedger,
    confirmations: Confirmations,
    turn: Turn,
    reason: str,
    *,
    submit: Submit | None = None,
    command: Command | None = None,
) -> None:
    """Record the write in `submit` or `command` as refused for `reason` (if it is one)."""
    actor = await turn.writer()
    if submit is not None:
        if submit.action is Action.CREATE_SUBMIT and any(submit.inputs.values()):
            await ledger.refused(actor, action="create", reason=reason, properties=submit.inputs)
        elif submit.action is Action.UPDATE_SUBMIT:
            await ledger.refused(
                actor,
                action="update",
                reason=reason,
                contact_id=submit.contact_id,
                properties=submit.inputs,
            )
        elif submit.action is Action.UPDATE_CONFIRM:
            await confirmations.refuse(turn, submit.pending_id, reason)
    elif command is not None and command.properties:
        if command.kind == "create":
            await ledger.refused(
                actor, action="create", reason=reason, properties=command.properties
            )
        elif command.kind == "update":
            target = command.target.lstrip("#")
            await ledger.refused(
                actor,
                action="update",
                reason=reason,
                contact_id=target if target.isdigit() else "",
                target="" if target.isdigit() else target,
                properties=command.properties,
            )
    elif command is not None and command.kind == "yes" and turn.data.pending:
        await confirmations.refuse(turn, next(reversed(turn.data.pending)), reason)


async def refuse_read_only(
    ledger: WriteLedger,
    confirmations: Confirmations,
    turn: Turn,
    *,
    submit: Submit | None = None,
    command: Command | None = None,
) -> None:
    """A read-only user asked for a write: recorded as refused, and told so."""
    await record_refused(ledger, confirmations, turn, "read_only", submit=submit, command=command)
    await turn.say(text(turn.lang, "read_only_user"))
