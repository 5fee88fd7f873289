"""API authentication: bearer tokens, the browser session, or anonymous reads."""

from django.contrib.auth.models import AnonymousUser
from ninja.security import HttpBearer, SessionAuth

from .security import needs_second_factor
from .services import user_for_token


class TokenAuth(HttpBearer):
    """`Authorization: Bearer enl_…` with a token from the account's API tokens page."""

    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is None or needs_second_factor(user):
            return None
        request.user = user
        return user


class CookieSession(SessionAuth):
    """The browser session; unsafe methods need the CSRF token."""

    def _get_key(self, request):
        # Without a signed-in session there is nothing to protect: answer 401, not a CSRF 403.
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        if request.user.is_authenticated and request.user.is_active:
            return request.user
        return None


def anonymous(request):
    """Let anonymous readers through; a request carrying credentials that failed is refused."""
    if request.META.get("HTTP_AUTHORIZATION"):
        return None
    return AnonymousUser()


token_auth = TokenAuth()
session_auth = CookieSession(csrf=True)

# Reads: members get more, the public gets published fields only.
READ_AUTH = [token_auth, session_auth, anonymous]
# Writes need an account.
WRITE_AUTH = [token_auth, session_auth]
# How reads are documented: either scheme, or none.
READ_SECURITY = {"security": [{"TokenAuth": []}, {"CookieSession": []}, {}]}
