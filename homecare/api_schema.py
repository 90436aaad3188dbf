"""OpenAPI (drf-spectacular) description of our token authentication, so the schema and
/api/docs/ show how to authenticate. Imported by homecare.apps.HomecareConfig.ready()."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension


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
