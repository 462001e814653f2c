"""``near:`` on a rule: is a recognised place within the radius, and how far is it?"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from newswatch.config.schema import Near
from newswatch.geo.gazetteer import Gazetteer
from newswatch.geo.places import distance_km
from newswatch.model import Place


@dataclass(frozen=True)
class NearResult:
    ok: bool
    place: Place | None
    distance_km: float | None
    explanation: str  # "Aleppo, SY — 97 km from Gaziantep"


def check_near(near: Near, places: Sequence[Place], gazetteer: Gazetteer) -> NearResult:
    """The nearest recognised place, and whether it lies within ``near.km`` of the centre.

    Raises LookupError if ``near.place`` does not resolve (``near_problem`` reports that
    at ``check`` time, so a loaded config never does).
    """
    lat, lon, centre = _centre(near, gazetteer)
    if not places:
        return NearResult(False, None, None, f"no place recognised (rule is near {centre})")
    measured = sorted(
        ((distance_km(lat, lon, p.lat, p.lon), p) for p in places), key=lambda dp: dp[0]
    )
    dist, place = measured[0]
    where = f"{place.name}, {place.country}" if place.country else place.name
    if dist <= near.km:
        return NearResult(True, place, dist, f"{where} — {dist:.0f} km from {centre}")
    return NearResult(
        False,
        place,
        dist,
        f"nearest place {where} is {dist:.0f} km from {centre} (limit {near.km:g} km)",
    )


def near_problem(near: Near, gazetteer: Gazetteer) -> str | None:
    """None when ``near`` can be checked; else what is wrong, with suggestions."""
    if near.place is None:
        return None
    try:
        place = gazetteer.resolve(near.place)
    except LookupError as exc:
        return str(exc.args[0]) if exc.args else str(exc)
    if place.is_area:
        return (
            f"'{near.place}' is a {place.kind}; give a city or lat/lon "
            f"(or use @place({near.place}) in the query)"
        )
    return None


def centre(near: Near, gazetteer: Gazetteer) -> tuple[float, float, str]:
    """(lat, lon, label) of the radius' centre (the dashboard's map draws it)."""
    return _centre(near, gazetteer)


def _centre(near: Near, gazetteer: Gazetteer) -> tuple[float, float, str]:
    if near.place is not None:
        place = gazetteer.resolve(near.place)
        return place.lat, place.lon, place.name
    assert near.lat is not None and near.lon is not None  # guaranteed by Near's validator
    return near.lat, near.lon, f"{near.lat:g},{near.lon:g}"
