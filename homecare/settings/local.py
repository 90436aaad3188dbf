from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, SECRET_KEY, env
from .safety import refuse_unsafe

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Local demo: no email round trip needed to try the demo logins.
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="optional")

# Not on a public host name with DEBUG or the development key (homecare/settings/safety.py).
refuse_unsafe(debug=DEBUG, secret_key=SECRET_KEY, allowed_hosts=ALLOWED_HOSTS)
