"""A pasted link that is not a contact record of this portal gets the answer Teams accepts for
"no preview": HTTP 200 with an empty response (no `composeExtension`), never a `result` with an
empty attachment list, and the link stays a link. Teams-shaped queryLink invokes over HTTP.
"""

from __future__ import annotations

import pytest

from hubspot_local.controls import LOCAL_PORTAL_ID
from tests.bots.test_message_extension import bot, previews, query_link  # noqa: F401 (fixture)
from tests.bots.test_message_extension import invoke as extension_invoke


async def _raw(running, activity) -> tuple[int, str]:
    async with running.session.post(f"{running.url}/api/messages", json=activity) as resp:
        return resp.status, await resp.text()


@pytest.mark.parametrize(
    "url",
    [
        f"https://app.hubspot.com/contacts/{LOCAL_PORTAL_ID + 1}/record/0-1/{{id}}",  # foreign
        f"https://app.hubspot.com/contacts/{LOCAL_PORTAL_ID}/record/0-1/999999",  # missing
        f"https://app.hubspot.com/contacts/{LOCAL_PORTAL_ID}/record/0-2/{{id}}",  # a company
        f"https://app.hubspot.com/contacts/{LOCAL_PORTAL_ID}/objects/0-1/views/all/list",
        f"https://evil.example.com/contacts/{LOCAL_PORTAL_ID}/record/0-1/{{id}}",
    ],
)
async def test_other_links_get_an_empty_200_answer(bot, url):  # noqa: F811
    status, body = await _raw(bot, query_link(url.format(id=bot.jane.id)))
    assert (status, body.strip()) == (200, "{}")


async def test_this_portals_record_link_still_unfurls(bot):  # noqa: F811
    assert previews(await extension_invoke(bot, query_link(bot.jane.url))) == ["Jane Doe"]
