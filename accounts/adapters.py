"""allauth adapter: accounts come by invitation only."""

from allauth.account.adapter import DefaultAccountAdapter

from core.audit import client_address


class InvitationOnlyAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return False

    def get_client_ip(self, request):
        """The client's address as Enlace's audit and rate limits see it (TRUSTED_PROXY_COUNT proxies
        from the right of X-Forwarded-For): allauth's sign-in limits count per client, not per proxy."""
        return client_address(request) or super().get_client_ip(request)
