"""Signing in to the Web Chat page with a real OpenID Connect provider (tests/oidc: the npm
package oidc-provider on loopback), in Chromium: the page sends a visitor to the provider, the
user signs in, comes back and chats as themselves -- the bot's audit log names them, a second
user is a second identity, and ALLOWED_USERS / READONLY_USERS match page users by email.
"""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from playwright.async_api import Browser, async_playwright
from playwright.async_api import expect as pw_expect

from app import STORE_KEY
from cards import text, ui
from tests.processes.test_webchat_browser import ARGS, EXECUTABLE, TIMEOUT_MS, ChatPage, _create
from tests.support.botapp import running_app
from tests.support.botapp import test_settings as make_settings
from tests.support.oidc_provider import Provider, missing_reason, oidc_provider
from webchat import assets
from webchat.identity import PageUser
from webchat.sessions import SESSION_COOKIE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(EXECUTABLE is None, reason="no Chromium at /usr/bin/chromium"),
    pytest.mark.skipif(missing_reason() is not None, reason=str(missing_reason())),
    pytest.mark.timeout(90),
]


def free_port() -> int:
    """The app's port must be known before it starts: the provider registers its redirect URI."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def provider() -> AsyncIterator[Provider]:
    async with oidc_provider() as op:
        yield op


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    if not await asyncio.to_thread(assets.is_installed):
        pytest.skip("the Web Chat bundle is not installed (`make webchat-assets`)")
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=EXECUTABLE, args=ARGS)
        try:
            yield browser
        finally:
            await browser.close()


async def signed_in_app(tmp_path: Any, provider: Provider, **overrides: Any) -> Any:
    port = free_port()
    client = await provider.register(f"http://127.0.0.1:{port}/auth/callback")
    settings = make_settings(tmp_path, **client.settings(), **overrides)
    return running_app(settings, port=port)


async def sign_in(browser: Browser, url: str, login: str) -> ChatPage:
    """Open the page as a new browser (no cookies), get sent to the provider, sign in there
    (its login form, then its consent form), and come back to the page."""
    context = await browser.new_context(locale="en-US", viewport={"width": 1000, "height": 900})
    page = await context.new_page()
    chat = ChatPage(page, "en")
    await page.goto(f"{url}/")
    assert not page.url.startswith(url), "the page did not send an unsigned visitor to sign in"
    await page.locator("input[name=login]").fill(login)
    await page.locator("input[name=password]").fill("any password")
    await page.get_by_role("button", name="Sign-in").click()
    await page.get_by_role("button", name="Continue").click()
    await page.wait_for_url(f"{url}/", timeout=TIMEOUT_MS)
    cookies = {c["name"]: c for c in await context.cookies(url)}
    session = cookies[SESSION_COOKIE]
    assert session["httpOnly"] and session["sameSite"] == "Lax" and not session["secure"]
    return chat


async def test_two_users_sign_in_chat_and_are_told_apart(tmp_path, provider, browser):
    async with await signed_in_app(tmp_path, provider) as bot:
        issuer = provider.issuer
        alice = await sign_in(browser, bot.url, "alice")
        await alice.see(ui("en", "welcome_intro"))
        email_a = f"ann.{uuid.uuid4().hex[:6]}@globex.com"
        await _create(alice, {"firstname": "Ann", "lastname": "Lee", "email": email_a})

        bob = await sign_in(browser, bot.url, "bob")
        await bob.see(ui("en", "welcome_intro"))
        email_b = f"bo.{uuid.uuid4().hex[:6]}@initech.com"
        await _create(bob, {"firstname": "Bo", "lastname": "Kim", "email": email_b})

        entries = {e.properties.get("email"): e for e in await bot.app[STORE_KEY].audit_log()}
        a, b = entries[email_a], entries[email_b]
        assert a.actor_id == PageUser(issuer, "alice").user_id
        assert a.actor_name == "Alice Example" and a.channel == "directline"
        assert b.actor_id == PageUser(issuer, "bob").user_id
        assert b.actor_name == "Bob Example"
        assert a.actor_id != b.actor_id and a.actor_id.startswith("dl_")
        assert not [e for e in alice.errors + bob.errors if "Content Security Policy" in e]


async def test_allowed_and_read_only_page_users(tmp_path, provider, browser):
    async with await signed_in_app(
        tmp_path,
        provider,
        allowed_users=("alice@example.com",),
        readonly_users=("carol@example.org",),
    ) as bot:
        await bot.contacts.create(
            {"firstname": "Jane", "lastname": "Doe", "email": "jane@acme.com"}
        )
        count = await bot.hubspot_local.store.count()

        carol = await sign_in(browser, bot.url, "carol")  # read-only: search, never write
        box = carol.page.get_by_role("textbox").last
        await box.fill("find jane@acme.com")
        await box.press("Enter")
        await carol.see("Showing 1 of 1")
        await box.fill("add Ann Lee ann@globex.com")
        await box.press("Enter")
        await carol.see(text("en", "read_only_user")[:40])

        dave = await sign_in(browser, bot.url, "dave")  # signed in, but not on the list
        box = dave.page.get_by_role("textbox").last
        await box.fill("find jane@acme.com")
        await box.press("Enter")
        await dave.see(text("en", "not_allowed")[:40])
        await pw_expect(dave.page.get_by_text(ui("en", "welcome_intro"))).to_have_count(0)

        alice = await sign_in(browser, bot.url, "alice")  # listed: everything
        await alice.see(ui("en", "welcome_intro"))
        box = alice.page.get_by_role("textbox").last
        await box.fill("find jane@acme.com")
        await box.press("Enter")
        await alice.see("Showing 1 of 1")
        assert await bot.hubspot_local.store.count() == count
