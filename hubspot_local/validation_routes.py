"""`GET /crm/v3/property-validations/{objectTypeId}` and `.../{objectTypeId}/{propertyName}`:
the portal's validation rules for contacts (`0-1`), as HubSpot serves them (see `validations`).

Only the contact object lives here: another object type is a 404, as an unknown object type is
in HubSpot (UNCONFIRMED wording). The rules are changed through `Controls.validations` (the
portal admin's settings page is not an API a client of ours would call).
"""

from __future__ import annotations

from aiohttp import web

from hubspot_local.errors import ApiError
from hubspot_local.handlers import controls, reply
from hubspot_local.properties import PROPERTIES
from hubspot_local.validations import CONTACT_OBJECT_TYPES

BASE = "/crm/v3/property-validations"


def _contacts_only(request: web.Request) -> None:
    object_type = request.match_info["object_type"]
    if object_type.lower() not in CONTACT_OBJECT_TYPES:
        raise ApiError(
            404,
            {
                "message": f"Unable to infer object type from: {object_type}",
                "category": "OBJECT_NOT_FOUND",
            },
        )


async def all_rules(request: web.Request) -> web.Response:
    _contacts_only(request)
    return reply({"results": controls(request).validations.to_json()})


async def property_rules(request: web.Request) -> web.Response:
    _contacts_only(request)
    name = request.match_info["property_name"]
    if name not in PROPERTIES:
        raise ApiError(
            404,
            {"message": f"Property {name} does not exist", "category": "OBJECT_NOT_FOUND"},
        )
    rules = controls(request).validations.for_property(name)
    return reply({"results": [r.to_json() for r in rules]})


def add_routes(app: web.Application) -> None:
    app.router.add_get(BASE + "/{object_type}", all_rules, name="property_validations")
    app.router.add_get(
        BASE + "/{object_type}/{property_name}", property_rules, name="property_validation"
    )
