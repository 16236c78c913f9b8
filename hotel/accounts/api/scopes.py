"""API key scopes of the accounts routes (hotel.api.scopes): none. A key cannot trade itself
for a staff token, nor list, create or revoke keys."""

from hotel.api.scopes import STAFF_ONLY, register

register(
    {
        ("auth-token", "POST"): STAFF_ONLY,
        ("auth-token", "DELETE"): STAFF_ONLY,
        ("api-key-list", "GET"): STAFF_ONLY,
        ("api-key-list", "POST"): STAFF_ONLY,
        ("api-key-detail", "GET"): STAFF_ONLY,
        ("api-key-detail", "DELETE"): STAFF_ONLY,
    }
)
