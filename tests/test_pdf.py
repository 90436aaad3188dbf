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
