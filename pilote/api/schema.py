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


ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "code", "message"],
            "properties": {
                "status": {"type": "integer"},
                "code": {"type": "string"},
                "message": {"type": "string", "description": "En français, à montrer tel quel."},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                    "description": "Les refus champ par champ.",
                },
            },
        }
    },
}
ERRORS = {
    "400": "Requête refusée (filtre, champ ou règle métier), en français",
    "401": "Authentification requise, ou jeton inconnu, révoqué ou expiré",
    "403": "Vos droits ne le permettent pas",
    "404": "Introuvable, ou vous n'y avez pas accès",
    "405": "Méthode non permise",
    "406": "Seul le JSON est servi",
    "412": "L'élément a changé depuis votre lecture (If-Match)",
    "415": "Le corps doit être du JSON",
    "428": "La version lue manque (If-Match ou « version »)",
    "429": "Trop de requêtes : voir Retry-After",
    "503": "Base de données occupée : réessayez (Retry-After)",
}
WRITE_ONLY = {"412", "428"}


def add_error_responses(result, generator, request, public):
    """Document the one JSON error shape (pilote.api.errors) on every operation of the API."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/v1/") or path.startswith(("/api/v1/schema", "/api/v1/docs")):
            continue
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code, description in ERRORS.items():
                if code in WRITE_ONLY and method != "patch":
                    continue
                responses.setdefault(code, {"description": description, "content": reference})
            if method == "get":
                responses.setdefault("304", {"description": "Inchangé (If-None-Match)"})
    return result
