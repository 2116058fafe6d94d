"""How the OpenAPI schema describes the API's two ways of authenticating."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "pilote.api.authentication.ApiTokenAuthentication"
    name = "jeton"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Jeton personnel créé dans « Mon compte » (Bearer pct_…).",
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "pilote.api.authentication.SessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": "sessionid",
            "description": "La session du navigateur connecté (écritures : en-tête X-CSRFToken).",
        }
