from .base import *  # noqa: F403
from .base import DATABASES, env

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ACCOUNT_EMAIL_VERIFICATION = "optional"
# Several test runs may share one PostgreSQL (parallel sessions): TEST_DB_NAME keeps them apart.
DATABASES["default"]["TEST"] = {"NAME": env("TEST_DB_NAME", default="test_homecare")}
# Unit tests run tasks eagerly; the worker tests start a real worker on a real Redis.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
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
