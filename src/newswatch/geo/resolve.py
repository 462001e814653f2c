"""Decide which mentions are places and which place each one means.

1. Drop mentions that are ordinary words in context (lowercase ones never become
   mentions): function words, and frequent words without support (a locative before
   them mid-sentence, or their country named in the article).
2. Collect the article's context: the countries it names and the places whose reading is
   clear (one candidate, or one far more populous than the others).
3. Score each candidate: population (log), main name rather than variant, its country
   named, near another clear place, a user place. Confidence is the winner's share of the
   candidates' softmax, times how sure the words were.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from newswatch.geo.gazetteer import Gazetteer
from newswatch.geo.mentions import Mention
from newswatch.geo.names import word_commonness
from newswatch.geo.places import GeoPlace, distance_km

_NEARBY_KM = 400.0
_CLEAR_SHARE = 0.9
_SHARPNESS = 2.0
_SUPPORTIVE = 0.8
_SMALL = 50_000
_BIG_CITY = 250_000


class Reading(NamedTuple):
    """A mention read as one place, with how sure that is."""

    mention: Mention
    place: GeoPlace
    confidence: float


class Resolver:
    """Resolves the mentions of one article; ``memo`` (word judgements) is kept by the
    recogniser across articles."""

    def __init__(self, gazetteer: Gazetteer, memo: dict[str, tuple[int, bool]]) -> None:
        self.gazetteer = gazetteer
        self.memo = memo

    def read(self, mentions: Sequence[Mention]) -> list[Reading]:
        # A name once seen inside a longer name ("Margaret Hamilton", "Tor Browser") is
        # doubtful everywhere in the article: later "Hamilton" is still the person.
        doubtful = {m.key for m in mentions if m.inside_name}
        kept = [(m, q) for m in mentions if (q := self._word_quality(m, doubtful)) > 0]
        # Only names that need no support may lend it: "Nice" cannot vouch for itself.
        # Names repeat within an article; each distinct one is judged once.
        strong = {m.key: m for m, q in kept if q >= _SUPPORTIVE}
        named = {p.country for m in strong.values() for p in self._places(m) if p.is_area}
        clear = {p.id: p for m in strong.values() if (p := self._clear(m)) is not None}
        anchors = Anchors(clear.values())
        states = Anchors(p for m in strong.values() for p in self._places(m) if p.kind == "region")
        clear_countries = Counter(p.country for p in clear.values())
        best: dict[str, tuple[GeoPlace, float]] = {}
        readings: list[Reading] = []
        for mention, quality in kept:
            places = self._places(mention)
            if quality < _SUPPORTIVE and not self._supported(
                mention, places, named, anchors, states
            ):
                continue
            if mention.key not in best:
                # A name's own clear reading must not vouch for itself ("Tripoli" alone
                # reads as Libya; that must not make Libya the article's country).
                own = Counter(clear[i].country for i in mention.candidates if i in clear)
                others = {c for c, n in clear_countries.items() if n > own[c]}
                best[mention.key] = self._best(mention, places, named | others, anchors)
            place, share = best[mention.key]
            readings.append(Reading(mention, place, quality * share))
        return readings

    def _supported(
        self,
        m: Mention,
        places: list[GeoPlace],
        named: set[str],
        anchors: Anchors,
        states: Anchors,
    ) -> bool:
        """A doubtful name stands if its country (or US state) is named in the article, or
        mid-sentence if it follows "in"/"near"/… or a clear place lies within reach.
        Another city in the same large country is not enough: "Huey" is no town in an
        article that mentions Chicago; nor, opening a sentence, is a neighbour ("Bar
        owners in Belgrade")."""
        if any(p.country in named and self._country_vouches(p, states) for p in places):
            return True
        if m.uncertain_case:
            return False
        return m.locative or any(not p.is_area and anchors.near(p, m.candidates) for p in places)

    def _country_vouches(self, p: GeoPlace, states: Anchors) -> bool:
        """Whether naming p's country makes p likely: not for a small town of a country
        with thousands ("Montgomery" in any article naming the US), unless a state near it
        is named too; a big city needs no more ("the Boston lab", "the Chicago show")."""
        if p.country not in self.gazetteer.large_countries() or p.population >= _BIG_CITY:
            return True
        return states.near(p, ())

    def _word_quality(self, m: Mention, doubtful: set[str]) -> float:
        """How sure the words alone make us that this is a place name (0 = not at all);
        below _SUPPORTIVE means it needs support from the rest of the article."""
        ordinary, minor = self._judge_word(m)
        inside_name = m.key in doubtful
        if ordinary == 2 or (ordinary == 1 and inside_name):
            return 0.0
        quality = 0.7 if ordinary == 1 or minor else 1.0
        if m.inflected:
            # An inflected form opening a sentence is as likely an ordinary word ("Атака").
            quality *= 0.75 if m.uncertain_case else 0.85
        if inside_name or m.acronym:
            quality *= 0.6
        return quality

    def _judge_word(self, m: Mention) -> tuple[int, bool]:
        """(ordinariness, minor) for this spelling, memoised: names recur across articles.

        Ordinariness 0: a name; 1: also a frequent word ("Nice"); 2: never a place here (a
        function word like "Of", or a frequent word that only a minor place's variant
        spelling matches: "Google", "Dana"). Minor: only small towns bear the name, or it
        is a Latin-script variant spelling ("Marseilles", "Halab") — often a person's or a
        thing's name too. Cyrillic and Arabic names are all "variants" of GeoNames' Latin
        main names, so that rule cannot apply to them.
        """
        memo = f"{m.key}\n{m.surface}"
        judged = self.memo.get(memo)
        if judged is None:
            if len(self.memo) > 100_000:
                self.memo.clear()
            ordinary = word_commonness(m.key, m.surface)
            variant = m.key.isascii() and self._variant_only(m)
            if ordinary == 1 and any(self._prominent(i, m.cased) for i in m.candidates):
                ordinary = 0
            elif ordinary == 1 and variant:
                ordinary = 2
            judged = self.memo[memo] = (ordinary, variant or self._small_only(m))
        return judged

    def _small_only(self, m: Mention) -> bool:
        # A town of 20,000 is as often a surname, a film or a product ("Eloise", "Lola"):
        # it needs the article to be about its surroundings.
        places = self.gazetteer.places
        return all(places[i].kind == "city" and places[i].population < _SMALL for i in m.candidates)

    def _prior(self, p: GeoPlace, key: str) -> float:
        """How likely a name means ``p`` before the article says anything: population
        (log), its main name rather than a variant, a user place, a country or state (a
        country's name means the country: "lived in Jamaica"), a capital or a city of a
        million ("Washington" is the capital more often than the state)."""
        return (
            math.log10(p.population + 10)
            + 0.3 * (self.gazetteer.primary_key[p.id] == key)
            + 1.5 * (p.kind == "user")
            + 2.0 * p.is_area
            + 1.0 * (p.kind == "city" and p.id in self.gazetteer.prominent)
        )

    def _variant_only(self, m: Mention) -> bool:
        """Matched only through alternate names; "Fallujah" for "Al Fallujah" counts as the
        main name (the Arabic article is often dropped in English)."""
        primary = self.gazetteer.primary_key
        return all(primary[i] != m.key and _drop_article(primary[i]) != m.key for i in m.candidates)

    def _prominent(self, pid: int, cased: bool) -> bool:
        # Without capitals, only a country's name outweighs a frequent word: in Arabic
        # "مدينة" is "city" far more often than it is Medina.
        if cased:
            return pid in self.gazetteer.prominent
        return self.gazetteer.places[pid].is_area

    def _places(self, m: Mention) -> list[GeoPlace]:
        return [self.gazetteer.places[i] for i in m.candidates]

    def _clear(self, m: Mention) -> GeoPlace | None:
        places = [p for p in self._places(m) if not p.is_area]
        if not places:
            return None
        shares = _softmax([self._prior(p, m.key) for p in places])
        best = max(range(len(places)), key=shares.__getitem__)
        return places[best] if shares[best] >= _CLEAR_SHARE else None

    def _best(
        self,
        m: Mention,
        places: list[GeoPlace],
        countries: set[str],
        anchors: Anchors,
    ) -> tuple[GeoPlace, float]:
        if len(places) == 1:
            return places[0], 1.0
        scores = [
            self._prior(p, m.key)
            + 2.0 * (p.country in countries and not p.is_area)
            + 1.0 * (not p.is_area and anchors.near(p, m.candidates))
            for p in places
        ]
        shares = _softmax(scores)
        best = max(range(len(places)), key=shares.__getitem__)
        return places[best], shares[best]


_ARTICLES = ("al ", "ar ", "as ", "an ", "ad ", "at ", "ash ", "az ", "el ", "ed ", "es ")


def _drop_article(key: str) -> str:
    for article in _ARTICLES:
        if key.startswith(article):
            return key[len(article) :]
    return key


class Anchors:
    """The places an article names unambiguously, bucketed by 4° cells (≈ 445 km of
    latitude) so "is a candidate near one of them" looks at a few, not all."""

    _CELL = 4.0

    def __init__(self, places: Iterable[GeoPlace]) -> None:
        self._cells: dict[tuple[int, int], list[GeoPlace]] = {}
        for p in places:
            self._cells.setdefault(self._cell(p.lat, p.lon), []).append(p)

    def _cell(self, lat: float, lon: float) -> tuple[int, int]:
        return int(lat // self._CELL), int(lon // self._CELL)

    def near(self, p: GeoPlace, exclude: tuple[int, ...]) -> bool:
        row, col = self._cell(p.lat, p.lon)
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                for a in self._cells.get((row + dr, col + dc), ()):
                    if (
                        a.id not in exclude
                        and distance_km(p.lat, p.lon, a.lat, a.lon) <= _NEARBY_KM
                    ):
                        return True
        return False


def _softmax(scores: list[float]) -> list[float]:
    top = max(scores)
    weights = [math.exp(_SHARPNESS * (s - top)) for s in scores]
    total = sum(weights)
    return [w / total for w in weights]
