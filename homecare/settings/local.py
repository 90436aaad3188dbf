from .base import *  # noqa: F403
from .base import DATABASES, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Local demo: no email round trip needed to try the demo logins.
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="optional")

# Locally the maintenance role is the private cluster's superuser (scripts/db-up.sh), on the same
# database as the application's role.
if "maintenance" not in DATABASES:
    DATABASES["maintenance"] = {**DATABASES["default"], "USER": "postgres", "PASSWORD": ""}
