"""The OpenAPI schema's shared parts (drf-spectacular): our token authentication, the one error body,
and a hook that lists on every operation the errors it can answer with, so that a client (and
schemathesis) finds every status documented. Imported by homecare.apps.HomecareConfig.ready()."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class OrganisationTokenScheme(OpenApiAuthenticationExtension):
    target_class = "commissioning.api.authentication.OrganisationTokenAuthentication"
    name = "organisationToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>`: a key issued by your organisation admin (acts for the organisation).",
        }


class ErrorItemSerializer(serializers.Serializer):
    path = serializers.CharField(
        help_text='Where the problem is, e.g. "attendances[3].check_in"; "" for the whole request'
    )
    message = serializers.CharField()


class ErrorsSerializer(serializers.Serializer):
    """The body of every error answer of the API."""

    errors = ErrorItemSerializer(many=True)


def errors(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorsSerializer, description=description)


NOT_FOUND = errors("Not found, or not yours")

# What each error status means, added by `document_errors` to every operation that can answer with it.
ERROR_STATUSES = {
    "400": "Invalid request: every problem listed with its path",
    "401": "No token or session, or a revoked token",
    "403": "Not allowed for your organisation or role",
    "404": "Not found, or not yours",
    "406": "None of the formats in Accept can be given",
    "413": "The body is over a size limit (the message names the setting)",
    "415": "The body is not JSON",
    "429": "Too many writes with this token: try again after Retry-After seconds",
}
WRITE_METHODS = {"post", "put", "patch", "delete"}
ERRORS_REF = {"$ref": "#/components/schemas/Errors"}


def document_errors(result: dict, generator, request, public) -> dict:
    """Postprocessing hook: every operation lists the error statuses it can answer with, each with
    the error body. Reads 401/403/404/406 (and 400 when they take parameters); writes also 400, 413,
    415 and 429 (the rate limit)."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault(
        "Errors",
        {
            "type": "object",
            "properties": {
                "errors": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {"path": {"type": "string"}, "message": {"type": "string"}},
                        "required": ["path", "message"],
                    },
                }
            },
            "required": ["errors"],
        },
    )
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            codes = {"401", "403", "404", "406"}
            if operation.get("parameters") or method in WRITE_METHODS:
                codes.add("400")
            if method in WRITE_METHODS:
                codes |= {"413", "415", "429"}
            for code in sorted(codes):
                operation["responses"].setdefault(
                    code,
                    {"description": ERROR_STATUSES[code], "content": {"application/json": {"schema": ERRORS_REF}}},
                )
    return result
