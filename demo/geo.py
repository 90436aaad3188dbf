"""Places: Leeds wards grouped into neighbourhoods, and the distances between homes."""

from __future__ import annotations

import math
import random

# Approximate centres of the 33 Leeds wards (lat, lon). Demo homes are scattered around them.
WARDS: dict[str, tuple[float, float]] = {
    "Armley": (53.800, -1.608),
    "Bramley and Stanningley": (53.807, -1.645),
    "Farnley and Wortley": (53.793, -1.633),
    "Kirkstall": (53.818, -1.600),
    "Pudsey": (53.795, -1.662),
    "Calverley and Farsley": (53.825, -1.672),
    "Horsforth": (53.840, -1.640),
    "Guiseley and Rawdon": (53.870, -1.700),
    "Otley and Yeadon": (53.895, -1.690),
    "Adel and Wharfedale": (53.855, -1.600),
    "Weetwood": (53.835, -1.580),
    "Headingley and Hyde Park": (53.820, -1.575),
    "Little London and Woodhouse": (53.810, -1.552),
    "Hunslet and Riverside": (53.780, -1.530),
    "Beeston and Holbeck": (53.780, -1.560),
    "Middleton Park": (53.755, -1.550),
    "Ardsley and Robin Hood": (53.725, -1.550),
    "Morley North": (53.750, -1.600),
    "Morley South": (53.735, -1.600),
    "Rothwell": (53.750, -1.480),
    "Kippax and Methley": (53.750, -1.380),
    "Garforth and Swillington": (53.790, -1.390),
    "Temple Newsam": (53.785, -1.460),
    "Killingbeck and Seacroft": (53.815, -1.470),
    "Cross Gates and Whinmoor": (53.810, -1.445),
    "Burmantofts and Richmond Hill": (53.800, -1.520),
    "Gipton and Harehills": (53.815, -1.510),
    "Chapel Allerton": (53.830, -1.530),
    "Roundhay": (53.835, -1.500),
    "Moortown": (53.840, -1.540),
    "Alwoodley": (53.855, -1.530),
    "Harewood": (53.880, -1.470),
    "Wetherby": (53.930, -1.390),
}

# The pilot's "Area 1" (Leeds CHWS): Bramley and Stanningley, Armley, Farnley and Wortley.
PILOT_WARDS = ["Armley", "Bramley and Stanningley", "Farnley and Wortley"]
# The pilot's homes stay inside this box (about 2 km x 4 km around the three wards).
PILOT_BOX = ((53.790, 53.812), (-1.660, -1.600))

# The city: the pilot area plus ten more neighbourhoods of three wards each (all 33 wards).
CITY_AREAS: list[list[str]] = [
    PILOT_WARDS,
    ["Kirkstall", "Headingley and Hyde Park", "Weetwood"],
    ["Pudsey", "Calverley and Farsley", "Horsforth"],
    ["Guiseley and Rawdon", "Otley and Yeadon", "Adel and Wharfedale"],
    ["Little London and Woodhouse", "Chapel Allerton", "Moortown"],
    ["Hunslet and Riverside", "Beeston and Holbeck", "Middleton Park"],
    ["Ardsley and Robin Hood", "Morley North", "Morley South"],
    ["Rothwell", "Kippax and Methley", "Garforth and Swillington"],
    ["Temple Newsam", "Killingbeck and Seacroft", "Cross Gates and Whinmoor"],
    ["Burmantofts and Richmond Hill", "Gipton and Harehills", "Roundhay"],
    ["Alwoodley", "Harewood", "Wetherby"],
]

KM_PER_DEG_LAT = 111.2


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    # The same formula (earth radius 6371 km) the travel measure uses, so planned gaps match it.
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(a))


def walk_minutes(lat1: float, lon1: float, lat2: float, lon2: float) -> int:
    """Walking time as the travel measure counts it (distance x 1.3 at 5 km/h), rounded up."""
    return math.ceil(haversine_km(lat1, lon1, lat2, lon2) * 1.3 / 5 * 60)


def point_near(rng: random.Random, lat: float, lon: float, radius_km: float) -> tuple[float, float]:
    """A point uniformly inside a disc of radius_km around (lat, lon)."""
    r = radius_km * math.sqrt(rng.random())
    t = rng.random() * 2 * math.pi
    dlat = r * math.cos(t) / KM_PER_DEG_LAT
    dlon = r * math.sin(t) / (KM_PER_DEG_LAT * math.cos(math.radians(lat)))
    return round(lat + dlat, 5), round(lon + dlon, 5)


def clamp_to_box(lat: float, lon: float, box: tuple[tuple[float, float], tuple[float, float]]) -> tuple[float, float]:
    (lat0, lat1), (lon0, lon1) = box
    return round(min(max(lat, lat0), lat1), 5), round(min(max(lon, lon0), lon1), 5)
