"""The places a story names, for its page: read from its articles with the daemon's
recogniser (``geo.PlaceRecognizer``, ambiguity resolved, with confidence).

The gazetteer is the rule set's when a rule uses places, else loaded on the first story
page (a few seconds, about 140 MB) and kept for the process: it lives as long as the
dashboard, like the store.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newswatch.model import Place

if TYPE_CHECKING:
    from newswatch.geo import PlaceRecognizer
    from newswatch.teamrules import LiveRules

MAX_CHARS = 20_000  # per article: the lead names the places that matter
CACHE_STORIES = 5_000  # the map asks for the same recent stories again and again


@dataclass(frozen=True)
class StoryPlace:
    place: Place
    articles: int  # how many of the story's articles name it


class StoryPlaces:
    def __init__(self, live: LiveRules) -> None:
        self.live = live
        self._recognizer: PlaceRecognizer | None = None
        self._lock = threading.Lock()
        # (story id, its article count) -> its places: a story that grows is read again.
        self._stories: dict[tuple[int, int], list[StoryPlace]] = {}

    def recognizer(self) -> PlaceRecognizer:
        with self._lock:
            if self._recognizer is None:
                from newswatch.geo import Gazetteer, PlaceRecognizer

                rules = self.live.current
                gazetteer = rules.gazetteer or Gazetteer.load(rules.config.places)
                self._recognizer = PlaceRecognizer(gazetteer)
            return self._recognizer

    def of_story(self, story_id: int, texts: list[tuple[str, str]]) -> list[StoryPlace]:
        key = (story_id, len(texts))
        found = self._stories.get(key)
        if found is None:
            found = self.of(texts)
            if len(self._stories) >= CACHE_STORIES:
                self._stories.pop(next(iter(self._stories)))
            self._stories[key] = found
        return found

    def of(self, texts: list[tuple[str, str]]) -> list[StoryPlace]:
        """Most named first; a place counts once per article."""
        recognizer = self.recognizer()
        counts: Counter[tuple[str, str]] = Counter()
        best: dict[tuple[str, str], Place] = {}
        for title, text in texts:
            named = {(p.name, p.country): p for p in recognizer.recognize(title, text[:MAX_CHARS])}
            counts.update(named.keys())
            for key, place in named.items():
                if key not in best or place.confidence > best[key].confidence:
                    best[key] = place
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        return [StoryPlace(best[key], n) for key, n in ranked]
