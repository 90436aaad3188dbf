"""Measures 12, 13 and 18-29: outcomes, case studies, surveys, training, events and credits."""

from __future__ import annotations

from decimal import Decimal

from .common import ReturnContext, lot_key, percent, q

# Case studies the contract asks for each quarter (measure 13).
MIN_CASE_STUDIES = 2

EVENT_MEASURES = {
    "25": ("community_development", "community_developments"),
    "27": ("hospital_admission_avoided", "hospital_admissions_avoided"),
    "28": ("pressure_relieved", "pressure_relieved"),
    "29": ("service_gap", "service_gaps"),
}


# The statement (sql/leading.sql) whose jsonb document `shape` reads; compute.py runs it together
# with the other groups' statements.
STATEMENT = "leading"


def _events(raw: dict, kind: str) -> tuple[int, list[str]]:
    e = raw["events"].get(kind)
    return (e["n"], e["titles"]) if e else (0, [])


def shape(raw: dict, ctx: ReturnContext) -> tuple[dict, dict]:
    m12 = raw["m12"]
    measures: dict[str, dict] = {}
    if m12["assessed"]:
        measures["12"] = {
            "assessed": m12["assessed"],
            "compared": m12["compared"],
            "improved": m12["improved"],
            "unchanged": m12["unchanged"],
            "worse": m12["worse"],
            "improved_percent": percent(m12["improved"], m12["compared"]),
            "domains": m12["domains"] if m12["compared"] else None,
        }
    else:
        measures["12"] = {k: None for k in ("assessed", "compared", "improved", "unchanged", "worse")} | {
            "improved_percent": None,
            "domains": None,
        }

    n, titles = _events(raw, "case_study")
    measures["13"] = {"case_studies": n, "titles": titles, "minimum": MIN_CASE_STUDIES, "short": n < MIN_CASE_STUDIES}

    ss = raw["staff_survey"]
    measures["18"] = {
        "surveys": ss["surveys"],
        "responses": ss["responses"],
        "mean_score": q(Decimal(ss["score_x_responses"]) / Decimal(ss["responses"]), 2) if ss["responses"] else None,
    }

    tr = raw["training"]
    measures["19"] = {
        "training_records": tr["records"],
        "training_hours": q(sum((Decimal(str(w["hours"])) for w in tr["workers"]), Decimal(0)), 2)
        if tr["records"]
        else None,
        "staff": len(tr["workers"]),
        "staff_trained": sum(1 for w in tr["workers"] if w["courses"]),
        "by_worker": [
            {"worker": w["worker"], "courses": w["courses"], "hours": q(w["hours"], 2)} for w in tr["workers"]
        ]
        if tr["records"]
        else None,
    }

    ps = raw["people_survey"]
    measures["20"] = {
        "surveys": ps["surveys"],
        "responses": ps["responses"],
        "felt_understood": ps["felt_understood"],
        "felt_understood_percent": percent(ps["felt_understood"], ps["responses"]),
    }

    m21 = raw["m21"]
    measures["21"] = {
        "people": m21["people"],
        "decreases": m21["decreases"],
        "hours_reduced": q(m21["hours"], 2),
        "by_reason": {k: m21[k] for k in ("rehabilitation", "enablement", "community_connection")},
    }

    for number, kind, key in (("22", "complaint", "complaints"), ("23", "incident", "incidents")):
        n, titles = _events(raw, kind)
        measures[number] = {key: n, "titles": titles}

    credits = raw["credits"] or {}
    measures["24"] = {
        lot_key(lot): {
            "credits": credits.get(str(lot), {}).get("n", 0),
            "amount": q(credits.get(str(lot), {}).get("amount", 0), 2),
        }
        for lot in ctx.lots
    }
    measures["24"]["total_amount"] = q(sum(Decimal(str(c["amount"])) for c in credits.values()), 2)

    cs = raw["carers_survey"]
    measures["26"] = {
        "surveys": cs["surveys"],
        "responses": cs["responses"],
        "well_supported": cs["well_supported"],
        "well_supported_percent": percent(cs["well_supported"], cs["responses"]),
    }
    for number, (kind, key) in EVENT_MEASURES.items():
        n, titles = _events(raw, kind)
        measures[number] = {key: n, "titles": titles}
    return measures, {}
