"""Building the model client from Settings: none (guided mode), OpenAI or a compatible server,
or Azure OpenAI; and the key reaching the server it belongs to, and nowhere else."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from openai import AsyncAzureOpenAI, AsyncOpenAI

from agent.client import build_client, model_name
from agent.loop import ContactAgent
from config import ConfigError, Settings
from tests.support.agent_stack import AgentStack, agent_stack
from tests.support.scripted_openai import text

KEY = "sk-test-not-a-real-key-1234"


@pytest.fixture
async def stack() -> AsyncIterator[AgentStack]:
    async with agent_stack() as s:
        yield s


def test_no_model_settings_means_guided_mode() -> None:
    assert build_client(Settings()) is None


def test_openai_settings() -> None:
    client = build_client(
        Settings(openai_api_key=KEY, openai_model="gpt-4.1-mini", model_timeout_seconds=12.5)
    )
    assert isinstance(client, AsyncOpenAI) and not isinstance(client, AsyncAzureOpenAI)
    assert client.timeout == 12.5 and client.max_retries == 2
    assert model_name(Settings(openai_api_key=KEY, openai_model="gpt-4.1-mini")) == "gpt-4.1-mini"


def test_azure_settings_use_the_deployment_as_model() -> None:
    settings = Settings(
        azure_openai_endpoint="https://contoso.openai.azure.com",
        azure_openai_api_key=KEY,
        azure_openai_deployment="contoso-gpt",
        openai_api_key="sk-other",
    )
    assert isinstance(build_client(settings), AsyncAzureOpenAI)
    assert model_name(settings) == "contoso-gpt"


def test_azure_without_deployment_is_a_clear_config_error() -> None:
    settings = Settings(
        azure_openai_endpoint="https://contoso.openai.azure.com", azure_openai_api_key=KEY
    )
    with pytest.raises(ConfigError, match="AZURE_OPENAI_DEPLOYMENT"):
        build_client(settings)


async def test_compatible_server_by_base_url(stack: AgentStack) -> None:
    settings = Settings(
        openai_api_key=KEY, openai_model="local-model", openai_base_url=stack.openai.base_url
    )
    stack.openai.script(text("Hi there."))
    client = build_client(settings)
    assert client is not None
    async with client:
        agent = ContactAgent(client, model=model_name(settings), contacts=stack.contacts)
        turn = await agent.run("hello", history=[], lang="en", known_ids=())

    assert turn.reply == "Hi there."
    [request] = stack.openai.requests
    assert request.headers["Authorization"] == f"Bearer {KEY}"
    assert request.body["model"] == "local-model"
    # The key goes to the model server only: never into what the model reads.
    assert KEY not in str(request.body)


async def test_azure_settings_end_to_end(stack: AgentStack) -> None:
    settings = Settings(
        azure_openai_endpoint=stack.openai.azure_endpoint,
        azure_openai_api_key=KEY,
        azure_openai_deployment="contoso-gpt",
        azure_openai_api_version="2024-10-21",
    )
    stack.openai.script(text("Hi."))
    client = build_client(settings)
    assert client is not None
    async with client:
        agent = ContactAgent(client, model=model_name(settings), contacts=stack.contacts)
        await agent.run("hello", history=[], lang="en", known_ids=())

    [request] = stack.openai.requests
    assert request.path == "/openai/deployments/contoso-gpt/chat/completions"
    assert request.headers["api-key"] == KEY
