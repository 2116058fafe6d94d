"""Requests per token (and per logged-in user, and per address for anonymous clients)."""

from rest_framework.throttling import SimpleRateThrottle

from pilote.accounts.token_models import ApiToken


class PerTokenThrottle(SimpleRateThrottle):
    """Limit each token to settings.API_RATE_PER_TOKEN, anonymous clients to API_RATE_ANONYMOUS.

    Each token counts apart (two scripts of one person do not share a budget); a browser
    session counts per user.
    """

    def get_rate(self):
        return None  # chosen per request in allow_request

    def allow_request(self, request, view):
        self.scope = "token" if request.user and request.user.is_authenticated else "anonymous"
        self.rate = self.THROTTLE_RATES.get(self.scope)
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"address-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
