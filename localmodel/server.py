"""Start `llama-server` on loopback with our chat template, and say how to point the bot at it.

The bot talks to it as to any OpenAI-compatible endpoint, through three settings:

    OPENAI_BASE_URL=http://127.0.0.1:8080/v1
    OPENAI_API_KEY=local          (any non-empty value: the server checks none unless
                                   LOCAL_MODEL_API_KEY is set, and then it must match)
    OPENAI_MODEL=qwen2.5-coder-1.5b-instruct

Loopback only: the weights and every prompt stay on this machine. 2 threads and an 8k context
by default (about 2 GB resident), one slot so the whole context serves one conversation at a
time and the prompt prefix (system prompt + tool schemas) is reused between calls.

A GGUF the user brings (`LOCAL_MODEL_GGUF=/path/to.gguf`) gets our template only when it carries
the Qwen2.5 template ours was made from; any other model runs with its own (`--jinja`).
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from localmodel.gguf_meta import NotGGUF, template_digest

TEMPLATE = Path(__file__).with_name("qwen2.5-tools.jinja")
# sha256 of the chat template inside the Qwen2.5-Instruct GGUFs, the one TEMPLATE is made from.
QWEN25_TEMPLATE_SHA256 = "d5495a1e5db0611132a97e46a65dbb64a642a499421228b9c8b93229097fa9a4"
MODEL_ALIAS = "qwen2.5-coder-1.5b-instruct"


@dataclass(frozen=True)
class ServerOptions:
    binary: Path
    gguf: Path
    host: str = "127.0.0.1"
    port: int = 8080
    threads: int = 2
    context: int = 8192
    api_key: str = ""  # empty: the server checks no key (it listens on loopback only)
    # The template digest that means "a Qwen2.5 model": TEMPLATE is made for it.
    ours_for_template: str = QWEN25_TEMPLATE_SHA256

    @classmethod
    def from_env(cls, binary: Path, gguf: Path) -> ServerOptions:
        env = os.environ
        return cls(
            binary=binary,
            gguf=gguf,
            port=int(env.get("LOCAL_MODEL_PORT", "8080")),
            threads=int(env.get("LOCAL_MODEL_THREADS", "2")),
            context=int(env.get("LOCAL_MODEL_CONTEXT", "8192")),
            api_key=env.get("LOCAL_MODEL_API_KEY", ""),
        )

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    @property
    def alias(self) -> str:
        return MODEL_ALIAS if self.uses_our_template else self.gguf.stem

    @property
    def uses_our_template(self) -> bool:
        try:
            return template_digest(self.gguf) == self.ours_for_template
        except (NotGGUF, OSError):
            return False

    def command(self) -> list[str]:
        cmd = [str(self.binary), "-m", str(self.gguf), "--host", self.host]
        cmd += ["--port", str(self.port), "-t", str(self.threads), "-c", str(self.context)]
        cmd += ["-np", "1", "--alias", self.alias, "--jinja"]
        if self.uses_our_template:
            cmd += ["--chat-template-file", str(TEMPLATE)]
        if self.api_key:
            cmd += ["--api-key", self.api_key]
        return cmd

    def settings(self) -> dict[str, str]:
        """The three settings that point the bot at this server."""
        return {
            "OPENAI_BASE_URL": self.base_url,
            "OPENAI_API_KEY": self.api_key or "local",
            "OPENAI_MODEL": self.alias,
        }


def healthy(options: ServerOptions) -> bool:
    """True once the server has loaded the model (`/health` answers 200)."""
    url = f"http://{options.host}:{options.port}/health"
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:  # noqa: S310 (loopback URL we built)
            return bool(resp.status == 200 and json.loads(resp.read() or b"{}"))
    except (urllib.error.URLError, OSError, ValueError):
        return False


class LocalServer:
    """A running llama-server child process: `start()` returns once it answers, `stop()` ends
    it. Used by `python -m localmodel run` and by `make eval` when no endpoint is configured."""

    def __init__(self, options: ServerOptions, *, log_file: Path | None = None) -> None:
        self.options = options
        self._log_file = log_file
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, *, timeout: float = 300.0) -> LocalServer:
        if healthy(self.options):
            raise RuntimeError(f"something already answers on port {self.options.port}")
        out = self._log_file.open("ab") if self._log_file else subprocess.DEVNULL
        self._process = subprocess.Popen(self.options.command(), stdout=out, stderr=out)
        deadline = time.monotonic() + timeout
        while not healthy(self.options):
            if self._process.poll() is not None:
                raise RuntimeError(f"llama-server exited with {self._process.returncode}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("llama-server did not answer in time")
            time.sleep(0.5)
        return self

    def wait(self) -> int:
        assert self._process is not None
        return self._process.wait()

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
