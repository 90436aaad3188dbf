"""PDFs from templates with WeasyPrint. Call from Celery tasks, never inside a request.

WeasyPrint fetches what a document links to (stylesheets, images, fonts). Ours fetches only the
project's own static files: nothing over the network, nothing else on the disk, whatever a template
or the data in it says. A refused URL is left out of the PDF (WeasyPrint logs it) and noted here."""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def static_roots() -> list[Path]:
    roots = [Path(settings.STATIC_ROOT), *(Path(d) for d in settings.STATICFILES_DIRS)]
    return [r.resolve() for r in roots]


def static_file(url: str) -> Path | None:
    """The file a URL names if it is one of the project's static files, else None. Accepts
    `file:` URLs (WeasyPrint resolves relative links against the base URL) whose path is under a
    static directory, or is STATIC_URL + a name the static files finders know."""
    from django.contrib.staticfiles import finders

    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    path = unquote(parts.path)
    prefix = "/" + settings.STATIC_URL.lstrip("/")
    candidate = None
    if path.startswith(prefix):
        name = path[len(prefix) :]
        found = finders.find(name) if ".." not in Path(name).parts else None
        candidate = Path(found) if found else Path(settings.STATIC_ROOT) / name
    else:
        candidate = Path(path)
    try:
        resolved = candidate.resolve(strict=True)
    except OSError:
        return None
    if not resolved.is_file() or not any(resolved.is_relative_to(root) for root in static_roots()):
        return None
    return resolved


def _fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            path = static_file(url)
            if path is None:
                logger.warning("PDF: refused to fetch %s (only the project's static files)", url[:200])
                raise ValueError(f"only the project's static files are fetched, not {url[:200]}")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})

    return StaticOnlyFetcher()


def render_pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML  # imported late: it costs ~1 s and most processes never need it

    html = render_to_string(template, context)
    # base_url with a trailing slash: a template's "/static/x.css" resolves to file:///static/x.css,
    # which static_file() maps back to the static files.
    return HTML(string=html, base_url=Path(settings.BASE_DIR).as_uri() + "/", url_fetcher=_fetcher()).write_pdf()
