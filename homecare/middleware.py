"""Deny by default for HTML: every page needs a login except the few listed public ones."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect

PUBLIC_PREFIXES = ("/accounts/", "/static/", "/health/", "/api/")  # the API answers 401/403 itself


class LoginRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated and not request.path.startswith(PUBLIC_PREFIXES):
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)


class MfaRequiredMiddleware:
    """With HOMECARE_REQUIRE_MFA on, a user whose roles need MFA must set up TOTP before anything else.

    The account pages stay open (that is where TOTP is set up, after allauth asks for the password
    again). A session without TOTP gets 403 from the API too: otherwise a password alone would
    reach the data through /api/. Token requests are not sessions and are unaffected."""

    ALLOWED = ("/accounts/", "/static/", "/health/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            settings.HOMECARE_REQUIRE_MFA
            and user.is_authenticated
            and getattr(user, "needs_mfa", False)
            and not request.path.startswith(self.ALLOWED)
        ):
            from allauth.mfa.models import Authenticator

            if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                if request.path.startswith("/api/"):
                    message = "Set up two-factor authentication before using the API with a session."
                    return JsonResponse({"errors": [{"path": "", "message": message}]}, status=403)
                return redirect("mfa_activate_totp")
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """A Content-Security-Policy on every response, and `Cache-Control: no-store` on every response
    the application makes (pages, API, downloads: nearly all carry personal data, and a shared or
    back-button cache must not keep them). Static files are served before this (WhiteNoise) and keep
    their long cache headers; they hold no personal data.

    The policy (settings.CONTENT_SECURITY_POLICY) allows scripts, styles, fonts and connections only
    from our own origin: no inline script, no `style=""`, nothing from another origin."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = "; ".join(
            f"{directive} {' '.join(sources)}".strip()
            for directive, sources in settings.CONTENT_SECURITY_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", self.policy)
        if "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "no-store"
        return response


class RefuseNulMiddleware:
    """A NUL character in the query string is refused (400) before any view reads it: PostgreSQL
    cannot hold it in text, so a filter with one would fail deep in a query instead."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.GET.urlencode() or any("\x00" in k or "\x00" in v for k, v in request.GET.items()):
            message = "A query parameter holds a NUL character."
            if request.path.startswith("/api/"):
                return JsonResponse({"errors": [{"path": "", "message": message}]}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
