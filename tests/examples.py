"""The worked example (tests/data/example/: a bundle and the returns and invoices it must produce, from
the product spec) is part of the suite and of the repository, so a clone anywhere passes on its own."""

from __future__ import annotations

from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent / "data" / "example"
EXAMPLE_BUNDLE = EXAMPLES / "example-area.json"
