"""ECM uploads as an attacker sends them: too many bytes, too many records, a body that never ends.
Each is refused with 413 naming the setting that limits it, having read no more of the body than the
limit (counted on the stream the server reads) and with the process's memory bounded by the limit,
not by the body (measured with tracemalloc)."""

from __future__ import annotations

import io
import json
import tracemalloc

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client, override_settings

from commissioning.api.authentication import hash_key
from commissioning.models import ApiToken
from rota.models import Attendance
from tests.rota.test_ecm import make_visit, make_worker

URL = "/api/v1/ecm/attendances"
CSRF = "a" * 32


class EndlessBody(io.RawIOBase):
    """A request body that goes on for as long as it is read: `head`, then `unit` again and again.
    Counts the bytes the server took from it."""

    def __init__(self, head: bytes, unit: bytes):
        self.head, self.unit, self.read_bytes = head, unit, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = len(buffer)
        data = (self.head + self.unit * (n // len(self.unit) + 1))[:n] if self.read_bytes == 0 else None
        if data is None:
            offset = (self.read_bytes - len(self.head)) % len(self.unit)
            data = (self.unit[offset:] + self.unit * (n // len(self.unit) + 1))[:n]
        buffer[:n] = data
        self.read_bytes += n
        return n


def wsgi_post(path: str, body, *, length: int, content_type: str, **headers):
    """POST through the real WSGI handler with a body stream of our own (the test client copies its
    body into memory first, which would hide what the server reads). Returns (status, headers, body)."""
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(length),
        "wsgi.input": io.BufferedReader(body, buffer_size=8192),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
        **headers,
    }
    started = {}
    # As Django's test client does: keep the test's database connection (and its transaction) open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        chunks = WSGIHandler()(environ, lambda status, hdrs, exc=None: started.update(status=status, headers=hdrs))
        content = b"".join(chunks)
        chunks.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return int(started["status"].split()[0]), dict(started["headers"]), content


def _token(provider) -> str:
    key = "key-P1-ecm-limits-0123456789"
    ApiToken.objects.create(organisation=provider, name="ecm", prefix=key[:12], key_hash=hash_key(key), scope="write")
    return f"Token {key}"


def _record(i: int) -> dict:
    return {"external_id": f"E{i}", "visit": "V1", "worker": "W1", "check_in": "2025-09-08T09:05"}


@pytest.fixture
def ecm(provider, contract):
    make_visit(provider, contract)
    make_worker(provider)
    return _token(provider)


@override_settings(HOMECARE_ECM_MAX_BYTES=1_000_000)
def test_a_body_declared_over_the_limit_is_refused_before_it_is_read(ecm):
    body = EndlessBody(b'{"attendances": [', json.dumps(_record(1)).encode() + b",")
    status, headers, content = wsgi_post(
        URL, body, length=1_000_000_000, content_type="application/json", HTTP_AUTHORIZATION=ecm
    )
    assert status == 413
    assert json.loads(content) == {
        "errors": [
            {
                "path": "",
                "message": "The request body is larger than 1,000,000 bytes (HOMECARE_ECM_MAX_BYTES); send less at a time.",
            }
        ]
    }
    assert body.read_bytes == 0
    assert not Attendance.objects.exists()


@override_settings(HOMECARE_ECM_MAX_BYTES=1_000_000)
def test_a_body_longer_than_it_said_stops_at_the_limit(client, ecm):
    # Declared just under the limit; the stream would go on for ever. The server reads no more than the
    # declared length (Django's stream) and the JSON is then incomplete: a 400, not a hang.
    body = EndlessBody(b'{"attendances": [', json.dumps(_record(1)).encode() + b",")
    status, _, content = wsgi_post(URL, body, length=999_999, content_type="application/json", HTTP_AUTHORIZATION=ecm)
    assert status == 400 and "not valid JSON" in json.loads(content)["errors"][0]["message"]
    assert body.read_bytes <= 999_999 + 8192  # one buffer past the declared end at most
    # And a test client body over the limit without a declared length the server trusts: 413.
    big = json.dumps({"attendances": [_record(i) for i in range(20_000)]})
    response = client.post(URL, big, content_type="application/json", HTTP_AUTHORIZATION=ecm)
    assert response.status_code == 413 and "HOMECARE_ECM_MAX_BYTES" in response.json()["errors"][0]["message"]


@override_settings(HOMECARE_ECM_MAX_BYTES=4_000_000, HOMECARE_ECM_MAX_RECORDS=1_000)
def test_records_past_the_limit_are_not_decoded_and_memory_stays_near_the_body(ecm):
    # 3.8 MB holding about 48,000 records: decoded whole, they would take about 40 MB as Python
    # objects. The decoder stops at record 1,001.
    unit = json.dumps(_record(7)).encode() + b","
    length = 3_800_000
    # A first request loads the code on the way (imports, URL resolver): not what is measured.
    wsgi_post(URL, EndlessBody(b'{"attendances": [', unit), length=10_000, content_type="application/json")
    body = EndlessBody(b'{"attendances": [', unit)
    tracemalloc.start()
    try:
        status, _, content = wsgi_post(
            URL, body, length=length, content_type="application/json", HTTP_AUTHORIZATION=ecm
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert status == 413
    assert json.loads(content)["errors"] == [
        {
            "path": "attendances",
            "message": "At most 1,000 records per request (HOMECARE_ECM_MAX_RECORDS); split the batch.",
        }
    ]
    # The body's bytes, their text and the first thousand records (about 8 MB); not 48,000 records
    # (about 36 MB when the decoder did not stop).
    assert peak < 3 * length, f"peak {peak:,} bytes"
    assert not Attendance.objects.exists()


@override_settings(HOMECARE_ECM_MAX_RECORDS=2)
def test_the_record_limit_is_the_same_through_the_service(ecm, client):
    records = [_record(i) for i in range(3)]
    response = client.post(URL, {"attendances": records}, content_type="application/json", HTTP_AUTHORIZATION=ecm)
    assert response.status_code == 413
    assert response.json()["errors"][0]["message"] == (
        "At most 2 records per request (HOMECARE_ECM_MAX_RECORDS); split the batch."
    )


# --- The CSV upload page ---------------------------------------------------------------------------


def _multipart(boundary: str, file_head: bytes) -> bytes:
    return (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{CSRF}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="ecm.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode() + file_head


@override_settings(HOMECARE_ECM_CSV_MAX_BYTES=100_000)
def test_a_csv_upload_stops_at_its_limit_and_says_so_beside_the_field(provider, contract, coordinator):
    make_visit(provider, contract)
    make_worker(provider)
    client = Client()
    client.force_login(coordinator)
    session = client.cookies["sessionid"].value
    boundary = "hostileboundary"
    line = b"E1,V1,W1,2025-09-08T09:05,2025-09-08T09:50,app,\n"
    head = _multipart(boundary, b"external_id,visit,worker,check_in,check_out,method,exception_code\n")
    cookie = f"sessionid={session}; csrftoken={CSRF}"
    wsgi_post("/rota/ecm/upload/", EndlessBody(head, line), length=500, content_type="text/plain", HTTP_COOKIE=cookie)
    body = EndlessBody(head, line)
    tracemalloc.start()
    try:
        status, _, content = wsgi_post(
            "/rota/ecm/upload/",
            body,
            length=500_000_000,  # says 500 MB; the stream would go on for ever
            content_type=f"multipart/form-data; boundary={boundary}",
            HTTP_COOKIE=cookie,
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    page = content.decode()
    assert status == 413
    assert (
        "The file is larger than 0.0953674 MB (HOMECARE_ECM_CSV_MAX_BYTES): split it, or send it through the API."
        in page
    )
    assert "nhsuk-form-group--error" in page  # beside the field
    assert body.read_bytes < 100_000 + 3 * 65_536  # Django reads 64 KB at a time
    assert peak < 5_000_000, f"peak {peak:,} bytes"
    assert not Attendance.objects.exists()


@override_settings(HOMECARE_ECM_MAX_RECORDS=2)
def test_a_csv_with_too_many_records_is_refused_whole(provider, contract, coordinator, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    make_visit(provider, contract)
    make_worker(provider)
    client.force_login(coordinator)
    text = "external_id,visit,worker,check_in\n" + "".join(f"E{i},V1,W1,2025-09-08T09:05\n" for i in range(3))
    response = client.post("/rota/ecm/upload/", {"file": SimpleUploadedFile("ecm.csv", text.encode(), "text/csv")})
    assert response.status_code == 413
    assert "The file has more than 2 records (HOMECARE_ECM_MAX_RECORDS): split it." in response.content.decode()
    assert not Attendance.objects.exists()
