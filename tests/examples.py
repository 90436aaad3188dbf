"""Where the shared worked example lives: `../shared/examples` beside the repository (as CI lays it out),
or HOMECARE_EXAMPLES. It is part of the suite, so a missing example fails loudly rather than skipping."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
_CANDIDATES = [
    *([Path(os.environ["HOMECARE_EXAMPLES"])] if os.environ.get("HOMECARE_EXAMPLES") else []),
    REPO.parent / "shared" / "examples",
    Path("/work/shared/examples"),  # a clone elsewhere on a developer's machine
]


def _find() -> Path:
    for candidate in _CANDIDATES:
        if (candidate / "example-area.json").exists():
            return candidate
    raise FileNotFoundError(
        "the worked example (shared/examples/example-area.json) was not found in "
        + ", ".join(map(str, _CANDIDATES))
        + "; set HOMECARE_EXAMPLES to its folder"
    )


EXAMPLES = _find()
EXAMPLE_BUNDLE = EXAMPLES / "example-area.json"
