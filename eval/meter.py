"""Counting what the model was asked, as the app's own OpenAI client sends it.

An httpx2 transport (the HTTP client openai 3 uses) around the real one: every request still
goes to the endpoint unchanged; the meter only reads each Chat Completions answer's status and
`usage` (prompt and completion tokens). The harness reads the counters before and after each
step, which gives model calls and tokens per turn without touching the app's code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import httpx2
from openai import AsyncOpenAI


@dataclass
class Counts:
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    errors: int = 0  # answers with an HTTP error status

    def since(self, earlier: Counts) -> Counts:
        return Counts(
            self.calls - earlier.calls,
            self.prompt_tokens - earlier.prompt_tokens,
            self.completion_tokens - earlier.completion_tokens,
            self.errors - earlier.errors,
        )

    def copy(self) -> Counts:
        return Counts(self.calls, self.prompt_tokens, self.completion_tokens, self.errors)


class MeteredTransport(httpx2.AsyncBaseTransport):
    def __init__(self, inner: httpx2.AsyncBaseTransport | None = None) -> None:
        self._inner = inner or httpx2.AsyncHTTPTransport()
        self.counts = Counts()

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        response = await self._inner.handle_async_request(request)
        if not request.url.path.endswith("/chat/completions"):
            return response
        body = await response.aread()
        await response.aclose()
        self.counts.calls += 1
        if response.status_code >= 400:
            self.counts.errors += 1
        else:
            try:
                usage = json.loads(body).get("usage") or {}
            except ValueError:
                usage = {}
            self.counts.prompt_tokens += int(usage.get("prompt_tokens") or 0)
            self.counts.completion_tokens += int(usage.get("completion_tokens") or 0)
        # The body was read (decoded) here: hand the SDK a plain response of the same bytes.
        headers = [
            (k, v)
            for k, v in response.headers.multi_items()
            if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")
        ]
        return httpx2.Response(response.status_code, headers=headers, content=body)

    async def aclose(self) -> None:
        await self._inner.aclose()


def metered_client(
    *, base_url: str, api_key: str, timeout: float, max_retries: int = 2
) -> tuple[AsyncOpenAI, MeteredTransport]:
    """An OpenAI client for the app (as `agent/client.py` builds it) whose calls are counted."""
    transport = MeteredTransport()
    client = AsyncOpenAI(
        api_key=api_key,
        base_url=base_url,
        timeout=timeout,
        max_retries=max_retries,
        http_client=httpx2.AsyncClient(transport=transport, timeout=timeout),
    )
    return client, transport
