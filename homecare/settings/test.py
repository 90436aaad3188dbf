from .base import *  # noqa: F403
from .base import DATABASES, env

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ACCOUNT_EMAIL_VERIFICATION = "optional"
# pytest-django creates and migrates the test database as the cluster's superuser (or DATABASE_URL's
# role); tests/conftest.py then switches the suite to the application's role, as the web server and
# the worker run (the worker subprocess is given that role's DATABASE_URL).
DATABASES["default"] = {
    **env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:54329/homecare"),
    "ATOMIC_REQUESTS": False,
    "CONN_MAX_AGE": 0,
}
# Several test runs may share one PostgreSQL (parallel sessions): TEST_DB_NAME keeps them apart.
DATABASES["default"]["TEST"] = {"NAME": env("TEST_DB_NAME", default="test_homecare")}
# The maintenance role of the command line's bulk loads: the creating role, on the same test database.
DATABASES["maintenance"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
APP_DB_ROLE = "homecare_app"
# Unit tests run tasks eagerly; the worker tests start a real worker on a real Redis.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
ROTA_PLANNER_SECONDS = 1.0  # keep the suite fast
ACCOUNT_RATE_LIMITS = False
MEDIA_ROOT = BASE_DIR / ".run" / "test-media"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - WhiteNoise warns on every request otherwise
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Each test starts with an empty cache (tests/conftest.py clears it): rate limits must not carry over.
# tests/test_api_throttling.py checks the Redis cache of base.py across two clients.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
