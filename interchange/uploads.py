"""A bundle upload's body, written to disk as it arrives under HOMECARE_BUNDLE_UPLOAD_MAX_BYTES, so
that the web process's memory stays flat whatever is posted: a JSON body, a multipart `file`, or any
other body taken as the bundle itself. A body announced bigger than the limit is refused before a
byte of it is read; one that turns out bigger is refused as soon as it passes it."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler

from homecare.api_parsers import PayloadTooLarge

# Read and written this much at a time.
CHUNK_BYTES = 64 * 1024
SETTING = "HOMECARE_BUNDLE_UPLOAD_MAX_BYTES"


def _limit() -> int:
    return settings.HOMECARE_BUNDLE_UPLOAD_MAX_BYTES


def _too_large() -> PayloadTooLarge:
    """413 with the JSON error naming the setting, worded as every other limit of the API."""
    return PayloadTooLarge(SETTING, _limit())


class _LimitedDiskHandler(TemporaryFileUploadHandler):
    """Django's handler for a multipart `file` that writes it to disk, stopping at the limit."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > _limit():
            self.file.close()  # the temporary file is deleted with it
            raise _too_large()
        return super().receive_data_chunk(raw_data, start)


def prepare(request) -> None:
    """Before anything reads the body (a logged-in user's CSRF check parses a form): refuse one
    announced longer than the limit, and have a multipart file written to disk under it."""
    try:
        announced = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        announced = 0
    if announced > _limit():
        raise _too_large()
    request._request.upload_handlers = [_LimitedDiskHandler(request._request)]


def receive(request) -> TemporaryUploadedFile | None:
    """The bundle the request carries, on disk (the caller closes it, which deletes it); None when
    a multipart form has no `file`."""
    django_request = request._request
    if request.content_type.startswith("multipart/form-data"):
        upload = django_request.FILES.get("file")
        if upload is not None and not isinstance(upload, TemporaryUploadedFile):
            raise _too_large()  # pragma: no cover - _LimitedDiskHandler makes every file one
        return upload
    upload = TemporaryUploadedFile("bundle.json", request.content_type or "application/json", 0, None)
    size = 0
    while chunk := django_request.read(CHUNK_BYTES):
        size += len(chunk)
        if size > _limit():
            upload.close()
            raise _too_large()
        upload.write(chunk)
    upload.size = size
    upload.seek(0)
    return upload
