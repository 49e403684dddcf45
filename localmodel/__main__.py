"""`python -m localmodel setup | run | settings` (what `make model` and `make model-run` call).

    setup      download + verify the weights, build llama-server (idempotent, resumable)
    run        start llama-server on 127.0.0.1 and print OPENAI_BASE_URL/_API_KEY/_MODEL
    settings   print those three settings only

Environment: LOCAL_MODEL_GGUF (use this GGUF, skip the download), LOCAL_MODEL_DIR (instead of
.model/), LOCAL_MODEL_PORT (8080), LOCAL_MODEL_THREADS (2), LOCAL_MODEL_CONTEXT (8192),
LOCAL_MODEL_API_KEY (none).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from localmodel import DEFAULT_FOLDER
from localmodel.build import ensure_server, server_path
from localmodel.server import LocalServer, ServerOptions
from localmodel.weights import GGUF_NAME, SetupError, ensure_weights


def folder() -> Path:
    return Path(os.environ.get("LOCAL_MODEL_DIR") or DEFAULT_FOLDER)


def gguf_path(*, fetch: bool) -> Path:
    """The user's GGUF when LOCAL_MODEL_GGUF is set, else ours (downloaded when `fetch`)."""
    own = os.environ.get("LOCAL_MODEL_GGUF")
    if own:
        path = Path(own).expanduser()
        if not path.is_file():
            raise SetupError(f"LOCAL_MODEL_GGUF={own}: no such file")
        return path
    if fetch:
        return ensure_weights(folder())
    path = folder() / GGUF_NAME
    if not path.is_file():
        raise SetupError("no weights yet: run `make model` first")
    return path


def options(*, fetch: bool = False) -> ServerOptions:
    binary = server_path(folder())
    if not binary.is_file():
        raise SetupError("llama-server is not built yet: run `make model` first")
    return ServerOptions.from_env(binary, gguf_path(fetch=fetch))


def print_settings(opts: ServerOptions) -> None:
    print("Point the bot at the local model with (e.g. in .env):")
    for key, value in opts.settings().items():
        print(f"{key}={value}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m localmodel", description=__doc__)
    parser.add_argument("command", choices=["setup", "run", "settings"])
    args = parser.parse_args(argv)
    try:
        if args.command == "setup":
            folder().mkdir(parents=True, exist_ok=True)
            gguf = gguf_path(fetch=True)
            binary = ensure_server(folder())
            print(f"ready: {binary}\n       {gguf}\nstart it with: make model-run")
            return 0
        opts = options()
        if args.command == "settings":
            print_settings(opts)
            return 0
        server = LocalServer(opts, log_file=folder() / "server.log")
        # A plain `kill` must stop the server too, not leave it running without us.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        print(f"starting llama-server on {opts.host}:{opts.port} (log: {folder()}/server.log) ...")
        server.start()
        print_settings(opts)
        print("Ctrl-C stops it.")
        try:
            return server.wait()
        except KeyboardInterrupt:
            return 0
        finally:
            server.stop()
    except (SetupError, RuntimeError) as exc:
        print(f"localmodel: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
