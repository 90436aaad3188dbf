"""The API documentation page (/api/docs/, Swagger UI) works offline and under the Content-Security-
Policy: every file it needs comes from the live server itself, the browser reports no policy
violation, and the operations are listed. Then a return page runs its script under the same policy."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from commissioning.models import Organisation, Role
from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def manager(db):
    provider = Organisation.objects.create(kind="provider", ref="P1", name="Armley Care")
    return make_user(provider, Role.PROVIDER_MANAGER, is_org_admin=True)


def test_the_api_docs_render_their_operations_from_the_server_alone(live_server, page, manager):
    hosts: set[str] = set()
    violations: list[str] = []
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc or urlsplit(request.url).scheme))
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)

    log_in(page, live_server, manager.email, PASSWORD)
    page.goto(f"{live_server.url}/api/docs/")
    operations = page.locator(".opblock-summary-path")
    operations.first.wait_for()
    paths = {p.strip().replace("\u200b", "") for p in operations.all_inner_texts()}
    assert {"/api/v1/returns/", "/api/v1/ecm/attendances", "/api/v1/bundles/import"} <= paths
    # Opening an operation shows its responses, the error body among them.
    page.locator(".opblock-summary-path", has_text="/api/v1/ecm/attendances").first.click()
    page.get_by_text("413").first.wait_for()
    screenshot(page, "api-docs")

    server = urlsplit(live_server.url).netloc
    assert hosts - {"data"} == {server}, f"requests beyond the live server: {hosts}"
    assert violations == []


def test_pages_run_the_design_systems_script_under_the_policy(live_server, page, manager):
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    log_in(page, live_server, manager.email, PASSWORD)
    policy = page.goto(f"{live_server.url}/").headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    # js-enabled.js ran (the body's classes) and so did the NHS.UK frontend module: each component it
    # starts marks its element data-<module>-init.
    assert "js-enabled" in page.evaluate("document.body.className")
    page.locator("header[data-nhsuk-header-init]").wait_for(state="attached")
    assert page.locator("a.nhsuk-skip-link[data-nhsuk-skip-link-init]").count() == 1
    assert violations == []
