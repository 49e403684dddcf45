"""A real OpenID Connect provider for the sign-in tests: tests/oidc/provider.mjs (the npm package
`oidc-provider`) run by node on 127.0.0.1.

    async with oidc_provider() as op:                 # node, a free port, its test users
        client = await op.register(f"{app_url}/auth/callback")   # dynamic registration
        settings = test_settings(..., **client.settings())

`make test` installs the package (`make oidc`); without node, or without the package, the tests
that need a provider skip and say why.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

OIDC_DIR = Path(__file__).resolve().parent.parent / "oidc"
NODE = shutil.which("node")
INSTALLED = (OIDC_DIR / "node_modules" / "oidc-provider" / "package.json").is_file()


def missing_reason() -> str | None:
    if NODE is None:
        return "node is not installed (the OpenID provider of the sign-in tests runs on node)"
    if not INSTALLED:
        return "oidc-provider is not installed: run `make oidc` (npm ci in tests/oidc)"
    return None


@dataclass(frozen=True)
class Client:
    issuer: str
    client_id: str
    client_secret: str

    def settings(self) -> dict[str, Any]:
        return {
            "webchat_oidc_issuer": self.issuer,
            "webchat_oidc_client_id": self.client_id,
            "webchat_oidc_client_secret": self.client_secret,
        }


@dataclass
class Provider:
    issuer: str
    session: aiohttp.ClientSession

    async def register(self, redirect_uri: str) -> Client:
        async with self.session.post(
            f"{self.issuer}/reg",
            json={
                "redirect_uris": [redirect_uri],
                "grant_types": ["authorization_code"],
                "response_types": ["code"],
                "token_endpoint_auth_method": "client_secret_basic",
            },
        ) as resp:
            body = await resp.json()
            assert resp.status == 201, body
        return Client(self.issuer, body["client_id"], body["client_secret"])


@asynccontextmanager
async def oidc_provider() -> AsyncIterator[Provider]:
    assert NODE is not None
    proc = await asyncio.create_subprocess_exec(
        NODE,
        str(OIDC_DIR / "provider.mjs"),
        cwd=str(OIDC_DIR),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,  # its development-mode warnings
    )
    try:
        assert proc.stdout is not None
        line = await asyncio.wait_for(proc.stdout.readline(), 15)
        if not line:
            raise RuntimeError("the OpenID provider exited before it listened")
        issuer = json.loads(line)["issuer"]
        async with aiohttp.ClientSession() as session:
            yield Provider(issuer, session)
    finally:
        if proc.returncode is None:
            proc.terminate()
        try:
            await asyncio.wait_for(proc.wait(), 5)
        except TimeoutError:
            proc.kill()
            await proc.wait()
