"""A gazetteer entry and the distance between two points on the Earth."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from newswatch.model import Place

# Countries and regions (US states) are context: never recognised as a point, never measured.
Kind = Literal["city", "country", "region", "user"]

_EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class GeoPlace:
    """One place the gazetteer knows, with every name it may be written as.

    Countries carry their capital's coordinates and regions the population-weighted centre
    of their cities, so they can be shown on a map, but neither is used for distances:
    "within 50 km of Syria" means nothing.
    """

    id: int
    name: str
    country: str  # ISO 3166-1 alpha-2, "" when a user place does not say
    lat: float
    lon: float
    population: int
    kind: Kind

    @property
    def is_area(self) -> bool:
        return self.kind in ("country", "region")

    @property
    def label(self) -> str:
        """``Gaziantep (TR)``, the form error messages and suggestions use."""
        return f"{self.name} ({self.country})" if self.country else self.name

    @property
    def short(self) -> str:
        """``Aleppo, SY``, the form alerts use."""
        return f"{self.name}, {self.country}" if self.country else self.name

    def to_place(self, confidence: float) -> Place:
        return Place(self.name, self.country, self.lat, self.lon, confidence)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine); good to ~0.5 %, far below any radius a rule uses."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
