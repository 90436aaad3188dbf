"""What a social worker reads before deciding on a change: the hours before and after it, visits
delivered in the four weeks before and after it (from the apps that register them: outcomes knows no
visits), the person's Outcomes Tool scores before and since, and the note and consent."""

from __future__ import annotations

from datetime import date, timedelta

from outcomes import ledger, panels
from outcomes.models import OutcomeAssessment, PackageChange
from outcomes.panels import EvidenceRow

WINDOW_DAYS = 28


def _scores(a: OutcomeAssessment | None) -> str:
    if a is None:
        return "None recorded"
    return f"{a.wellbeing_independence} / {a.home} / {a.community} (total {a.total} of 15), {a.date.day} {a.date:%B %Y}"


def for_change(*, actor, change: PackageChange, today: date) -> list[EvidenceRow]:
    package = change.package
    others = [c for c in package.changes.all() if c.pk != change.pk]
    start = change.requested_effective if (change.prior_approval and change.requested_effective) else change.effective
    before = ledger.hours_on(package.planned_weekly_hours, others, start - timedelta(days=1))
    if change.applies:
        after = f"{change.new_weekly_hours:.2f} from {start.day} {start:%B %Y}"
    else:
        after = f"{change.new_weekly_hours:.2f} asked for, from {start.day} {start:%B %Y} (not applied)"
    rows = [EvidenceRow("Planned weekly hours", f"{before:.2f}", after)]
    rows += panels.change_evidence(actor=actor, change=change, today=today)
    assessments = OutcomeAssessment.objects.filter(person_id=package.person_id)
    earlier = assessments.filter(date__lt=start).order_by("-date", "-pk").first()
    since = assessments.filter(date__gte=start).order_by("-date", "-pk").first()
    rows.append(EvidenceRow("Outcomes Tool: well-being / home / community", _scores(earlier), _scores(since)))
    return rows


def window(change: PackageChange) -> tuple[date, date, date]:
    """The four weeks before a change and the four weeks from it: (first day, change day, last day),
    for the apps that count visits in them."""
    start = change.requested_effective if (change.prior_approval and change.requested_effective) else change.effective
    return start - timedelta(days=WINDOW_DAYS), start, start + timedelta(days=WINDOW_DAYS - 1)
