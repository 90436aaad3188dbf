"""docs/monitoring-return.md keeps in step with the code: every KPI and measure the code emits has
an entry, and every key of a measure is named (in backticks) in that measure's entry."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from tests.reporting.return_builders import Scenario
from workforce.models import TrainingRecord

DOC = Path(__file__).resolve().parents[2] / "docs" / "monitoring-return.md"
LOT = re.compile(r"lot\d+$")


def sections(prefix: str) -> dict[str, str]:
    text = DOC.read_text()
    parts = re.split(rf"^### {prefix} (\d+) — ", text, flags=re.M)
    return {parts[i]: parts[i + 1].split("\n## ")[0] for i in range(1, len(parts), 2)}


def keys(value) -> set[str]:
    """Every dict key inside a figure, descending through per-lot objects and list items."""
    out: set[str] = set()
    if isinstance(value, dict):
        for k, v in value.items():
            if k != "due" and not LOT.match(k):
                out.add(k)
            out |= keys(v)
    elif isinstance(value, list) and value:
        out |= keys(value[0])
    return out


@pytest.mark.django_db
def test_every_figure_and_key_has_an_entry(contract):
    s = Scenario(contract)
    p = s.person()
    s.package(p, start="2025-01-01")
    s.assessment(p, "2025-06-01")
    s.assessment(p, "2025-08-01", 4, 4, 4)
    s.referral(p, "2025-09-08 08:00")
    w = s.worker()
    s.visit(p, "2025-09-09 08:00", attend=[(w, "2025-09-09 08:00", "2025-09-09 08:30")])
    TrainingRecord.objects.create(
        provider=contract.provider, ref="T", worker=w, course="C", date=date(2025, 9, 1), hours=1
    )
    figures = s.figures("2025-W37")
    assert figures["measures"]["9"]["cases"] and figures["measures"]["19"]["by_worker"]

    kpi_docs, measure_docs = sections("KPI"), sections("Measure")
    assert set(figures["kpis"]) <= set(kpi_docs)
    assert set(figures["measures"]) <= set(measure_docs)
    missing = {n: sorted(k for k in keys(m) if f"`{k}`" not in measure_docs[n]) for n, m in figures["measures"].items()}
    assert {n: ks for n, ks in missing.items() if ks} == {}
