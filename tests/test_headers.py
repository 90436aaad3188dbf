"""Every URL the permission matrix knows, requested as someone allowed and as nobody: the response has
the Content-Security-Policy and `Cache-Control: no-store`, and every HTML page is one the policy lets a
browser show whole (no inline script, event handler or style, nothing from another origin). New URLs
are covered as soon as they have a matrix entry.

Templates are also read directly: one a view renders only on a path the matrix does not take is still
checked, and so is the static JavaScript (nothing from another origin)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client

from tests import test_permissions_matrix as matrix
from tests.matrix._personas import ANONYMOUS, PERSONAS
from tests.test_permissions_matrix import EXPECTATIONS, URLS, _request

fx = matrix.fx  # the permission matrix's scenario (a fixture)
ROOT = Path(__file__).resolve().parent.parent
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# What a strict policy refuses to run or apply, or what would load from elsewhere.
# (A <script type="application/json"> is data, not run: allauth's account pages carry one.)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)
STYLE_BLOCK = re.compile(r"<style[\s>]", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)
FOREIGN = re.compile(
    r"""<(?:script|link|img|iframe|source|form)\b[^>]*\s(?:src|href|action)\s*=\s*["']?(?:https?:)?//""", re.IGNORECASE
)
# WeasyPrint sources: rendered to PDF in the worker, never served to a browser.
PDF_TEMPLATES = {"includes/pdf_base.html", "reporting/returns/return_pdf.html", "reporting/money/invoice_pdf.html"}


def csp_problems(html: str) -> list[str]:
    checks = {
        "an inline <script>": INLINE_SCRIPT,
        "an on...= event handler": EVENT_HANDLER,
        'a style="" attribute': STYLE_ATTRIBUTE,
        "a <style> block": STYLE_BLOCK,
        "a javascript: URL": JAVASCRIPT_URL,
        "something from another origin": FOREIGN,
    }
    return [f"{name}: {m.group(0)[:80]!r}" for name, pattern in checks.items() if (m := pattern.search(html))]


def _library_admin(response) -> bool:
    """django-celery-beat's admin form has an inline script (it fills the task list) that the policy
    blocks: the superuser's page still works without it. Its headers are still checked."""
    return response.wsgi_request.path.startswith("/admin/django_celery_beat/")


def _header_problems(response) -> list[str]:
    problems = []
    if response.get("Content-Security-Policy") != POLICY:
        problems.append(f"Content-Security-Policy is {response.get('Content-Security-Policy')!r}")
    if "no-store" not in response.get("Cache-Control", ""):
        problems.append(f"Cache-Control is {response.get('Cache-Control')!r}")
    if "text/html" in response.get("Content-Type", "") and not response.streaming and not _library_admin(response):
        problems += csp_problems(response.content.decode(errors="replace"))
    return problems


@pytest.mark.parametrize("key", sorted(URLS))
def test_every_url_sends_the_policy_and_no_store(key, fx, db):
    url = URLS[key]
    failures = []
    for entry in EXPECTATIONS.get(key, []):
        if "skip" in entry:
            continue
        allowed = [p for p in PERSONAS if p in entry["allowed"]]
        for persona in {ANONYMOUS, *allowed[:1]}:
            with transaction.atomic():
                response, path, _ = _request(fx, url, entry, persona)
                transaction.set_rollback(True)
            failures += [
                f"{entry.get('method', 'get').upper()} {path} as {persona}: {p}" for p in _header_problems(response)
            ]
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_pages_outside_the_matrix_send_them_too():
    client = Client()
    for path in ("/accounts/login/", "/accounts/password/reset/", "/no-such-page/", "/api/v1/no-such-endpoint"):
        response = client.get(path)
        assert _header_problems(response) == [], path


def _templates() -> list[Path]:
    return sorted(
        p for p in (ROOT / "templates").rglob("*.html") if str(p.relative_to(ROOT / "templates")) not in PDF_TEMPLATES
    )


@pytest.mark.parametrize("template", _templates(), ids=lambda p: str(p.relative_to(ROOT / "templates")))
def test_no_template_needs_unsafe_inline_or_another_origin(template):
    text = template.read_text()
    # The only absolute URL a page may hold is an SVG namespace (not a request).
    text = text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert csp_problems(text) == []


def test_static_javascript_loads_nothing_from_another_origin():
    for js in (ROOT / "static" / "js").rglob("*.js"):
        text = js.read_text()
        assert not re.search(r"""(?:fetch|import|src\s*=)\s*\(?\s*["'`](?:https?:)?//""", text), js
        assert "innerHTML" not in text and 'setAttribute("style"' not in text, js
