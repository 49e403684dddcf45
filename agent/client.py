"""Build the model client from Settings: OpenAI (or any compatible server), Azure OpenAI, or none.

None means guided mode (cards and typed commands), so an empty environment still gives a working
bot. Azure wins when both are configured, because its settings are the more specific ones. The
SDK retries 429 and 5xx itself (`max_retries`, honouring Retry-After); whatever still fails
reaches the agent loop as an `openai` exception and ends that turn with a clear message.

The key goes into the client and nowhere else: it is never logged or returned.
"""

from __future__ import annotations

from openai import AsyncAzureOpenAI, AsyncOpenAI

from config import ConfigError, Settings

MAX_RETRIES = 2


def model_name(settings: Settings) -> str:
    """What goes in the request's `model`: for Azure, the deployment name."""
    if settings.azure_openai:
        return settings.azure_openai_deployment
    return settings.openai_model


def build_client(
    settings: Settings, *, max_retries: int = MAX_RETRIES
) -> AsyncOpenAI | AsyncAzureOpenAI | None:
    """The configured async client, or None when no model is configured. Raises ConfigError for
    an Azure endpoint without a deployment (the request could go nowhere)."""
    timeout = settings.model_timeout_seconds
    if settings.azure_openai:
        if not settings.azure_openai_deployment:
            raise ConfigError(
                "AZURE_OPENAI_DEPLOYMENT is required with AZURE_OPENAI_ENDPOINT "
                "(the name of your chat model deployment)"
            )
        # No azure_deployment here: the SDK then builds /openai/deployments/{model}/... from
        # the request's `model`, which `model_name` sets to the deployment.
        return AsyncAzureOpenAI(
            azure_endpoint=settings.azure_openai_endpoint,
            api_key=settings.azure_openai_api_key,
            api_version=settings.azure_openai_api_version,
            timeout=timeout,
            max_retries=max_retries,
        )
    if settings.openai_api_key:
        return AsyncOpenAI(
            api_key=settings.openai_api_key,
            base_url=settings.openai_base_url or None,
            timeout=timeout,
            max_retries=max_retries,
        )
    return None
