"""The permission matrix's scenario (`fx`), built once per run of tests/test_permissions_matrix.py and
rolled back at the end; every persona's request runs in a savepoint of its own on top of it.

Besides the organisations, contracts, users and tokens the expectation files use, it holds one row of
every table the admin shows, so that each admin page has something of each provider's to show, and
the rows whose appearance in a body would be a leak (see `MARKERS` and tests/matrix/README.md):

- P1 ("Provider One", refs MXP1-...): a person in lot 1 (the council's) and one in lot 2 (the
  trust's), their packages, changes, reviews, referrals, stays, assessments, visits with attendances
  and credits; a team, a worker who left (name, leaving reason), one who works, shifts, a sickness
  absence, a training record, surveys, an event, spend; a submitted return (2025-W44) and a draft
  (2025-W45), a run; invoices of 1-28 Sep 2025 issued to the council (lot 1) and to the trust
  (lot 2), a credit note, and a draft for 29 Sep 2025.
- P2 ("Provider Two", refs MXP2-...): a person, a worker, a visit, a submitted return, an issued
  invoice, all under C-P2 (which the council and the trust commission too).
- FAR ("Faraway Council") commissions nothing.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.account.models import EmailAddress
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from commissioning.api.authentication import hash_key
from commissioning.models import (
    ApiToken,
    KpiTarget,
    Neighbourhood,
    Notification,
    Organisation,
    Referral,
    Role,
    Spend,
    User,
)
from homecare.lib.dates import LONDON
from outcomes.models import Credit, Event, HospitalStay, OutcomeAssessment, Package, PackageChange, PeopleSurvey, Review
from reporting.models.returns import ReturnRun
from reporting.money.services import credit_note_issue, invoice_compute_draft, invoice_issue
from reporting.returns.services import weekly_return_submit
from rota.models import Attendance, Visit
from tests.conftest import make_contract, make_user
from tests.matrix._personas import (
    ALL_TOKENS,
    ANONYMOUS,
    COMMISSIONER_ROLES,
    COMMISSIONER_TOKEN,
    OTHER_PROVIDER,
    OTHER_PROVIDER_TOKEN,
    OUTSIDER_COMMISSIONER,
    PROVIDER_ROLES,
    PROVIDER_TOKEN,
    SUPERUSER,
)
from tests.reporting.money_factories import make_person, make_shift, make_visit, make_worker
from tests.reporting.test_return_outputs import stored_return
from workforce.models import Absence, StaffSurvey, Team, TrainingRecord, Worker

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
SUBMITTED_WEEK = date(2025, 10, 27)  # 2025-W44 (the area files use W37 and W38)
DRAFT_WEEK = date(2025, 11, 3)  # 2025-W45
ISSUED_PERIOD = date(2025, 9, 1)  # 1-28 Sep 2025 (money.py computes 4-31 Aug inside its requests)
DRAFT_PERIOD = date(2025, 9, 29)  # 29 Sep - 26 Oct 2025

# Who each token is and what it may do: P1's and P2's are write tokens (ECM, imports), the council's reads.
TOKEN_OWNER = {PROVIDER_TOKEN: "provider", OTHER_PROVIDER_TOKEN: "other_provider", COMMISSIONER_TOKEN: "council"}
TOKEN_SCOPE = {PROVIDER_TOKEN: "write", OTHER_PROVIDER_TOKEN: "write", COMMISSIONER_TOKEN: "read"}


def _org(kind: str, ref: str, name: str) -> Organisation:
    return Organisation.objects.create(
        kind=kind, ref=ref, name=name, on_cost_factor=Decimal("1.25") if kind == "provider" else None
    )


def _users(fx) -> dict[str, User]:
    users = {role: make_user(fx.provider, role) for role in PROVIDER_ROLES}
    users.update({role: make_user(fx.council, role) for role in COMMISSIONER_ROLES})
    # Organisation admins; the managers and the officer are also staff, so the admin's scoping (and its
    # refusal of commissioners) is tried too.
    for persona in ("provider_manager", "commissioner_officer"):
        users[persona].is_org_admin = users[persona].is_staff = True
        users[persona].save(update_fields=["is_org_admin", "is_staff"])
    users[OTHER_PROVIDER] = make_user(
        fx.other_provider,
        Role.PROVIDER_MANAGER,
        Role.COORDINATOR,
        email="other@p2.example",
        is_org_admin=True,
        is_staff=True,
    )
    users[OUTSIDER_COMMISSIONER] = make_user(
        fx.outsider_commissioner,
        Role.COMMISSIONER_OFFICER,
        Role.SOCIAL_WORKER,
        email="outsider@far.example",
        is_org_admin=True,
    )
    # A platform superuser as createsuperuser makes one: no organisation, no roles.
    users[SUPERUSER] = User.objects.create_superuser("root@platform.example", "correct horse battery staple")
    for user in users.values():
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return users


def _session(user: User, authenticator_id: int) -> str:
    """A logged-in session with a TOTP code entered just now (so that pages asking for a recent code,
    like issuing a token, let the persona in). Made once; each request sends its key as a cookie."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    now = time.time()
    store[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": now, "email": user.email},
        {"method": "mfa", "at": now, "type": "totp", "id": authenticator_id},
    ]
    store["account_authentication_methods_user"] = str(user.pk)
    store.create()
    return store.session_key


def _token(org: Organisation, persona: str) -> tuple[ApiToken, str]:
    key = f"matrix-{persona}-key"
    token = ApiToken.objects.create(
        organisation=org, name=persona, prefix=key[:12], key_hash=hash_key(key), scope=TOKEN_SCOPE[persona]
    )
    return token, key


def _provider_rows(fx, provider, contract, tag: str) -> SimpleNamespace:
    """One row of each provider-owned table (refs MX<tag>-...)."""
    rows = SimpleNamespace()
    team = Team.objects.create(
        provider=provider, ref=f"MX{tag}-TEAM", neighbourhood=fx.neighbourhood, name=f"MX{tag} team"
    )
    rows.worker = make_worker(
        provider, ref=f"MX{tag}-WORKER", team=team, name=f"Wendy Workerton {tag}", home_lat=53.80123, home_lon=-1.60456
    )
    leaver = make_worker(provider, ref=f"MX{tag}-LEAVER", contract_type="guaranteed_hours", weekly=Decimal("30"))
    leaver.left, leaver.leaving_reason = date(2025, 8, 1), f"Left to travel the world {tag}"
    leaver.save()
    Worker.objects.filter(pk=rows.worker.pk).update(pay_rate=Decimal("12.60"))  # a pay change (audited)
    Absence.objects.create(
        provider=provider,
        ref=f"MX{tag}-ABSENCE",
        worker=rows.worker,
        start=date(2025, 8, 11),
        end=date(2025, 8, 12),
        kind="sickness",
    )
    TrainingRecord.objects.create(
        provider=provider,
        ref=f"MX{tag}-TRAINING",
        worker=rows.worker,
        course="Moving and handling",
        date=date(2025, 8, 13),
        hours=Decimal("3"),
    )
    StaffSurvey.objects.create(
        provider=provider, ref=f"MX{tag}-STAFFSURVEY", date=date(2025, 8, 14), responses=10, mean_score=Decimal("4.1")
    )
    make_shift(rows.worker, "2025-08-05T08:00", "2025-08-05T14:00", ref=f"MX{tag}-SHIFT")
    rows.person = make_person(contract, lot=1, ref=f"MX{tag}-LOT1")
    rows.package = Package.objects.create(
        provider=provider,
        ref=f"MX{tag}-PACKAGE1",
        person=rows.person,
        lot=1,
        start=date(2025, 7, 7),
        planned_weekly_hours=Decimal("7"),
    )
    change = PackageChange.objects.create(
        provider=provider,
        ref=f"MX{tag}-CHANGE1",
        package=rows.package,
        effective=date(2025, 8, 18),
        new_weekly_hours=Decimal("8"),
        by="provider",
        reason="increase_need",
    )
    change.decision, change.decided = "approved", date(2025, 8, 19)
    change.save()
    Review.objects.create(
        provider=provider, ref=f"MX{tag}-REVIEW1", package=rows.package, kind="provider", due=date(2025, 10, 1)
    )
    Referral.objects.create(
        provider=provider,
        ref=f"MX{tag}-REFERRAL1",
        person=rows.person,
        lot=1,
        received=datetime(2025, 7, 1, 9, tzinfo=LONDON),
    )
    HospitalStay.objects.create(
        provider=provider, ref=f"MX{tag}-STAY1", person=rows.person, admitted=datetime(2025, 8, 20, 9, tzinfo=LONDON)
    )
    OutcomeAssessment.objects.create(
        provider=provider,
        ref=f"MX{tag}-ASSESS1",
        person=rows.person,
        date=date(2025, 8, 1),
        wellbeing_independence=3,
        home=3,
        community=3,
    )
    PeopleSurvey.objects.create(
        provider=provider, ref=f"MX{tag}-PEOPLESURVEY", date=date(2025, 8, 14), responses=10, felt_understood=9
    )
    Event.objects.create(
        provider=provider,
        ref=f"MX{tag}-EVENT",
        date=date(2025, 8, 15),
        kind="complaint",
        title=f"Complaint about {tag}",
    )
    Spend.objects.create(
        provider=provider,
        ref=f"MX{tag}-SPEND",
        contract=contract,
        period_start=date(2025, 8, 4),
        period_end=date(2025, 8, 31),
        indirect_staffing=Decimal("1000"),
        total_spend=Decimal("9000"),
    )
    Credit.objects.create(
        provider=provider,
        ref=f"MX{tag}-CREDIT1",
        contract=contract,
        lot=1,
        date=date(2025, 9, 2),
        amount=Decimal("5"),
        reason="Late visit",
    )
    rows.visit = make_visit(
        rows.person, "2025-08-05T09:00", attend=[(rows.worker, "09:02", "10:01")], ref=f"MX{tag}-VISIT1"
    )
    Attendance.objects.filter(visit=rows.visit).update(check_out=rows.visit.planned_start + timedelta(minutes=59))
    scheduled = make_visit(
        rows.person,
        "2025-09-02T09:00",
        status="scheduled",
        attend=[(rows.worker, "09:00", "10:00")],
        ref=f"MX{tag}-VISIT2",
    )
    Visit.objects.filter(pk=scheduled.pk).update(status="completed")  # a status change (audited)
    _rota_plan_rows(provider, team, rows, tag)
    return rows


def _rota_plan_rows(provider, team, rows, tag: str) -> None:
    """The rota's planning tables: a care plan slot, a planned assignment, a published week and a
    change in it, when the care worker last looked, an app record, who has met whom."""
    from datetime import time

    from rota.models import (
        Acquaintance,
        AcquaintanceRefresh,
        AppRecord,
        Assignment,
        CarePlanSlot,
        PlanProposal,
        Publication,
        RotaChange,
        RotaSeen,
    )

    CarePlanSlot.objects.create(
        provider=provider,
        ref=f"MX{tag}-SLOT1",
        package=rows.package,
        team=team,
        days=[1, 2, 3, 4, 5],
        start=time(9),
        earliest=time(8, 30),
        latest=time(9, 30),
        minutes=60,
        tasks=f"Breakfast for {tag}",
        valid_from=date(2025, 7, 7),
    )
    Assignment.objects.create(provider=provider, visit=rows.visit, worker=rows.worker)
    Publication.objects.create(provider=provider, team=team, week=date(2025, 8, 4))
    RotaChange.objects.create(
        provider=provider, worker=rows.worker, week=date(2025, 8, 4), kind="assigned", visit=rows.visit,
        summary=f"Visit added: {tag}",
    )  # fmt: skip
    RotaSeen.objects.create(worker=rows.worker, seen_at=datetime(2025, 8, 4, 9, tzinfo=LONDON))
    AppRecord.objects.create(
        provider=provider, visit=rows.visit, worker=rows.worker, kind="check_in",
        at=datetime(2025, 8, 5, 9, 2, tzinfo=LONDON), lat=53.80123, lon=-1.60456, within_150m=True,
    )  # fmt: skip
    Acquaintance.objects.create(
        provider=provider, person=rows.person, worker=rows.worker, last_met=date(2025, 8, 5), visits_4w=1
    )
    AcquaintanceRefresh.objects.create(provider=provider, as_of=date(2025, 8, 6))
    PlanProposal.objects.create(provider=provider, team=team, day=date(2025, 8, 5), mode="unassigned",
                                message=f"Plan of {tag}")  # fmt: skip


def _lot2_rows(fx) -> None:
    """P1's person in lot 2 (the trust's): the council must never see them."""
    person = make_person(fx.contract, lot=2, ref="MXP1-LOT2")
    Package.objects.create(
        provider=fx.provider,
        ref="MXP1-PACKAGE2",
        person=person,
        lot=2,
        start=date(2025, 7, 7),
        planned_weekly_hours=Decimal("5"),
    )
    Credit.objects.create(
        provider=fx.provider,
        ref="MXP1-CREDIT2",
        contract=fx.contract,
        lot=2,
        date=date(2025, 9, 3),
        amount=Decimal("6"),
        reason="Missed visit",
    )
    make_visit(person, "2025-08-06T10:00", attend=[(fx.p1.worker, "10:00", "10:30")], ref="MXP1-VISIT-LOT2")


def _money(fx) -> None:
    manager = fx.users["provider_manager"]
    lot1, lot2 = fx.contract.lots.get(number=1), fx.contract.lots.get(number=2)
    fx.council_invoice = invoice_issue(
        invoice_id=invoice_compute_draft(lot_id=lot1.pk, period_start=ISSUED_PERIOD).pk, actor=manager
    )
    fx.trust_invoice = invoice_issue(
        invoice_id=invoice_compute_draft(lot_id=lot2.pk, period_start=ISSUED_PERIOD).pk, actor=manager
    )
    fx.credit_note = credit_note_issue(
        invoice_id=fx.council_invoice.pk, amount="1.00", reason="Late visit", actor=manager
    )
    fx.draft_invoice = invoice_compute_draft(lot_id=lot1.pk, period_start=DRAFT_PERIOD)
    p2_lot1 = fx.other_contract.lots.get(number=1)
    fx.p2_invoice = invoice_issue(
        invoice_id=invoice_compute_draft(lot_id=p2_lot1.pk, period_start=ISSUED_PERIOD).pk,
        actor=fx.users[OTHER_PROVIDER],
    )


def _returns(fx) -> None:
    signed = stored_return(fx.contract, week_start=SUBMITTED_WEEK)
    fx.submitted_return = weekly_return_submit(weekly_return_id=signed.pk, actor=fx.users["provider_manager"])
    fx.draft_return = stored_return(fx.contract, week_start=DRAFT_WEEK)
    fx.run = ReturnRun.objects.create(
        provider=fx.provider, contract=fx.contract, week_start=DRAFT_WEEK, state="failed", message="MXP1 run"
    )
    fx.p2_return = stored_return(fx.other_contract, week_start=SUBMITTED_WEEK, status="submitted")


def _bundle_imports(fx) -> None:
    """An upload the worker imported, for each provider (interchange's one table)."""
    from interchange.models import BundleImport

    for provider in (fx.provider, fx.other_provider):
        BundleImport.objects.create(provider=provider, size=1, status="done", progress=100, counts={})


def _third_party_rows() -> None:
    """A row for each admin page of the libraries' own models (superusers only)."""
    Group.objects.create(name="matrix group")
    every_hour = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.HOURS)
    PeriodicTask.objects.create(name="matrix task", task="homecare.tasks.ping", interval=every_hour, enabled=False)
    CrontabSchedule.objects.create(minute="0", hour="3", timezone="Europe/London")
    SolarSchedule.objects.create(event="sunrise", latitude=Decimal("53.8"), longitude=Decimal("-1.55"))
    ClockedSchedule.objects.create(clocked_time=datetime(2030, 1, 1, tzinfo=LONDON))


def build() -> SimpleNamespace:
    fx = SimpleNamespace()
    fx.council = _org("commissioner", "LCC", "City Council")
    fx.trust = _org("commissioner", "NHS", "Community NHS Trust")
    fx.outsider_commissioner = _org("commissioner", "FAR", "Faraway Council")
    fx.provider = _org("provider", "P1", "Provider One")
    fx.other_provider = _org("provider", "P2", "Provider Two")
    fx.neighbourhood = Neighbourhood.objects.create(ref="AREA1", name="Area 1", wards=["Armley"])
    fx.contract = make_contract(fx.provider, fx.neighbourhood, fx.council, fx.trust)
    fx.other_contract = make_contract(fx.other_provider, fx.neighbourhood, fx.council, fx.trust, ref="C-P2")
    # A KPI target P1's contract set for itself (the set-up pages and the admin show it).
    KpiTarget.objects.create(
        provider=fx.provider, contract=fx.contract, kpi=7, effective_from=date(2025, 7, 7), target=Decimal("97.0")
    )
    fx.users = _users(fx)
    authenticators = {p: TOTP.activate(u, TOTP_SECRET).instance.pk for p, u in fx.users.items()}
    # Recovery codes for the superuser: an authenticator row that stays when the second pass takes
    # everyone's TOTP away (the admin's authenticator pages name it).
    RecoveryCodes.activate(fx.users[SUPERUSER])
    fx.sessions = {p: _session(u, authenticators[p]) for p, u in fx.users.items()}
    orgs = {"provider": fx.provider, "other_provider": fx.other_provider, "council": fx.council}
    tokens = {p: _token(orgs[TOKEN_OWNER[p]], p) for p in ALL_TOKENS}
    fx.tokens = {p: t for p, (t, _) in tokens.items()}
    fx.token_keys = {p: key for p, (_, key) in tokens.items()}
    # A notification of P1's manager (each user sees only their own; the admin's page needs a row).
    Notification.objects.create(user=fx.users["provider_manager"], kind="matrix", subject="A matrix notice", url="/")
    fx.p1 = _provider_rows(fx, fx.provider, fx.contract, "P1")
    fx.p2 = _provider_rows(fx, fx.other_provider, fx.other_contract, "P2")
    _lot2_rows(fx)
    _returns(fx)
    _money(fx)
    _bundle_imports(fx)
    _third_party_rows()
    fx.markers = markers(fx)
    return fx


def markers(fx) -> dict[str, dict[str, list[str]]]:
    """For each persona, what must never be in a body it gets, by reason. Plain strings, matched
    case-sensitively; `pattern:` entries are regular expressions."""
    p1 = ["Provider One", "C-P1", "MXP1-", "P1-00000"]
    p2 = ["Provider Two", "C-P2", "MXP2-", "P2-00000"]
    far = ["Faraway Council"]
    commissioners = ["City Council", "Community NHS Trust"]
    drafts = [
        fx.draft_return.week,  # 2025-W45
        f"/reporting/returns/{fx.draft_return.pk}/",
        f"/reporting/invoices/{fx.draft_invoice.pk}/",
        "2025-09-29",
        "29 Sep 2025",
        'pattern:"status":\\s*"draft"',
        f"/reporting/returns/runs/{fx.run.pk}/",
        "MXP1 run",
    ]
    lot2 = ["MXP1-LOT2", "MXP1-PACKAGE2", "MXP1-CREDIT2", "MXP1-VISIT-LOT2", fx.trust_invoice.number]
    workforce = [
        "MXP1-WORKER",
        "MXP1-LEAVER",
        "Wendy Workerton",
        "Left to travel the world",
        "MXP1-ABSENCE",
        "MXP1-SHIFT",
        "MXP1-TRAINING",
        "MXP1-TEAM",
        "53.80123",
        "pattern:\\bpay_rate\\b",
        "pattern:\\bleaving_reason\\b",
        "pattern:\\bcontracted_weekly_hours\\b",
    ]
    council = {
        "foreign organisation": far,
        "draft": drafts,
        "another commissioner's lot": lot2,
        "worker-level workforce field": workforce,
    }
    everything = {"another organisation's row": p1 + p2 + far + commissioners}
    out: dict[str, dict[str, list[str]]] = {
        p: {"another organisation's row": p2 + far} for p in PROVIDER_ROLES | {PROVIDER_TOKEN}
    }
    out.update({p: council for p in COMMISSIONER_ROLES | {COMMISSIONER_TOKEN}})
    out[OTHER_PROVIDER] = out[OTHER_PROVIDER_TOKEN] = {"another organisation's row": p1 + far}
    out[OUTSIDER_COMMISSIONER] = {"another organisation's row": p1 + p2 + commissioners}
    out[ANONYMOUS] = everything
    out[SUPERUSER] = {}
    return out
