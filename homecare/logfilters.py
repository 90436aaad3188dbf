"""Log records as people on call want to read them. A 4xx response is the client's doing (a page
that does not exist, a role without access, a refused host): one line saying what and where, never
a traceback. Tracebacks are kept for what is ours to fix (5xx and everything else)."""

from __future__ import annotations

import logging


class OneLineClientErrors(logging.Filter):
    """Drop the traceback of a 4xx record from `django.request` or `django.security`, keeping the
    exception's message on the same line ("Forbidden (Permission denied): /x/: Your role does not...")."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        client_error = isinstance(status, int) and 400 <= status < 500
        if record.exc_info and (client_error or record.name.startswith("django.security")):
            exc = record.exc_info[1]
            detail = " ".join(str(exc or "").split())  # one line, whatever the message holds
            record.exc_info = None
            record.exc_text = None
            message = record.getMessage()
            record.msg = f"{message}: {detail}" if detail and detail not in message else message
            record.args = None
        return True
