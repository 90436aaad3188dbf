"""Rate limits on the API's writes, per token: one ECM system or script cannot flood the others.

Counted in the default cache (Redis in every setting but the tests'), so all web processes share one
count. Reads are not limited here: they are scoped, paginated and cheap."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class WritesPerToken(SimpleRateThrottle):
    """At most settings.HOMECARE_API_WRITE_RATE writes (e.g. "60/min") per API token; a logged-in
    user's session counts as that user, anyone else by address (they get 401/403 anyway)."""

    scope = "api_write"

    def get_rate(self) -> str:
        # Read on each request (not at import like DRF's default), so a deployment or a test can change it.
        return settings.HOMECARE_API_WRITE_RATE

    def allow_request(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view) -> str:
        token = request.auth
        if token is not None and getattr(token, "pk", None) is not None:
            ident = f"token:{token.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"addr:{self.get_ident(request)}"
        return f"throttle:{self.scope}:{ident}"
