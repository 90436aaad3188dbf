#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homecare.settings.local")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        # The settings refuse what is unsafe (local settings on a public host name, no production
        # secret: homecare/settings/safety.py, production.py). Say why in one line and stop.
        sys.exit(f"manage.py: {exc}")
