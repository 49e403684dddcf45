"""A scripted OpenAI-compatible Chat Completions server, for driving the agent with the real SDK.

    async with ScriptedOpenAI() as server:
        server.script(tool_call("SearchContact", {"query": "Jane"}), text("Found her."))
        agent = ContactAgent(server.client(), model="gpt-test", contacts=contacts)
        turn = await agent.run("find Jane", history=[], lang="en", known_ids=())
        server.requests[1].tool_results()   # what the model saw from the tool

Each POST to `/v1/chat/completions` (or Azure's `/openai/deployments/{dep}/chat/completions`)
takes the next step of the script and records the request (path, query, headers, JSON body).
Steps: `text(...)`, `tool_call(...)` / `tool_calls(...)` (parallel calls), `http_error(status)`
(with `retry-after-ms: 1` so SDK retries are instant), `hang(seconds)`, or a function of the
request body returning a step (for ids only known at run time). An empty script answers 500 and
counts the call in `unexpected_calls`, so a test whose model is called once too often fails.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from openai import AsyncAzureOpenAI, AsyncOpenAI

API_KEY = "sk-scripted-test-key"


@dataclass(frozen=True)
class Step:
    kind: str  # text | tool_calls | error | hang
    content: str | None = None
    calls: tuple[tuple[str, str, str], ...] = ()  # (id, name, arguments JSON)
    status: int = 200
    seconds: float = 0.0
    retry_after_ms: int | None = 1


StepLike = Step | Callable[[dict[str, Any]], Step]
_ids = itertools.count(1)


def text(content: str) -> Step:
    """The model answers with text (the turn's reply)."""
    return Step("text", content=content)


def tool_call(
    name: str,
    arguments: Mapping[str, Any] | str,
    *,
    call_id: str | None = None,
    content: str | None = None,
) -> Step:
    """The model calls one tool. `arguments` may be a raw string, to script malformed JSON."""
    return tool_calls((name, arguments), call_id=call_id, content=content)


def tool_calls(
    *calls: tuple[str, Mapping[str, Any] | str],
    call_id: str | None = None,
    content: str | None = None,
) -> Step:
    """The model calls several tools at once (parallel tool calls)."""
    out = []
    for i, (name, args) in enumerate(calls):
        cid = f"{call_id}_{i}" if call_id and len(calls) > 1 else call_id or f"call_{next(_ids)}"
        out.append((cid, name, args if isinstance(args, str) else json.dumps(args)))
    return Step("tool_calls", content=content, calls=tuple(out))


def http_error(
    status: int, message: str = "scripted error", *, retry_after_ms: int | None = 1
) -> Step:
    return Step("error", status=status, content=message, retry_after_ms=retry_after_ms)


def hang(seconds: float) -> Step:
    """Answer nothing for `seconds` (ended early when the server closes), then a text."""
    return Step("hang", seconds=seconds, content="(late answer)")


@dataclass
class RecordedRequest:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def messages(self) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = self.body.get("messages", [])
        return messages

    def system_prompt(self) -> str:
        return next((m["content"] for m in self.messages if m["role"] == "system"), "")

    def history(self) -> list[dict[str, Any]]:
        """The user/assistant text messages before this turn's user message."""
        msgs = [m for m in self.messages if m["role"] != "system"]
        last_user = max(i for i, m in enumerate(msgs) if m["role"] == "user")
        return msgs[:last_user]

    def tool_results(self) -> list[Any]:
        """Every tool message's content, parsed from JSON when it is JSON."""
        out = []
        for m in self.messages:
            if m["role"] == "tool":
                try:
                    out.append(json.loads(m["content"]))
                except ValueError:
                    out.append(m["content"])
        return out


@dataclass
class ScriptedOpenAI:
    host: str = "127.0.0.1"
    steps: list[StepLike] = field(default_factory=list)
    requests: list[RecordedRequest] = field(default_factory=list)
    unexpected_calls: int = 0

    def __post_init__(self) -> None:
        self._runner: web.AppRunner | None = None
        self._closing = asyncio.Event()
        self._clients: list[AsyncOpenAI] = []
        self.port = 0

    # lifecycle ---------------------------------------------------------------------------
    async def start(self) -> ScriptedOpenAI:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._handle)
        app.router.add_post("/openai/deployments/{deployment}/chat/completions", self._handle)
        self._runner = web.AppRunner(app, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def close(self) -> None:
        self._closing.set()
        for client in self._clients:
            await client.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> ScriptedOpenAI:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # what tests use ------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    @property
    def azure_endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    def script(self, *steps: StepLike) -> ScriptedOpenAI:
        """Queue steps, one per model request, in order."""
        self.steps.extend(steps)
        return self

    @property
    def remaining(self) -> int:
        return len(self.steps)

    def client(self, *, max_retries: int = 0, timeout: float = 10.0) -> AsyncOpenAI:
        """A real SDK client for this server (closed with the server); no retries unless asked."""
        client = AsyncOpenAI(
            api_key=API_KEY, base_url=self.base_url, max_retries=max_retries, timeout=timeout
        )
        self._clients.append(client)
        return client

    def azure_client(
        self, *, max_retries: int = 0, timeout: float = 10.0, api_version: str = "2024-10-21"
    ) -> AsyncAzureOpenAI:
        client = AsyncAzureOpenAI(
            api_key=API_KEY,
            azure_endpoint=self.azure_endpoint,
            api_version=api_version,
            max_retries=max_retries,
            timeout=timeout,
        )
        self._clients.append(client)
        return client

    # the server -----------------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append(
            RecordedRequest(
                path=request.path,
                query=dict(request.query),
                headers=dict(request.headers),
                body=body,
            )
        )
        if not self.steps:
            self.unexpected_calls += 1
            return _error_response(500, "scripted server: the script has no step left", None)
        step = self.steps.pop(0)
        if callable(step):
            step = step(body)
        if step.kind == "error":
            return _error_response(step.status, step.content or "", step.retry_after_ms)
        if step.kind == "hang":
            try:
                await asyncio.wait_for(self._closing.wait(), step.seconds)
            except TimeoutError:
                pass
        return web.json_response(_completion(body.get("model", ""), step))


def _error_response(status: int, message: str, retry_after_ms: int | None) -> web.Response:
    kind = {429: "rate_limit_exceeded", 401: "invalid_api_key"}.get(status, "server_error")
    headers = {"retry-after-ms": str(retry_after_ms)} if retry_after_ms is not None else {}
    return web.json_response(
        {"error": {"message": message, "type": kind, "code": kind, "param": None}},
        status=status,
        headers=headers,
    )


def _completion(model: str, step: Step) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": step.content}
    finish = "stop"
    if step.kind == "tool_calls":
        finish = "tool_calls"
        message["tool_calls"] = [
            {"id": cid, "type": "function", "function": {"name": name, "arguments": args}}
            for cid, name, args in step.calls
        ]
    return {
        "id": f"chatcmpl-{next(_ids)}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }
