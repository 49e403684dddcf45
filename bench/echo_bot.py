"""The bare Bot Framework SDK echo bot: the baseline bench/load.py measures the product against.

A copy of the SDK's own sample (BotBuilder-Samples, python/02.echo-bot: `bots/echo_bot.py`,
`config.py` and `app.py` in one file), with nothing of ours in it: botbuilder-core's
ActivityHandler echoing the text, botbuilder-integration-aiohttp's CloudAdapter on
/api/messages, no authentication (no app id). The one change: `create_app()` builds the
application instead of a module-level APP, so a bench can start it on a port of its own.

    .venv/bin/python -m bench.echo_bot      # http://localhost:3978/api/messages
"""

from __future__ import annotations

import os
import sys
import traceback
from datetime import UTC, datetime
from typing import cast

from aiohttp import web
from aiohttp.web import Request, Response
from botbuilder.core import ActivityHandler, MessageFactory, TurnContext
from botbuilder.core.integration import aiohttp_error_middleware
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity, ActivityTypes, ChannelAccount


class DefaultConfig:
    """Bot Configuration"""

    PORT = 3978
    APP_ID = os.environ.get("MicrosoftAppId", "")
    APP_PASSWORD = os.environ.get("MicrosoftAppPassword", "")
    APP_TYPE = os.environ.get("MicrosoftAppType", "MultiTenant")
    APP_TENANTID = os.environ.get("MicrosoftAppTenantId", "")


class EchoBot(ActivityHandler):  # type: ignore[misc]  # the SDK ships no types
    async def on_members_added_activity(
        self, members_added: list[ChannelAccount], turn_context: TurnContext
    ) -> None:
        for member in members_added:
            if member.id != turn_context.activity.recipient.id:
                await turn_context.send_activity("Hello and welcome!")

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        await turn_context.send_activity(MessageFactory.text(f"Echo: {turn_context.activity.text}"))


async def on_error(context: TurnContext, error: Exception) -> None:
    """Catch-all for errors (the sample's): log, tell the user, and send a trace activity to the
    Emulator."""
    print(f"\n [on_turn_error] unhandled error: {error}", file=sys.stderr)
    traceback.print_exc()
    await context.send_activity("The bot encountered an error or bug.")
    await context.send_activity("To continue to run this bot, please fix the bot source code.")
    if context.activity.channel_id == "emulator":
        trace_activity = Activity(
            label="TurnError",
            name="on_turn_error Trace",
            timestamp=datetime.now(UTC),
            type=ActivityTypes.trace,
            value=f"{error}",
            value_type="https://www.botframework.com/schemas/error",
        )
        await context.send_activity(trace_activity)


def create_app(config: type[DefaultConfig] = DefaultConfig) -> web.Application:
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(config))
    adapter.on_turn_error = on_error
    bot = EchoBot()

    async def messages(req: Request) -> Response:
        return cast(Response, await adapter.process(req, bot))

    app = web.Application(middlewares=[aiohttp_error_middleware])
    app.router.add_post("/api/messages", messages)
    return app


if __name__ == "__main__":
    web.run_app(create_app(), host="localhost", port=DefaultConfig.PORT)
