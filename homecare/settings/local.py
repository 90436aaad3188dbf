from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, DATABASES, SECRET_KEY, env
from .safety import refuse_unsafe

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Local demo: no email round trip needed to try the demo logins.
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="optional")

# Not on a public host name with DEBUG or the development key (homecare/settings/safety.py).
refuse_unsafe(debug=DEBUG, secret_key=SECRET_KEY, allowed_hosts=ALLOWED_HOSTS)

# Locally the maintenance role is the private cluster's superuser (scripts/db-up.sh), on the same
# database as the application's role.
if "maintenance" not in DATABASES:
    DATABASES["maintenance"] = {**DATABASES["default"], "USER": "postgres", "PASSWORD": ""}
