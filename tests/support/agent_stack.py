"""The agent's real surroundings for tests and the token benchmark: the local HubSpot API on a
random loopback port, the official SDK adapter pointed at it, the real ContactsService, and a
scripted OpenAI-compatible server; plus what a test needs to check what HubSpot holds.

    async with agent_stack() as s:
        jane = await s.add(firstname="Jane", lastname="Doe", email="jane@acme.com")
        s.openai.script(tool_call("SearchContact", {"query": "Jane"}), text("Found Jane."))
        turn = await s.agent().run("find Jane", history=[], lang="en", known_ids=())
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from agent.loop import ContactAgent
from contacts.hubspot import HubSpotAdapter
from contacts.model import Contact
from contacts.retrying import RetryPolicy
from contacts.service import ContactsService
from hubspot_local.options import Faults
from tests.support.hubspot_server import LocalHubSpot, hubspot_server
from tests.support.scripted_openai import ScriptedOpenAI

# Failures come back at once: tests of "HubSpot is down" must not sit through real backoff.
FAST_RETRY = RetryPolicy(
    attempts=2,
    backoff_base_seconds=0.01,
    backoff_cap_seconds=0.02,
    rate_limit_retries=1,
    rate_limit_default_seconds=0.01,
    rate_limit_cap_seconds=0.02,
)


@dataclass
class AgentStack:
    contacts: ContactsService
    openai: ScriptedOpenAI
    hubspot: LocalHubSpot

    def agent(
        self, *, azure: bool = False, max_retries: int = 0, timeout: float = 10.0, **kwargs: Any
    ) -> ContactAgent:
        client = (
            self.openai.azure_client(max_retries=max_retries, timeout=timeout)
            if azure
            else self.openai.client(max_retries=max_retries, timeout=timeout)
        )
        kwargs.setdefault("model", "contoso-gpt" if azure else "gpt-test")
        return ContactAgent(client, contacts=self.contacts, **kwargs)

    async def add(self, **properties: str) -> Contact:
        """Create a contact through the real service (as a user would have, earlier)."""
        return (await self.contacts.create(properties)).contact

    async def snapshot(self) -> dict[str, dict[str, str]]:
        """Every live contact's properties by id, straight from the local HubSpot's store."""
        records, _ = await self.hubspot.store.page(0, 1000)
        return {str(r.id): dict(r.props) for r in records}

    def fail_hubspot(self, status: int = 503) -> None:
        """From now on every HubSpot call fails with `status` (before anything is written)."""
        self.hubspot.controls.faults = Faults(rate=1.0, statuses=(status,), after_commit_share=0.0)


@asynccontextmanager
async def agent_stack() -> AsyncIterator[AgentStack]:
    async with hubspot_server() as hubspot, ScriptedOpenAI() as scripted:
        adapter = HubSpotAdapter(
            hubspot.token, host=hubspot.url, timeout_seconds=5, retry=FAST_RETRY
        )
        try:
            yield AgentStack(contacts=ContactsService(adapter), openai=scripted, hubspot=hubspot)
        finally:
            await adapter.aclose()
