"""A provider manager checks a week's return before signing it off, on the pilot demo's data (two
providers, about 190 care workers each, 115 people): the return page and the records behind a KPI read
in words (no field names, no True/False, money with £, dates as people write them), the return is a
page or two rather than eight (measure 19's 190 workers wait behind a summary), the records come 50 a
page with NHS.UK pagination that keeps the filter, and both pages pass axe at desktop and phone widths."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command

from commissioning.models import Contract
from demo.logins import DEMO_PASSWORD
from homecare.lib.dates import parse_iso_week
from reporting.returns.services import weekly_return_compute
from tests.browser.conftest import log_in, screenshot, serious_violations

# seed_demo loads as the maintenance role (homecare.lib.db): its connection is this test's too.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, databases=["default", "maintenance"])]

DESKTOP, PHONE = {"width": 1100, "height": 900}, {"width": 390, "height": 844}
# A field name or code on screen: snake_case words, or Python's booleans.
FIELD_NAME = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b|\bTrue\b|\bFalse\b|\bNone\b")
MONEY = re.compile(r"£\d{1,3}(?:,\d{3})*\.\d{2}\b")
DAY_AND_TIME = re.compile(r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}\b")


@pytest.fixture
def pilot_return():
    """Four weeks of the pilot demo (its last week 2026-W47 is the contract's fourth: the four-weekly
    workforce measures are due) and Canalside Homecare's return for that week."""
    call_command("seed_demo", scale="pilot", weeks=4, seed=1, stdout=io.StringIO())
    contract = Contract.objects.get(ref="CHWS-CSH")
    return weekly_return_compute(contract_id=contract.pk, week_start=parse_iso_week("2026-W47"))


def visible_text(page) -> str:
    return page.locator("main").inner_text()


def axe_at_both_widths(page) -> list[str]:
    problems = []
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        problems += [f"{size['width']} px: {v}" for v in serious_violations(page)]
    page.set_viewport_size(DESKTOP)
    return problems


def test_a_manager_reads_the_return_and_the_records_behind_a_kpi_in_words(live_server, page, pilot_return):
    wr = pilot_return
    workers = len(wr.figures["measures"]["19"]["by_worker"])
    assert workers > 150  # the pilot's care workers, each a row of measure 19's list
    log_in(page, live_server, "manager@csh.example", DEMO_PASSWORD)

    page.goto(f"{live_server.url}/reporting/returns/{wr.pk}/")
    text = visible_text(page)
    assert FIELD_NAME.findall(text) == []
    assert "KPI" in text and "7. Scheduled visits completed" in text
    kpi7 = wr.figures["kpis"]["7"]
    assert f"{kpi7['numerator']:,} of {kpi7['denominator']:,}" in text  # 2,2xx of 2,2xx
    assert re.search(r"Total spend:\s+£", text) and MONEY.search(text), text[text.find("15. ") :][:400]
    assert "Mon 16 Nov 2026 to Sun 22 Nov 2026" in text
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 3000, f"the return page is {height} px tall"
    screenshot(page, "return-page")
    assert axe_at_both_widths(page) == []

    # Measure 19 (not due this week) keeps its 190 workers behind two summaries, a table when opened.
    page.get_by_text("Measures not due this week").click()
    summary = page.get_by_text(f"Training of each care worker ({workers})", exact=True)
    assert summary.is_visible()
    table = page.get_by_role("table", name=f"Measure 19: Training of each care worker ({workers})")
    assert not table.is_visible()
    summary.click()
    assert table.is_visible() and table.locator("tbody tr").count() == workers
    assert [h.strip() for h in table.locator("th").all_inner_texts()] == ["Care worker", "Courses", "Training hours"]

    # The records behind KPI 7: every visit of the week, in words, 50 a page.
    page.goto(f"{live_server.url}/reporting/returns/{wr.pk}/")
    page.get_by_role("link", name=f"{kpi7['numerator']:,}", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "KPI 7: Scheduled visits completed"
    text = visible_text(page)
    assert FIELD_NAME.findall(text) == []
    headings = [h.strip() for h in page.locator("table.homecare-records th").all_inner_texts()]
    assert headings[:4] == ["Visit", "Person", "Planned start", "Status"] and headings[-2:] == ["Counted", "Met"]
    assert DAY_AND_TIME.search(text) and "Completed" in text and "Yes" in text
    assert page.locator("table.homecare-records tbody tr").count() == 50
    # every column, "Counted" and "Met" included, fits the page at desktop width: no sideways scrolling
    assert page.locator(".homecare-scroll").evaluate("e => e.scrollWidth <= e.clientWidth"), page.locator(
        ".homecare-scroll"
    ).evaluate("e => [e.scrollWidth, e.clientWidth, document.documentElement.clientWidth]")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 4000, f"a page of records is {height} px tall"
    screenshot(page, "records-kpi-7")
    assert axe_at_both_widths(page) == []

    # Filter to the visits counted but not met, then page through the counted ones: the filter stays.
    page.get_by_label("Show").select_option("not_met")
    page.get_by_role("button", name="Show records").click()
    not_met = kpi7["denominator"] - kpi7["numerator"]
    assert page.locator("table.homecare-records tbody tr").count() == not_met
    assert page.locator("nav.nhsuk-pagination").count() == 0
    page.get_by_label("Show").select_option("counted")
    page.get_by_role("button", name="Show records").click()
    pages = -(-kpi7["denominator"] // 50)
    assert page.get_by_role("link", name=f"Page {pages}", exact=True).is_visible()
    page.get_by_role("link", name="Next").click()
    assert "show=counted" in page.url and "page=2" in page.url
    assert page.get_by_label("Show").input_value() == "counted"
    assert page.get_by_role("link", name="Page 2", exact=True).get_attribute("aria-current") == "page"
    caption = page.locator("table.homecare-records caption").inner_text()
    assert caption.startswith(f"{kpi7['denominator']:,} of ") and "51 to 100 shown" in caption
