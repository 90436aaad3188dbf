"""Fixed lists the generator draws from: contract terms, rates, event titles."""

from __future__ import annotations

from datetime import date, timedelta

# Hourly rates: the Leeds CHWS pilot's GBP 26.22 (prime provider contracts; partnership and spot
# contracts in the city get the standard home care rate), the rates of the 2024-25 financial year, then
# an uplift of about 4% on the first Monday of each April: a contract starting in 2026-27 starts at
# 28.36 (docs/demo-data.md, "Money").
BASE_RATES = {"prime_provider": 26.22, "partnership": 24.42, "spot": 24.42}
BASE_YEAR = 2024  # the financial year (from April) of BASE_RATES
ANNUAL_UPLIFT = 1.04
SHORT_VISIT_RATE_UPLIFT = 1.125  # visits planned under 30 minutes: travel is a fixed cost per visit


def financial_year(d: date) -> int:
    return d.year if d >= rate_change_day(d.year) else d.year - 1


def rate_change_day(year: int) -> date:
    """Rates change on the first Monday in April."""
    d = date(year, 4, 1)
    return d + timedelta(days=(7 - d.weekday()) % 7)


def rate_for(model: str, uplifts: int) -> str:
    """The hourly rate after `uplifts` Aprils since the 2024-25 rates (negative: before them)."""
    return f"{BASE_RATES[model] * ANNUAL_UPLIFT**uplifts:.2f}"


# The trusted assessor's agreed parameters (docs/assessor-workflow.md). The pilot's provider changes
# switch a package's adjustable call on or off, 3 to 5.25 hours a week and up to a third of the
# hours: all within these (docs/demo-data.md says what the city's are).
ASSESSOR_LIMITS = {"assessor_limit_hours": "6.00", "assessor_limit_share": "0.35"}


def lot_terms(lot: int, model: str, rate: str, expected: str) -> dict:
    if lot == 1:
        return {
            "lot": 1,
            "name": "Social care",
            "commissioner": "LCC",
            "hourly_rate": rate,
            "expected_weekly_hours": expected,
            "guaranteed_share": "0.80" if model == "prime_provider" else None,
            "billing_basis": "actual_capped",
            "rounding_minutes": 5,
            "tolerance_share": "0.90",
            "short_visit_minutes": 30,
            "short_visit_rate": f"{float(rate) * SHORT_VISIT_RATE_UPLIFT:.2f}",
            "bank_holiday_multiplier": "1.5",
            "hospital_retainer_share": "0.50",
            "hospital_retainer_days": 7,
            "late_cancel_hours": 24,
            "late_cancel_share": "1.00",
            **ASSESSOR_LIMITS,
        }
    return {
        "lot": 2,
        "name": "Delegated healthcare",
        "commissioner": "LCH",
        "hourly_rate": rate,
        "expected_weekly_hours": expected,
        "guaranteed_share": "0.80" if model == "prime_provider" else None,
        "billing_basis": "actual",
        "rounding_minutes": 1,
        "tolerance_share": None,
        "short_visit_minutes": None,
        "short_visit_rate": None,
        "bank_holiday_multiplier": "1.5",
        "hospital_retainer_share": None,
        "hospital_retainer_days": None,
        "late_cancel_hours": 24,
        "late_cancel_share": "1.00",
        **ASSESSOR_LIMITS,
    }


# Events per provider per week for every 100 people supported.
EVENT_RATES = {
    "complaint": 0.12,
    "incident": 0.45,
    "case_study": 0.28,
    "hospital_admission_avoided": 0.20,
    "pressure_relieved": 0.20,
    "service_gap": 0.06,
    "community_development": 0.10,
}
EVENT_TITLES = {
    "complaint": [
        "Late morning call three days running",
        "Carer did not stay the full visit",
        "Family not told about change of carer",
        "Medication prompt missed",
        "Rude telephone manner",
    ],
    "incident": [
        "Fall at home, no injury",
        "Medication error: dose missed",
        "Skin tear during transfer",
        "Safeguarding concern raised",
        "Key safe code not working",
        "Carer slipped on icy path",
    ],
    "case_study": [
        "Back to the allotment after a stroke",
        "Lunch club at the community centre",
        "From four calls a day to two after enablement",
        "Reconnected with the church choir",
        "Helped to manage diabetes at home",
        "Walking group with a neighbour",
    ],
    "hospital_admission_avoided": [
        "UTI spotted early, GP treated at home",
        "Fall sensor alert, carer attended",
        "Chest infection caught by carer, district nurse visit",
    ],
    "pressure_relieved": [
        "Carer changed catheter bag: district nurse visit saved",
        "Carer stayed with person until paramedics left: ambulance released early",
        "Wound dressing by trained carer: clinic appointment avoided",
    ],
    "service_gap": [
        "No evening sitting service in the area",
        "Wait for occupational therapy assessment",
        "No transport to day centre",
    ],
    "community_development": [
        "Coffee morning started with the tenants' association",
        "Chair-based exercise class set up at the library",
        "Befriending scheme with the school",
    ],
}
CREDIT_REASONS = [
    "missed visit refund",
    "visit shortened without notice",
    "duplicate charge corrected",
    "late call goodwill credit",
]


# Where invoices go: the commissioners' published offices.
COMMISSIONER_ADDRESSES = {
    "LCC": ("Adults and Health\nMerrion House\n110 Merrion Centre\nLeeds", "LS2 8BB"),
    "LCH": ("Finance\nStockdale House\n8 Victoria Road\nLeeds", "LS6 1PF"),
}
# The providers are fictional, so are their offices: an invented street in a real Leeds district.
PROVIDER_OFFICES = [
    ("Unit 3, Lock Keeper's Yard\nHolbeck", "LS11 9QD"),
    ("2 Mill Race Court\nStanningley", "LS28 6AT"),
    ("14 Weavers Row\nKirkstall", "LS5 3HX"),
    ("The Old Library, Brook Street\nHunslet", "LS10 2PN"),
    ("7 Hollin Fold\nSeacroft", "LS14 6JB"),
    ("Millstone House, Canal Side\nArmley", "LS12 1QF"),
    ("22 Redhall Walk\nWortley", "LS12 4RD"),
    ("1 Linton Mews\nWetherby", "LS22 6UP"),
    ("Oakwood Chambers, Roundhay Parade\nOakwood", "LS8 2DG"),
    ("5 Greenside Court\nPudsey", "LS28 8PT"),
    ("9 Whinmoor Lane\nWhinmoor", "LS14 1AE"),
    ("Templegate House, Halton Road\nHalton", "LS15 7RT"),
    ("3 Chapel Lane Yard\nHeadingley", "LS6 3BW"),
    ("11 Harewell Road\nChapel Allerton", "LS7 4NZ"),
    ("Kippax Common Centre, High Street\nKippax", "LS25 7AB"),
    ("4 Wharfe Bank\nOtley", "LS21 1HG"),
    ("Morlands House, Queen Street\nMorley", "LS27 9DX"),
    ("8 Beestonfold Road\nBeeston", "LS11 8LQ"),
]
# 30 days from the invoice: the time public bodies are required to pay undisputed invoices within.
PAYMENT_TERMS_DAYS = 30
# Bank details on the demo's invoices are examples, not accounts: sort code 00-00-00 is no bank's.
EXAMPLE_SORT_CODE = "00-00-00"


def provider_office(index: int, name: str) -> dict:
    street, postcode = PROVIDER_OFFICES[index % len(PROVIDER_OFFICES)]
    return {
        "address": f"{street}\nLeeds",
        "postcode": postcode,
        "bank_account_name": name,
        "bank_sort_code": EXAMPLE_SORT_CODE,
        "bank_account_number": f"{index + 1:08d}",
    }
