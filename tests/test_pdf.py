"""WeasyPrint smoke test: homecare/lib/pdf.py turns a template into a real PDF whose text reads back."""

from __future__ import annotations

import subprocess

from homecare.lib.pdf import render_pdf


def test_a_template_renders_to_a_pdf_with_its_text(tmp_path):
    pdf = render_pdf(
        "includes/pdf_base.html",
        {"title": "Invoice INV-P1-0001", "rows": [("Lot 1 visits, 90.00 hours at £26.22", "£2,359.80")]},
    )
    assert pdf.startswith(b"%PDF-")
    path = tmp_path / "smoke.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Invoice INV-P1-0001" in text
    assert "Lot 1 visits, 90.00 hours at £26.22" in text
    assert "£2,359.80" in text
    assert "Page 1 of 1" in text


def test_the_pdf_fetches_only_the_projects_static_files(tmp_path, settings, caplog):
    """A document linking to a web address, a file outside the static files or a path that climbs
    out of them renders without them: nothing is requested. Our own static files still load."""
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from weasyprint import HTML

    from homecare.lib.pdf import _fetcher, static_file

    requests = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server API
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    html = f"""<html><head>
      <link rel="stylesheet" href="http://127.0.0.1:{server.server_port}/style.css">
      <link rel="stylesheet" href="{secret.as_uri()}">
      <link rel="stylesheet" href="/static/../manage.py">
      <link rel="stylesheet" href="/static/css/homecare.css">
      </head><body><img src="http://127.0.0.1:{server.server_port}/pixel.png"><p>Invoice</p></body></html>"""
    base = f"{settings.BASE_DIR.as_uri()}/"
    pdf = HTML(string=html, base_url=base, url_fetcher=_fetcher()).write_pdf()
    server.shutdown()
    assert pdf.startswith(b"%PDF-")
    assert requests == []
    refused = [r.getMessage() for r in caplog.records if "refused to fetch" in r.getMessage()]
    assert len(refused) == 4 and not any("homecare.css" in m for m in refused)
    assert static_file(f"{base}static/css/homecare.css") == (settings.BASE_DIR / "static/css/homecare.css").resolve()
    assert static_file("file:///static/css/homecare.css") is not None
    assert static_file(secret.as_uri()) is None
    assert static_file("file:///static/../../etc/passwd") is None
    assert static_file("https://example.org/static/css/homecare.css") is None
