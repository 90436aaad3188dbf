"""Uploads through a browser form, read only up to a size limit.

Django reads a multipart upload whole (to memory, then to a temporary file) before a view can look at
its size: a 5 GB "CSV" was 5 GB of disk and a long wait before the form said no. A view that takes a
file puts `SizeLimitedUploadHandler` first: it counts the file bytes as they arrive and stops reading
the request at the limit, marking it (`upload_too_large(request)` names the setting) so the view can
say so beside the field. Fields sent before the file (the CSRF token first of all) are kept.

Django reads the body in CsrfViewMiddleware, before the view: so the view must be `csrf_exempt` and
check the token itself after adding the handler (`limited_upload` does both, as Django's docs show).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.views.decorators.csrf import csrf_exempt, csrf_protect

_MARK = "_homecare_upload_too_large"


class SizeLimitedUploadHandler(FileUploadHandler):
    def __init__(self, request, setting: str):
        super().__init__(request)
        self.setting = setting
        self.limit = int(getattr(settings, setting))
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            setattr(self.request, _MARK, (self.setting, self.limit))
            raise StopUpload(connection_reset=True)  # read no further
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handlers (memory or temporary file) make the file


def upload_too_large(request) -> tuple[str, int] | None:
    """(setting, limit) when the request's upload was cut at a limit, else None."""
    return getattr(request, _MARK, None)


def limited_upload(setting: str) -> Callable:
    """View decorator: uploads to this view stop at settings.<setting> bytes; CSRF is still checked."""

    def decorate(view):
        protected = csrf_protect(view)

        @wraps(view)
        @csrf_exempt
        def wrapper(request, *args, **kwargs):
            request.upload_handlers.insert(0, SizeLimitedUploadHandler(request, setting))
            return protected(request, *args, **kwargs)

        return wrapper

    return decorate
