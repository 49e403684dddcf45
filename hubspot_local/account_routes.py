"""`GET /account-info/v3/details` and the read-only record page its links point at.

The bot builds "Open in HubSpot" links from account-info (`uiDomain`, `portalId`); against the
local HubSpot those links must open too, with no account: so `uiDomain` is this server's own
host:port (and mount path), and `GET /contacts/{portalId}/record/0-1/{id}` answers a small HTML
page naming the contact (404 for a missing one, or another portal). The page needs no token, as
a browser following the link has none; it shows name, email and company, only on loopback.
"""

from __future__ import annotations

import html

from aiohttp import web

from hubspot_local.handlers import controls, reply

ACCOUNT_PATH = "/account-info/v3/details"
RECORD_PATH = "/contacts/{portal_id}/record/0-1/{contact_id}"
#: Routes a browser opens without the API's bearer token.
PAGE_ROUTES = frozenset({"record_page"})
#: The record page is plain HTML with no script, style, image or form: the policy allows none,
#: so a contact's name or company (escaped anyway) could never run or load anything.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


async def account_details(request: web.Request) -> web.Response:
    """HubSpot's answer shape; uiDomain is where this server is reached (plus any mount)."""
    mount = request.path[: -len(ACCOUNT_PATH)] if request.path.endswith(ACCOUNT_PATH) else ""
    return reply(
        {
            "portalId": controls(request).portal_id,
            "accountType": "DEVELOPER_TEST",
            "timeZone": "UTC",
            "companyCurrency": "USD",
            "additionalCurrencies": [],
            "utcOffset": "+00:00",
            "utcOffsetMilliseconds": 0,
            "uiDomain": f"{request.host}{mount}",
            "dataHostingLocation": "local",
        }
    )


async def record_page(request: web.Request) -> web.Response:
    portal, key = request.match_info["portal_id"], request.match_info["contact_id"]
    rec = None
    if portal == str(controls(request).portal_id) and key.isdigit() and len(key) <= 18:
        rec = await controls(request).store.get(key)
    if rec is None:
        return web.Response(
            status=404,
            text=_page("Contact not found", "<p>No such contact.</p>"),
            content_type="text/html",
            headers=PAGE_HEADERS,
        )
    props = rec.props
    name = " ".join(p for p in (props.get("firstname"), props.get("lastname")) if p)
    title = name or props.get("email") or f"Contact {rec.id}"
    rows = "".join(
        f"<tr><th>{label}</th><td>{html.escape(props[prop])}</td></tr>"
        for label, prop in (("Email", "email"), ("Company", "company"), ("Phone", "phone"))
        if props.get(prop)
    )
    body = f"<h1>{html.escape(title)}</h1><table>{rows}</table><p>Record {rec.id}</p>"
    return web.Response(
        text=_page(title, body), content_type="text/html", charset="utf-8", headers=PAGE_HEADERS
    )


def _page(title: str, body: str) -> str:
    return (
        "<!doctype html><html lang=en><meta charset=utf-8>"
        f"<title>{html.escape(title)} | local HubSpot</title><body>{body}</body></html>"
    )


def add_routes(app: web.Application) -> None:
    app.router.add_get(ACCOUNT_PATH, account_details, name="account_info")
    app.router.add_get(RECORD_PATH, record_page, name="record_page")
