"""HubSpot-shaped errors. Handlers raise `ApiError`; the app middleware renders it.

    ApiError(status, body)            any error, rendered as JSON with a correlationId
      built by: validation_error(...)  400 VALIDATION_ERROR ("Property values were not valid")
                bad_request(...)       400 VALIDATION_ERROR with a plain message
                not_found(id)          404 OBJECT_NOT_FOUND
                conflict(existing_id)  409 CONFLICT "Contact already exists. Existing ID: N"

Wording follows /work/shared/hubspot/contacts-api-facts.md §5.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

PORTAL_ID = 1234567  # shows up in HubSpot's property-error items


class ApiError(Exception):
    """An error response: HTTP status plus HubSpot's JSON body (correlationId added on render)."""

    def __init__(
        self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(body.get("message", ""))
        self.status = status
        self.body = body
        self.headers = headers or {}

    def render(self, correlation_id: str | None = None) -> dict[str, Any]:
        body = {"status": "error", **self.body}
        body["correlationId"] = correlation_id or str(uuid.uuid4())
        return body

    def as_standard_error(self, **context: list[str]) -> dict[str, Any]:
        """The batch `StandardError` form of this error (for 207 multi-status bodies)."""
        out: dict[str, Any] = {
            "status": "error",
            "category": self.body.get("category", ""),
            "message": self.body.get("message", ""),
        }
        if "subCategory" in self.body:
            out["subCategory"] = self.body["subCategory"]
        ctx = dict(self.body.get("context") or {})
        ctx.update(context)
        out["context"] = ctx
        out["errors"] = self.body.get("errors", [])
        return out


def property_issue(name: str, error: str, message: str) -> dict[str, Any]:
    """One item of the "Property values were not valid" list."""
    return {
        "isValid": False,
        "message": message,
        "error": error,
        "name": name,
        "localizedErrorMessage": message,
        "portalId": PORTAL_ID,
    }


def validation_error(issues: list[dict[str, Any]]) -> ApiError:
    """400 for bad property values, the body HubSpot sends for create/update (D-OBJECTS)."""
    errors = []
    for item in issues:
        err: dict[str, Any] = {"message": item["message"], "code": item["error"]}
        err["context"] = {"propertyName": [item["name"]]}
        errors.append(err)
    return ApiError(
        400,
        {
            "message": "Property values were not valid: "
            + json.dumps(issues, separators=(",", ":"), ensure_ascii=False),
            "category": "VALIDATION_ERROR",
            "errors": errors,
        },
    )


def bad_request(message: str, *, code: str | None = None) -> ApiError:
    """400 VALIDATION_ERROR with a plain message (search limits, bad inputs, ...)."""
    body: dict[str, Any] = {"message": message, "category": "VALIDATION_ERROR"}
    if code:
        body["errors"] = [{"message": message, "code": code}]
    return ApiError(400, body)


def invalid_json(exc: json.JSONDecodeError) -> ApiError:
    # HubSpot's Jackson wording; no category was seen on this one (facts §5).
    return ApiError(
        400, {"message": f"Invalid input JSON on line {exc.lineno}, column {exc.colno}: {exc.msg}"}
    )


def not_found(object_id: str) -> ApiError:
    # Two spaces after "found." are HubSpot's, verbatim.
    return ApiError(
        404,
        {
            "message": "Object not found.  objectId are usually numeric.",
            "category": "OBJECT_NOT_FOUND",
            "context": {"id": [object_id]},
        },
    )


def conflict(existing_id: int | str) -> ApiError:
    return ApiError(
        409,
        {"message": f"Contact already exists. Existing ID: {existing_id}", "category": "CONFLICT"},
    )


def unauthenticated() -> ApiError:
    return ApiError(
        401,
        {
            "message": "Authentication credentials not found. This API supports OAuth 2.0 "
            "authentication and you can find more details at "
            "https://developers.hubspot.com/docs/methods/auth/oauth-overview",
            "category": "INVALID_AUTHENTICATION",
        },
        headers={"X-HubSpot-Auth-Failure": "401 Unauthorized"},
    )


def missing_scopes(required: str) -> ApiError:
    """What HubSpot answers a token that lacks the call's scope (a Service Key or app made
    without crm.objects.contacts.write, say)."""
    return ApiError(
        403,
        {
            "message": "This app hasn't been granted all required scopes to make this call. "
            "Read more about required scopes here: https://developers.hubspot.com/scopes.",
            "category": "MISSING_SCOPES",
            "errors": [
                {
                    "message": "One or more of the following scopes are required.",
                    "context": {"requiredGranularScopes": [required]},
                }
            ],
            "links": {"scopes": "https://developers.hubspot.com/scopes"},
        },
    )


def rate_limited(policy: str, message: str, headers: dict[str, str]) -> ApiError:
    # The documented 429 has errorType; HubSpot announced category RATE_LIMITS: send both.
    return ApiError(
        429,
        {
            "message": message,
            "errorType": "RATE_LIMIT",
            "category": "RATE_LIMITS",
            "policyName": policy,
            "requestId": str(uuid.uuid4()),
        },
        headers=headers,
    )


def server_error(status: int) -> ApiError:
    """Bodies for injected 5xx faults (HubSpot's own are terse and vary)."""
    messages = {
        500: "internal error",
        502: "Bad Gateway",
        503: "Service Unavailable",
        504: "Gateway Timeout",
    }
    return ApiError(
        status,
        {
            "message": messages.get(status, "error"),
            "category": "INTERNAL_ERROR" if status == 500 else "UNAVAILABLE",
        },
    )
