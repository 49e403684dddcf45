"""The flows a conversation can take, built once per bot and handed to both routers.

Why a bundle: the card router (flows/router.py) and the typed-line router (flows/commands.py)
reach the same flows; one frozen object keeps their wiring in one place (bots/contact_bot.py
builds it) instead of two long constructor lists.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent.loop import ContactAgent
from agent.memory import Encoding
from contacts.service import ContactsService
from flows.confirm import Confirmations
from flows.create import CreateFlow
from flows.duplicates import DuplicateFlow
from flows.history import HistoryFlow
from flows.merges import MergeFlow
from flows.model_creates import ModelCreates
from flows.model_mode import ModelMode
from flows.paste import PasteFlow
from flows.paste_list import PasteLists
from flows.search import SearchFlow
from flows.updates import UpdateFlow
from flows.writes import WriteLedger
from store import Store


@dataclass(frozen=True)
class Flows:
    """`model` is None in guided mode (no model configured)."""

    search: SearchFlow
    create: CreateFlow
    updates: UpdateFlow
    confirmations: Confirmations
    history: HistoryFlow
    paste: PasteFlow
    duplicates: DuplicateFlow
    merges: MergeFlow
    ledger: WriteLedger
    model: ModelMode | None = None


def build_flows(
    *,
    contacts: ContactsService,
    store: Store,
    encoding: Encoding,
    agent: ContactAgent | None = None,
) -> Flows:
    """Every flow over one contacts service and one store (claims, audit log, history)."""
    ledger = WriteLedger(store)
    confirmations = Confirmations(contacts=contacts, ledger=ledger)
    updates = UpdateFlow(contacts=contacts, ledger=ledger, confirmations=confirmations)
    duplicates = DuplicateFlow(contacts=contacts, updates=updates)
    create = CreateFlow(contacts=contacts, ledger=ledger, duplicates=duplicates)
    model = (
        ModelMode(
            agent=agent,
            confirmations=confirmations,
            ledger=ledger,
            encoding=encoding,
            creates=ModelCreates(create=create, contacts=contacts),
        )
        if agent
        else None
    )
    return Flows(
        search=SearchFlow(contacts=contacts),
        create=create,
        updates=updates,
        confirmations=confirmations,
        history=HistoryFlow(contacts=contacts, store=store),
        paste=PasteFlow(
            contacts=contacts,
            confirmations=confirmations,
            lists=PasteLists(contacts=contacts, ledger=ledger),
        ),
        duplicates=duplicates,
        merges=MergeFlow(contacts=contacts, ledger=ledger),
        ledger=ledger,
        model=model,
    )
