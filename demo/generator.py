"""Generate a demo bundle: a function of (scale, weeks, seed, end week) only, so the same arguments
always give byte-identical files.

Everything small (organisations, people, workers, ...) is built up front; the two big lists, shifts
and visits, are produced day by day by replaying each team's planned rota (see rota.py), with the
JSON of those records formatted here directly because that loop runs millions of times for a city.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

from homecare.lib.dates import parse_iso_week

from . import catalogue as cat
from .careplans import AM, PM, Slot, calibrate, choose_two_handed, make_slot
from .geo import WARDS, clamp_to_box, point_near
from .names import person_name, worker_name
from .people import Occupant, assessments, occupants_for, package_changes, reviews
from .plans import care_plan_records
from .provider_records import ProviderRecordsMixin
from .referrals import ReferralsMixin
from .rota import JITTER, OVERRUN, Position, Template, make_positions, plan_team, travel_matrix
from .scales import PROVIDER_NAMES, SCALES, Scale
from .workforce import Worker, staff_positions
from .writer import BundleWriter

# The data ends with this ISO week unless told otherwise: the last complete week before the generator
# was written (Monday 23 November 2026). A fixed default keeps `seed_demo` deterministic.
DEFAULT_END_WEEK = "2026-W47"

# Visit outcomes among visits not affected by a hospital stay (home care norms; the KPI target for
# completed visits is 98%).
P_CANCELLED_BY_PERSON = 0.025
P_NOT_AT_HOME = 0.006
P_CANCELLED_BY_PROVIDER = 0.003
P_MISSED = 0.003
# Calibration: care lines are planned a little above the target because some adjustable calls are off
# and some lines are between people.
HOURS_UPLIFT = 1.05

COMPLETED, HOSPITAL, CANCELLED, NOT_HOME, PROV_CANCELLED, MISSED = (
    "completed",
    "hospital",
    "cancelled_by_person",
    "not_at_home",
    "cancelled_by_provider",
    "missed",
)
HM = [f"{m // 60:02d}:{m % 60:02d}" for m in range(1440)]


@dataclass
class Summary:
    path: str
    counts: dict[str, int]
    seconds: float
    start: date
    end: date


@dataclass
class Team:
    ref: str
    provider: str
    contract: int  # index into _Gen.contracts
    slots: list[Slot]
    templates: list[list[Template]]
    positions: list[Position]
    onduty: list[list[list[int]]]
    workers: list[Worker]
    avail: list
    occs: list[list[Occupant]] = field(default_factory=list)
    ptr: list[int] = field(default_factory=list)


@dataclass
class ContractInfo:
    ref: str
    provider: str
    model: str
    area: int
    rates: dict[int, str]  # lot -> rate at start
    slots: list[Slot]
    people: int = 0


def generate_bundle(
    path: str, *, scale: str = "pilot", weeks: int = 8, seed: int = 1, end_week: str = DEFAULT_END_WEEK
) -> Summary:
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    t0 = time.monotonic()
    writer = BundleWriter(path)
    try:
        gen = _Gen(SCALES[scale], seed, parse_iso_week(end_week) - timedelta(weeks=weeks - 1), weeks, writer)
        gen.run()
    except BaseException:
        writer.abort()
        raise
    writer.close()
    s = gen.summary
    s.path, s.counts, s.seconds = path, dict(writer.counts), time.monotonic() - t0
    return s


class _Gen(ReferralsMixin, ProviderRecordsMixin):
    def __init__(self, scale: Scale, seed: int, start: date, weeks: int, writer: BundleWriter) -> None:
        self.sc, self.seed, self.start, self.weeks, self.w = scale, seed, start, weeks, writer
        self.n_days = 7 * weeks
        self.last = self.n_days - 1
        self.off = 10
        self.D = [self.day_str(d) for d in range(-self.off, self.n_days + self.off)]
        self.teams: list[Team] = []
        self.contracts: list[ContractInfo] = []
        self.person_no: dict[str, int] = {}
        self.worker_no: dict[str, int] = {}
        self.summary = Summary("", {}, 0.0, start, start + timedelta(days=self.n_days - 1))
        self.paid_cost: dict[tuple[int, int], float] = {}

    # ---- helpers
    def rng(self, *names: object) -> random.Random:
        # String seeds are hashed with SHA-512 by random.Random: stable across processes and versions.
        return random.Random(":".join([str(self.seed), *map(str, names)]))

    @cache  # noqa: B019 - one generator per run, days are few
    def day_str(self, day: int) -> str:
        return (self.start + timedelta(days=day)).isoformat()

    def dt(self, minute: int) -> str:
        m = minute % 1440
        if 60 <= m < 180:  # never a wall time that the clock change skips or repeats
            minute += 120
        return f"{self.day_str(minute // 1440)}T{HM[minute % 1440]}"

    def home(self, lat: float, lon: float) -> dict[str, float]:
        if self.sc.box:
            lat, lon = clamp_to_box(lat, lon, self.sc.box)
        return {"lat": lat, "lon": lon}

    def date_or_none(self, day: int | None) -> str | None:
        return None if day is None else self.day_str(day)

    def _next(self, counters: dict[str, int], prefix: str, fmt: str) -> str:
        n = counters.get(prefix, 0)
        counters[prefix] = n + 1
        return fmt.format(prefix, n)

    # ---- the run
    def run(self) -> None:
        self.organisations()
        for ai, area in enumerate(self.sc.areas):
            self.w.add("neighbourhoods", {"ref": area.ref, "name": area.name, "wards": area.wards})
            for pidx, model, share in area.contracts:
                self.contract(ai, pidx, model, share)
        self.emit_days()
        self.meetings()
        self.provider_records()

    def organisations(self) -> None:
        for ref, name in (("LCC", "Leeds City Council"), ("LCH", "Leeds Community Healthcare NHS Trust")):
            address, postcode = cat.COMMISSIONER_ADDRESSES[ref]
            self.w.add("commissioners", {"ref": ref, "name": name, "address": address, "postcode": postcode})
        for i, (ref, name) in enumerate(PROVIDER_NAMES[: self.sc.providers]):
            self.w.add(
                "providers", {"ref": ref, "name": name, "on_cost_factor": "1.25", **cat.provider_office(i, name)}
            )

    def contract(self, ai: int, pidx: int, model: str, share: float) -> None:
        sc, area = self.sc, self.sc.areas[ai]
        prov = PROVIDER_NAMES[pidx][0]
        ref = f"CHWS-{prov}" if sc.name == "pilot" else f"{prov}-{area.ref}"
        rng = self.rng("contract", ref)
        n_people = round(area.people * share)
        n_teams = max(1, math.ceil(n_people / sc.people_per_team))
        team_slots: list[list[Slot]] = []
        for t in range(n_teams):
            ward = area.wards[t % len(area.wards)]
            clat, clon = point_near(rng, *WARDS[ward], 0.8)
            if sc.box:
                clat, clon = clamp_to_box(clat, clon, sc.box)
            count = n_people // n_teams + (1 if t < n_people % n_teams else 0)
            slots = []
            for _ in range(count):
                lat, lon = point_near(rng, clat, clon, sc.patch_radius_km)
                if sc.box:
                    lat, lon = clamp_to_box(lat, lon, sc.box)
                slots.append(make_slot(rng, lat, lon))
            team_slots.append(slots)
        all_slots = [s for ts in team_slots for s in ts]
        calibrate(rng, all_slots, round(n_people * sc.weekly_hours_per_person * 60 * HOURS_UPLIFT))
        choose_two_handed(rng, all_slots, sc.two_handed_share)
        weekly = sum(s.weekly_minutes() for s in all_slots) / 60
        fy = cat.financial_year(self.start)
        rates = {1: cat.rate_for(model, fy - cat.BASE_YEAR), 2: cat.rate_for(model, fy - cat.BASE_YEAR)}
        changes = []
        for year in range(fy + 1, fy + 2 + self.weeks // 52):
            day = cat.rate_change_day(year)
            if day <= self.start + timedelta(days=self.last):
                changes += [
                    {"lot": lot, "from": day.isoformat(), "hourly_rate": cat.rate_for(model, year - cat.BASE_YEAR)}
                    for lot in (1, 2)
                ]
        lot2 = sc.lot2_share
        self.w.add(
            "contracts",
            {
                "ref": ref,
                "provider": prov,
                "neighbourhood": area.ref,
                "model": model,
                "start": self.day_str(0),
                "end": None,
                "settlement": "four_weekly",
                "payment_terms_days": cat.PAYMENT_TERMS_DAYS,
                "lots": [
                    cat.lot_terms(1, model, rates[1], f"{round(weekly * (1 - lot2), -1):.0f}"),
                    cat.lot_terms(2, model, rates[2], f"{round(weekly * lot2, -1):.0f}"),
                ],
                "rate_changes": changes,
            },
        )
        ci = len(self.contracts)
        info = ContractInfo(ref, prov, model, ai, rates, all_slots)
        self.contracts.append(info)
        for t, slots in enumerate(team_slots):
            self.team(info, ci, t, slots, rng)
        self.lost_referrals(info, rng)

    def team(self, info: ContractInfo, ci: int, t: int, slots: list[Slot], rng: random.Random) -> None:
        sc, prov = self.sc, info.provider
        area = sc.areas[info.area]
        tref = f"{info.ref}-T{t + 1}" if sc.name == "city" else f"{prov}-T{t + 1}"
        ward = area.wards[t % len(area.wards)]
        self.w.add(
            "teams",
            {
                "ref": tref,
                "provider": prov,
                "neighbourhood": area.ref,
                "name": f"{ward} team {t // len(area.wards) + 1}",
            },
        )
        templates = plan_team(slots, travel_matrix(slots))
        positions, onduty = make_positions(rng, templates, sc.days_per_week, sc.spare_share)
        clat = sum(s.lat for s in slots) / len(slots)
        clon = sum(s.lon for s in slots) / len(slots)
        workers, avail = staff_positions(
            rng,
            positions,
            self.n_days,
            team_ref=tref,
            new_worker_ref=lambda: self._next(self.worker_no, prov, "{}-W{:05d}"),
            home=(clat, clon),
            point_near=point_near,
            annual_turnover=sc.annual_turnover,
            travel_modes=sc.travel_modes,
            lot2_team=True,
        )
        team = Team(tref, prov, ci, slots, templates, positions, onduty, workers, avail)
        self.teams.append(team)
        for w in workers:
            self.worker_records(team, w, rng)
        for slot in slots:
            occs, pending_start = occupants_for(
                rng, slot, self.n_days, lambda: self._next(self.person_no, prov, "{}-P{:05d}"), sc.lot2_share
            )
            team.occs.append(occs)
            team.ptr.append(0)
            for occ in occs:
                self.person_records(info, slot, occ, rng)
                for record in care_plan_records(slot, occ, team=tref, day_str=self.day_str, last_day=self.last):
                    self.w.add("care_plan_slots", record)
            if pending_start is not None:
                self.pending_referral(info, slot, pending_start, rng)

    def worker_records(self, team: Team, w: Worker, rng: random.Random) -> None:
        add = self.w.add
        add(
            "workers",
            {
                "ref": w.ref,
                "provider": team.provider,
                "team": team.ref,
                "name": worker_name(w.ref),
                "started": self.day_str(w.started),
                "left": self.date_or_none(w.left),
                "leaving_reason": w.leaving_reason,
                "contract_type": w.contract_type,
                "contracted_weekly_hours": w.contracted_weekly_hours,
                "pay_rate": w.pay_rate,
                "skills": w.skills,
                "home": {"lat": w.lat, "lon": w.lon},
                "travel_mode": w.travel_mode,
            },
        )
        for i, (a, b, kind) in enumerate(w.absences):
            add(
                "absences",
                {
                    "ref": f"A-{w.ref}-{i}",
                    "worker": w.ref,
                    "start": self.day_str(a),
                    "end": self.day_str(b),
                    "kind": kind,
                },
            )
        history = []
        if w.started < -60:  # last year's courses, for the annual training figure
            for _ in range(rng.randint(2, 4)):
                history.append((rng.randint(max(w.started, -365), -1), *cat_course(rng)))
        for i, (day, course, hours) in enumerate(sorted(history) + w.training):
            add(
                "training_records",
                {
                    "ref": f"TR-{w.ref}-{i}",
                    "worker": w.ref,
                    "course": course,
                    "date": self.day_str(day),
                    "hours": hours,
                },
            )
            if 0 <= day <= self.last:
                # Training is paid time: a training shift on a day the worker is kept off the rota.
                minutes = round(float(hours) * 60)
                brk = 30 if minutes > 300 else 0
                end = 9 * 60 + minutes + brk
                self.w.add_raw(
                    "shifts",
                    self._shift(
                        f"S-{w.ref}-{self.day_str(day)}-T", w.ref, self.day_str(day), 9 * 60, end, brk, "training"
                    ),
                )
                self._pay(team, w, day, minutes)

    def person_records(self, info: ContractInfo, slot: Slot, occ: Occupant, rng: random.Random) -> None:
        add = self.w.add
        info.people += 1
        add(
            "people",
            {
                "ref": occ.person,
                "provider": info.provider,
                "contract": info.ref,
                "name": person_name(occ.person),
                "lot": occ.lot,
                "home": self.home(occ.lat, occ.lon),
                "outcomes_opt_out": occ.opt_out,
            },
        )
        changes = package_changes(rng, occ, slot, self.n_days)
        revs, review_due = reviews(rng, occ, self.n_days)
        base = slot.weekly_minutes(with_optional=False) + (slot.optional_weekly_minutes() if occ.optional_on else 0)
        add(
            "packages",
            {
                "ref": occ.package,
                "person": occ.person,
                "lot": occ.lot,
                "start": self.day_str(occ.start),
                "end": self.date_or_none(occ.end),
                "planned_weekly_hours": f"{base / 60:.2f}",
                "review_due": self.date_or_none(review_due),
            },
        )
        for ch in changes:
            for k in ("effective", "submitted_for_approval", "decided"):
                ch[k] = self.date_or_none(ch[k])
            add(
                "package_changes",
                {
                    "ref": ch["ref"],
                    "package": ch["package"],
                    "effective": ch["effective"],
                    "new_weekly_hours": ch["new_weekly_hours"],
                    "by": ch["by"],
                    "reason": ch["reason"],
                    "consent_by": ch["consent_by"],
                    "submitted_for_approval": ch["submitted_for_approval"],
                    "decision": ch["decision"],
                    "decided": ch["decided"],
                },
            )
        for r in revs:
            r["due"], r["completed"] = self.day_str(r["due"]), self.date_or_none(r["completed"])
            add("reviews", r)
        for a in assessments(rng, occ, self.n_days):
            a["date"] = self.day_str(a["date"])
            add("outcome_assessments", a)
        for i, (adm, dis) in enumerate(occ.stays):
            add(
                "hospital_stays",
                {
                    "ref": f"HS-{occ.person}-{i}",
                    "person": occ.person,
                    "admitted": self.dt(adm),
                    "discharged": None if dis is None else self.dt(dis),
                },
            )
        if -28 <= occ.start <= self.last:
            self.referral(info, slot, occ, rng)

    # ---- shifts and visits, day by day
    @staticmethod
    def _shift(ref: str, wref: str, d: str, start: int, end: int, brk: int, kind: str) -> str:
        return (
            f'{{"ref":"{ref}","worker":"{wref}","start":"{d}T{HM[start]}","end":"{d}T{HM[end]}",'
            f'"unpaid_break_minutes":{brk},"kind":"{kind}"}}'
        )

    def _pay(self, team: Team, w: Worker, day: int, minutes: int) -> None:
        key = (team.contract, day // 28)
        self.paid_cost[key] = self.paid_cost.get(key, 0.0) + minutes / 60 * float(w.pay_rate)

    def emit_days(self) -> None:
        rnd = random.Random(f"{self.seed}:days").random
        p1 = 1 - (P_CANCELLED_BY_PERSON + P_NOT_AT_HOME + P_CANCELLED_BY_PROVIDER + P_MISSED)
        p2 = p1 + P_CANCELLED_BY_PERSON
        p3 = p2 + P_NOT_AT_HOME
        p4 = p3 + P_CANCELLED_BY_PROVIDER
        letter = {AM: "A", PM: "P"}
        for day in range(self.n_days):
            wd = day % 7
            d = self.D[day + self.off]
            base = day * 1440
            for team in self.teams:
                occ_today = self._occupants_on(team, day)
                for shift in (AM, PM):
                    tp = team.templates[wd][shift]
                    visits = tp.visits
                    n = len(visits)
                    st: list[str | None] = [None] * n
                    for i, v in enumerate(visits):
                        o = occ_today[v.slot]
                        if o is None or (v.optional and not o.optional_booked(day)):
                            continue
                        if o.stays and o.in_hospital(base + v.start):
                            st[i] = HOSPITAL
                            continue
                        r = rnd()
                        st[i] = (
                            COMPLETED
                            if r < p1
                            else CANCELLED
                            if r < p2
                            else NOT_HOME
                            if r < p3
                            else PROV_CANCELLED
                            if r < p4
                            else MISSED
                        )
                    run_workers = self._staff_runs(team, tp, st, day, wd, shift)
                    atts: list[list[str] | None] = [None] * n
                    # Past visits are planned for whoever attended them (the bundle's planned_workers).
                    planned: list[list[str] | None] = [None] * n
                    out_shifts = []
                    for k, run in enumerate(tp.runs):
                        wi = run_workers[k]
                        if wi < 0:
                            continue
                        wref = team.workers[wi].ref
                        prev = -1
                        used = False
                        for vi, t in run:
                            s_ = st[vi]
                            if s_ is None:
                                continue
                            used = True
                            if s_ is not COMPLETED:
                                continue
                            v = visits[vi]
                            ci = v.start + int(rnd() * (2 * JITTER + 1)) - JITTER
                            if prev >= 0 and ci < prev + t:
                                ci = prev + t
                            co = ci + (v.end - v.start) + int(rnd() * 9) - 4
                            if co > v.end + OVERRUN:
                                co = v.end + OVERRUN
                            if co < ci + 5:
                                co = ci + 5
                            prev = co
                            r = rnd()
                            method, exc = (
                                ("app", "null")
                                if r < 0.88
                                else ("phone", "null")
                                if r < 0.96
                                else ("manual", '"no_signal"')
                            )
                            a = (
                                f'{{"worker":"{wref}","check_in":"{d}T{HM[ci]}","check_out":"{d}T{HM[co]}",'
                                f'"method":"{method}","exception_code":{exc}}}'
                            )
                            lst = atts[vi]
                            if lst is None:
                                atts[vi] = [a]
                                planned[vi] = [wref]
                            else:
                                lst.append(a)
                                planned[vi].append(wref)
                        if used:
                            b0, b1, brk = tp.blocks[k]
                            out_shifts.append(
                                self._shift(f"S-{wref}-{d}-{letter[shift]}", wref, d, b0, b1, brk, "care")
                            )
                            self._pay(team, team.workers[wi], day, b1 - b0 - brk)
                    self.w.add_many_raw("shifts", out_shifts)
                    out = []
                    for i, v in enumerate(visits):
                        s_ = st[i]
                        if s_ is None:
                            continue
                        o = occ_today[v.slot]
                        lst = atts[i]
                        if s_ is COMPLETED and lst is None:
                            s_ = MISSED  # nobody could cover the run
                        ca = "null"
                        if s_ is CANCELLED:
                            ca = '"' + self._cancel_time(base + v.start, rnd) + '"'
                        pw = ""
                        if lst:
                            pw = ',"planned_workers":["' + '","'.join(sorted(planned[i])) + '"]'
                        out.append(
                            f'{{"ref":"V-{o.person}-{d}-{v.k}","person":"{o.person}","package":"{o.package}",'
                            f'"planned_start":"{d}T{HM[v.start]}","planned_end":"{d}T{HM[v.end]}",'
                            f'"carers_required":{v.carers},"outside_home":{"true" if v.outside else "false"},'
                            f'"status":"{s_}","cancelled_at":{ca},"attendances":[{",".join(lst) if lst else ""}]{pw}}}'
                        )
                    self.w.add_many_raw("visits", out)

    def _cancel_time(self, planned: int, rnd) -> str:
        # Notice given: a third late (on the day), the rest one to three days ahead, in the daytime.
        day, m = divmod(planned, 1440)
        if rnd() < 0.33 and m > 8 * 60 + 30:
            return self.dt(day * 1440 + 7 * 60 + int(rnd() * (m - 7 * 60 - 30)))
        return self.dt((day - 1 - int(rnd() * 3)) * 1440 + 8 * 60 + int(rnd() * 12 * 60))

    def _occupants_on(self, team: Team, day: int) -> list[Occupant | None]:
        out: list[Occupant | None] = []
        for si, occs in enumerate(team.occs):
            p = team.ptr[si]
            while p < len(occs) and occs[p].end is not None and occs[p].end < day:
                p += 1
            team.ptr[si] = p
            out.append(occs[p] if p < len(occs) and occs[p].start <= day else None)
        return out

    def _staff_runs(self, team: Team, tp: Template, st: list, day: int, wd: int, shift: int) -> list[int]:
        """Who does each run today: its regular worker, or cover from the day's spares, then from anyone
        on the team free in this shift. A run nobody can cover leaves its calls missed."""
        od = team.onduty[wd][shift]
        avail = team.avail
        nr = len(tp.runs)
        out = [-1] * nr
        busy = set()
        gaps = []
        for k in range(nr):
            if not any(st[vi] is not None for vi, _ in tp.runs[k]):
                continue
            wi = avail[od[k]][day] if k < len(od) else -1
            if wi >= 0 and wi not in busy:
                out[k] = wi
                busy.add(wi)
            else:
                gaps.append(k)
        if gaps:
            cover = od[nr:] + [p for p in range(len(team.positions)) if p not in od]
            for k in gaps:
                for p in cover:
                    wi = avail[p][day]
                    if wi >= 0 and wi not in busy:
                        out[k] = wi
                        busy.add(wi)
                        break
        return out

    def meetings(self) -> None:
        """A paid team meeting every four weeks, on the second Wednesday, between the shifts."""
        for team in self.teams:
            for day in range(9, self.n_days, 28):
                d = self.day_str(day)
                for p, _pos in enumerate(team.positions):
                    wi = team.avail[p][day]
                    if wi >= 0:
                        w = team.workers[wi]
                        self.w.add_raw(
                            "shifts",
                            self._shift(f"S-{w.ref}-{d}-M", w.ref, d, 14 * 60 + 15, 15 * 60 + 15, 0, "meeting"),
                        )
                        self._pay(team, w, day, 60)


def cat_course(rng: random.Random) -> tuple[str, str]:
    from .workforce import COURSES

    return COURSES[rng.randrange(len(COURSES))]
