"""Only what must differ in production; every value still comes from the environment
(see docs/deploy.md for the list)."""

from .base import *  # noqa: F403
from .base import DATABASES, HOMECARE_BEHIND_PROXY, SPECTACULAR_SETTINGS, env, logging_config
from .safety import refuse_unsafe

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")  # required: no default in production
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")  # required
HOMECARE_REQUIRE_MFA = env.bool("HOMECARE_REQUIRE_MFA", default=True)
ACCOUNT_EMAIL_VERIFICATION = "mandatory"

refuse_unsafe(debug=DEBUG, secret_key=SECRET_KEY, allowed_hosts=ALLOWED_HOSTS)
# Demo commands (seed_demo, demo_logins, demo_reports) refuse to run under these settings.
HOMECARE_PRODUCTION = True

# HTTPS only. X-Forwarded-Proto is trusted only behind the proxy docker-compose puts in front (Caddy
# terminates TLS and sets the header itself, whatever a client sent); gunicorn is not published.
# Anywhere else a client could claim "https" with a header of its own.
if HOMECARE_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# /health/ is called by the load balancer over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
# Health and care data on shared machines: sessions end when the browser closes, and after 8 hours.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=8 * 60 * 60)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=587)
EMAIL_HOST_USER = env("DJANGO_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("DJANGO_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("DJANGO_EMAIL_USE_TLS", default=True)

# The API schema's own warnings (views without a declared serializer) are a development matter,
# checked by the test suite, not a deployment one: keep them out of `check --deploy`.
SPECTACULAR_SETTINGS = {**SPECTACULAR_SETTINGS, "ENABLE_DJANGO_DEPLOY_CHECK": False}

# Base's logging (a 4xx on one line), at INFO unless DJANGO_LOG_LEVEL says otherwise.
LOGGING = logging_config(env("DJANGO_LOG_LEVEL", default="INFO"))
