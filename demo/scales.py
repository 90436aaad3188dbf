"""The two demo scales. Every rate below is a planning assumption, documented in docs/demo-data.md."""

from __future__ import annotations

from dataclasses import dataclass, field

from .geo import CITY_AREAS, PILOT_BOX, PILOT_WARDS

# Fictional provider names (the real pilot's providers are deliberately not used).
PROVIDER_NAMES = [
    ("CSH", "Canalside Homecare CIC"),
    ("SCC", "Stanningley Care Collective"),
    ("AVC", "Aire Vale Community Care"),
    ("BRK", "Brookfield Home Support"),
    ("HLW", "Hollinwood Care Partnership"),
    ("MLT", "Millstone Homecare"),
    ("RDH", "Redhall Support at Home"),
    ("LNT", "Linton Neighbourhood Care"),
    ("OKW", "Oakwood Home Care Co-operative"),
    ("GRN", "Greenside Care at Home"),
    ("WHM", "Whinmoor Homecare"),
    ("TMP", "Templegate Care Services"),
    ("CHP", "Chapel Lane Care"),
    ("HRW", "Harewell Home Support"),
    ("KPX", "Kippax Common Care"),
    ("WTB", "Wharfe Bank Homecare"),
    ("MRL", "Morlands Care at Home"),
    ("BST", "Beestonfold Community Support"),
]


@dataclass(frozen=True)
class Area:
    ref: str
    name: str
    wards: list[str]
    people: int  # care lines ("slots") in the area
    # (provider index, contract model, share of the area's people)
    contracts: list[tuple[int, str, float]]


@dataclass(frozen=True)
class Scale:
    name: str
    areas: list[Area]
    providers: int
    weekly_hours_per_person: float  # calibrated average of planned person-hours per week
    two_handed_share: float  # share of person-hours on visits needing two carers
    people_per_team: int
    patch_radius_km: float
    box: tuple[tuple[float, float], tuple[float, float]] | None
    # Days a week a care worker's position works, and how often (sums to 1).
    days_per_week: list[tuple[int, float]]
    spare_share: float  # extra on-duty workers per shift to cover absence
    annual_turnover: float
    travel_modes: list[tuple[str, float]]
    lot2_share: float = 0.12
    extra: dict[str, float] = field(default_factory=dict)


PILOT = Scale(
    name="pilot",
    areas=[
        Area(
            ref="AREA1",
            name="Area 1",
            wards=PILOT_WARDS,
            people=210,
            contracts=[(0, "prime_provider", 0.55), (1, "prime_provider", 0.45)],
        )
    ],
    providers=2,
    weekly_hours_per_person=3300 / 210,
    two_handed_share=0.21,
    people_per_team=36,
    patch_radius_km=0.45,
    box=PILOT_BOX,
    days_per_week=[(5, 0.55), (4, 0.30), (3, 0.15)],
    spare_share=0.12,
    annual_turnover=0.30,
    travel_modes=[("walk", 0.70), ("cycle", 0.10), ("car", 0.15), ("public", 0.05)],
)


def _city_areas() -> list[Area]:
    areas = []
    for i, wards in enumerate(CITY_AREAS):
        # Two providers per area: the area's prime provider and a partner (the pilot area keeps its
        # two prime providers); providers 2.. each hold one or two areas.
        if i == 0:
            contracts = [(0, "prime_provider", 0.55), (1, "prime_provider", 0.45)]
        else:
            prime = 2 + (i - 1) % 16
            partner = 2 + (i * 7 + 3) % 16
            if partner == prime:
                partner = 2 + (partner - 1) % 16
            contracts = [(prime, "prime_provider", 0.6), (partner, "partnership" if i % 3 else "spot", 0.4)]
        areas.append(Area(ref=f"AREA{i + 1}", name=f"Area {i + 1}", wards=wards, people=260, contracts=contracts))
    return areas


CITY = Scale(
    name="city",
    areas=_city_areas(),
    providers=18,
    weekly_hours_per_person=3300 / 210,
    two_handed_share=0.21,
    people_per_team=36,
    patch_radius_km=0.6,
    box=None,
    # Leeds: 51% of independent-sector care workers are on zero-hours contracts (Skills for Care 2022-23).
    days_per_week=[(5, 0.38), (4, 0.20), (3, 0.20), (2, 0.22)],
    spare_share=0.12,
    annual_turnover=0.45,
    travel_modes=[("walk", 0.35), ("car", 0.45), ("cycle", 0.05), ("public", 0.15)],
)

SCALES = {"pilot": PILOT, "city": CITY}
