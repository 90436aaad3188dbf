"""Bundle uploads as an attacker would meet them: a body over HOMECARE_BUNDLE_UPLOAD_MAX_BYTES is a 413
with the JSON error naming the setting, whatever its encoding; the web process's memory stays flat
while a body many times the limit is refused or one under it is written to disk; a big upload is
imported by the worker and polled, scoped to the provider; a huge single record and a file of bad
records are refused in bounded time."""

from __future__ import annotations

import io
import json
import time
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import ClientHandler, RequestFactory

from commissioning.models import ApiToken
from interchange.importer import MAX_ERRORS, BundleInvalid, import_bundle
from interchange.models import BundleImport
from interchange.reader import MAX_VALUE_CHARS
from rota.models import Visit
from tests.conftest import make_user
from tests.interchange.test_bundle_api import IMPORT, as_user, bundle
from tests.rota.test_ecm import token_client

pytestmark = pytest.mark.django_db
SETTING = "HOMECARE_BUNDLE_UPLOAD_MAX_BYTES"
MB = 1 << 20


class _Body:
    """A request body made as it is read (wsgi.input): `size` bytes of a bundle whose events list
    repeats one record, so the test itself never holds the body."""

    RECORD = b'{"ref": "E", "provider": "P1", "date": "2025-09-08", "kind": "incident", "title": "x"},'

    def __init__(self, size: int):
        self.head = b'{"format": "homecare-bundle/1", "timezone": "Europe/London", "events": ['
        self.size, self.sent = size, 0

    def read(self, n: int = -1) -> bytes:
        n = self.size - self.sent if n < 0 else min(n, self.size - self.sent)
        start = self.sent
        self.sent += n
        if start < len(self.head):
            out = self.head[start : start + n]
            return out + self._records(n - len(out))
        return self._records(n)

    def _records(self, n: int) -> bytes:
        whole = self.RECORD * (n // len(self.RECORD) + 1)
        return whole[:n]

    def readline(self, *args) -> bytes:  # pragma: no cover - Django reads JSON bodies by size
        return self.read(*args)


def _post_streamed(key: str, size: int, content_type: str = "application/json") -> tuple[int, dict, int]:
    """POST a body of `size` bytes through the WSGI handler as a server would hand it over; returns
    (status, JSON body, peak bytes the process allocated meanwhile)."""
    environ = RequestFactory()._base_environ(
        PATH_INFO=IMPORT,
        REQUEST_METHOD="POST",
        CONTENT_TYPE=content_type,
        CONTENT_LENGTH=str(size),
        HTTP_AUTHORIZATION=f"Token {key}",
    )
    environ["wsgi.input"] = _Body(size)
    handler = ClientHandler()
    tracemalloc.start()
    try:
        response = handler(environ)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return response.status_code, json.loads(response.content), peak


def _token_key(provider) -> str:
    token_client(provider)  # creates the provider's token, key "key-P1"
    assert ApiToken.objects.filter(organisation=provider).exists()
    return f"key-{provider.ref}"


def _too_large(response) -> None:
    assert response.status_code == 413, response.content
    (error,) = response.json()["errors"]
    assert error["path"] == "" and SETTING in error["message"]


def test_a_body_many_times_the_limit_is_refused_with_flat_memory(provider, contract, settings):
    settings.HOMECARE_BUNDLE_UPLOAD_MAX_BYTES = 1 * MB
    key = _token_key(provider)
    _post_streamed(key, 2 * MB)  # the first request's one-off costs (imports, URL resolver) are not the body's
    status, body, peak = _post_streamed(key, 50 * MB)
    assert status == 413
    assert SETTING in body["errors"][0]["message"] and body["errors"][0]["path"] == ""
    assert peak < MB, f"{peak:,} bytes"
    assert not BundleImport.objects.exists() and not Visit.objects.exists()


def test_a_body_under_the_limit_goes_to_disk_not_memory(provider, contract, settings):
    """20 MB, under the limit but over the synchronous threshold: written to disk a chunk at a time
    and queued for the worker (whose task runs after commit, outside this measurement)."""
    settings.HOMECARE_BUNDLE_UPLOAD_MAX_BYTES = 32 * MB
    settings.HOMECARE_BUNDLE_SYNC_MAX_BYTES = 1 * MB
    key = _token_key(provider)
    _post_streamed(key, 2 * MB)  # the first request's one-off costs, as above
    status, body, peak = _post_streamed(key, 20 * MB)
    assert status == 202, body
    assert peak < MB, f"{peak:,} bytes"
    job = BundleImport.objects.get(pk=body["id"])
    assert (job.status, job.size, job.upload.size) == ("queued", 20 * MB, 20 * MB)
    for job in BundleImport.objects.all():
        job.upload.delete()


def test_an_oversized_json_multipart_or_raw_body_gets_the_413_json_error(provider, contract, manager, settings):
    settings.HOMECARE_BUNDLE_UPLOAD_MAX_BYTES = 2000
    big = bundle()
    big["workers"] = big["workers"] * 40
    text = json.dumps(big)
    assert len(text) > 2000
    client = token_client(provider)
    _too_large(client.post(IMPORT, big, format="json"))
    upload = SimpleUploadedFile("b.json", text.encode(), "application/json")
    _too_large(as_user(manager).post(IMPORT, {"file": upload}, format="multipart"))
    _too_large(client.generic("POST", IMPORT, text.encode(), content_type="application/octet-stream"))
    assert not Visit.objects.exists() and not BundleImport.objects.exists()


def test_a_small_bundle_is_still_answered_at_once(provider, contract):
    response = token_client(provider).post(IMPORT, bundle(), format="json")
    assert response.status_code == 200
    assert response.json()["counts"]["visits"] == {"created": 1, "updated": 0, "unchanged": 0}


def test_a_big_bundle_is_imported_by_the_worker_and_polled(
    provider, contract, coordinator, other_provider, council, settings, django_capture_on_commit_callbacks
):
    settings.HOMECARE_BUNDLE_SYNC_MAX_BYTES = 100  # every bundle is "big"
    client = token_client(provider)
    with django_capture_on_commit_callbacks(execute=True):  # the (eager) task runs after commit
        response = client.post(IMPORT, bundle(), format="json")
    assert response.status_code == 202
    job = response.json()
    assert job["status"] == "queued" and response["Location"] == job["url"] == f"/api/v1/bundles/imports/{job['id']}/"
    done = client.get(job["url"]).json()
    assert (done["status"], done["progress"], done["errors"]) == ("done", 100, None)
    assert done["counts"]["visits"] == {"created": 1, "updated": 0, "unchanged": 0}
    assert Visit.objects.get().provider == provider
    assert not BundleImport.objects.get(pk=job["id"]).upload  # the file is gone once imported
    # Only the provider's importers see it; another organisation's job does not exist for them.
    assert token_client(other_provider).get(job["url"]).status_code == 404
    assert token_client(council).get(job["url"]).status_code == 404
    assert as_user(coordinator).get(job["url"]).status_code == 403
    assert as_user(make_user(other_provider, "provider_manager")).get(job["url"]).status_code == 404


def test_a_big_bundle_with_mistakes_fails_with_every_error_and_writes_nothing(
    provider, contract, settings, django_capture_on_commit_callbacks
):
    settings.HOMECARE_BUNDLE_SYNC_MAX_BYTES = 100
    bad = bundle()
    bad["visits"][0]["planned_end"] = "2025-09-08T08:00"
    bad["workers"][0]["contract_type"] = "gig"
    client = token_client(provider)
    with django_capture_on_commit_callbacks(execute=True):
        url = client.post(IMPORT, bad, format="json").json()["url"]
    failed = client.get(url).json()
    assert failed["status"] == "failed" and failed["counts"] is None
    assert sorted(e["path"] for e in failed["errors"]) == ["visits[0].planned_end", "workers[0].contract_type"]
    assert not Visit.objects.exists()


def _cpu_seconds(fn) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def test_a_huge_single_record_is_refused_in_bounded_time():
    """One visit holding a 200 MB string: refused once the record passes MAX_VALUE_CHARS, having
    read a megabyte or two of it (decoding it again per chunk took about 50 s of CPU for 256 MB)."""

    class HugeRecord(io.RawIOBase):
        def __init__(self):
            self.parts = [b'{"format": "homecare-bundle/1", "visits": [{"ref": "'] + [b"x" * MB] * 200 + [b'"}]}']
            self.read_bytes = 0

        def readable(self):
            return True

        def readinto(self, buffer):
            if not self.parts:
                return 0
            part = self.parts.pop(0)
            buffer[: len(part)] = part
            self.read_bytes += len(part)
            return len(part)

    source = io.BufferedReader(HugeRecord(), buffer_size=MB)
    caught = []

    def read():
        with pytest.raises(BundleInvalid) as error:
            import_bundle(source)
        caught.append(error.value.errors)

    assert _cpu_seconds(read) < 2
    (error,) = caught[0]
    assert error["path"] == "" and f"longer than {MAX_VALUE_CHARS:,} characters" in error["message"]
    assert source.raw.read_bytes < 4 * MB
    assert not Visit.objects.exists()


def test_a_file_of_bad_records_stops_at_the_error_cap():
    """50,000 visits each failing its check: the first MAX_ERRORS errors are listed, and the rest of
    the file is not checked (it cannot change what is reported)."""
    visits = ",".join(f'{{"ref": "V{i}", "status": "lost"}}' for i in range(50_000))
    text = f'{{"format": "homecare-bundle/1", "timezone": "Europe/London", "visits": [{visits}]}}'
    caught = []

    def read():
        with pytest.raises(BundleInvalid) as error:
            import_bundle(io.BytesIO(text.encode()))
        caught.append(error.value.errors)

    assert _cpu_seconds(read) < 10
    errors = caught[0]
    assert len(errors) == MAX_ERRORS
    assert errors[0]["path"].startswith("visits[0]") and errors[-1]["path"].startswith("visits[")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_real_worker_imports_a_big_upload_while_the_client_polls(
    celery_worker_process, provider, contract, settings
):
    settings.HOMECARE_BUNDLE_SYNC_MAX_BYTES = 100
    client = token_client(provider)
    response = client.post(IMPORT, bundle(), format="json")
    assert response.status_code == 202
    url = response.json()["url"]
    seen = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job = client.get(url).json()
        seen.add(job["status"])
        if job["status"] in ("done", "failed"):
            break
        time.sleep(0.2)
    assert job["status"] == "done", (job, celery_worker_process.output()[-3000:])
    assert seen <= {"queued", "running", "done"}
    assert job["counts"]["visits"]["created"] == 1 and Visit.objects.get().provider == provider
