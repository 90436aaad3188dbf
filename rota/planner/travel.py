"""Travel rules: measure 14's (haversine x 1.3 at the mode's speed) for the board, a given matrix for benchmarks."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

EARTH_RADIUS_KM = 6371
DETOUR_FACTOR = 1.3
SPEED_KMH = {"walk": 5, "cycle": 15, "public": 15, "car": 30}


class Measure14:
    """Whole minutes between homes, exactly as rota_leg_minutes in rota/sql/shift_figures.sql computes them.

    The expression keeps the SQL's order of operations (degrees subtracted before conversion, x 1.3, then
    / speed, then x 60) so that float rounding lands on the same side of each half minute."""

    def __init__(self, places: Sequence[tuple[float, float]]):
        self.places = np.asarray(places, dtype=np.float64).reshape(-1, 2)
        self._cache: dict[str, np.ndarray] = {}

    def kilometres(self) -> np.ndarray:
        lat = self.places[:, 0]
        lon = self.places[:, 1]
        dlat = np.radians(lat[None, :] - lat[:, None])
        dlon = np.radians(lon[None, :] - lon[:, None])
        coslat = np.cos(np.radians(lat))
        h = np.power(np.sin(dlat / 2), 2) + coslat[:, None] * coslat[None, :] * np.power(np.sin(dlon / 2), 2)
        return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(h))

    def matrix(self, mode: str) -> np.ndarray:
        if mode not in self._cache:
            minutes = np.floor(self.kilometres() * DETOUR_FACTOR / SPEED_KMH[mode] * 60 + 0.5)
            self._cache[mode] = minutes.astype(np.int64)
        return self._cache[mode]


def leg_minutes(lat1: float, lon1: float, lat2: float, lon2: float, mode: str) -> int:
    """One leg by measure 14's rule (the scalar form, for callers with two homes in hand)."""
    return int(Measure14([(lat1, lon1), (lat2, lon2)]).matrix(mode)[0, 1])


class MatrixRule:
    """One integer matrix for every mode: the benchmarks give distances, travel time equal to distance."""

    def __init__(self, ticks: np.ndarray):
        self.ticks = np.asarray(ticks, dtype=np.int64)

    def matrix(self, mode: str) -> np.ndarray:
        return self.ticks
