"""OpenAPI description of the bearer credentials, so /api/docs/ offers "Authorize: Bearer …":
a staff token (bearerAuth) or an integrator's API key (apiKeyAuth), either one. The
schema's hook hotel.api.schema.add_key_scopes keeps apiKeyAuth only on the operations a
key can reach and names their scope (`x-scopes`)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

from hotel.api.scopes import SCOPES


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "hotel.accounts.tokens.BearerTokenAuthentication"
    name = ["bearerAuth", "apiKeyAuth"]

    def get_security_requirement(self, auto_schema):
        return [{"bearerAuth": []}, {"apiKeyAuth": []}]  # alternatives, not both at once

    def get_security_definition(self, auto_schema):
        scopes = "; ".join(f"`{name}`: {text}" for name, text in SCOPES.items())
        return [
            {
                "type": "http",
                "scheme": "bearer",
                "description": "A staff token from POST /api/auth/token.",
            },
            {
                "type": "http",
                "scheme": "bearer",
                "bearerFormat": "hkey_<keyId>_<secret>",
                "description": "An integrator's API key from POST /api/api-keys (managers), "
                "sent as `Authorization: Bearer hkey_…`. It reaches only the operations whose "
                "`x-scopes` it holds (403 elsewhere, 401 once revoked), at most "
                "HOTEL_API_KEY_RATE requests a minute (429 with Retry-After). Scopes: "
                f"{scopes}.",
            },
        ]
