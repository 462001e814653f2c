"""Place recognition: the places an article is about, each with a confidence."""

from __future__ import annotations

from newswatch.geo.gazetteer import Gazetteer
from newswatch.geo.mentions import Mention, find_mentions, is_title_cased
from newswatch.geo.resolve import Resolver
from newswatch.model import Place
from newswatch.text.pieces import TokenCache

# Below this a reading is a guess (a name five towns share, none favoured by the article);
# a rule's radius should not be decided by it.
MIN_CONFIDENCE = 0.5


class PlaceRecognizer:
    """Finds gazetteer places in an article's title and text.

    Holds memo tables (tokenised chunks, word frequencies) that only make it faster; one
    instance per gazetteer, kept by the app.
    """

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self._tokens = TokenCache()
        self._resolver = Resolver(gazetteer, {})
        self._bases: dict[str, str | None] = {}

    def recognize(self, title: str, text: str) -> tuple[Place, ...]:
        """Cities and user places named in the article, most confident first. Countries and
        regions only inform the reading of the other names: no point to measure from."""
        readings = self._resolver.read(self.mentions(title, text))
        best: dict[int, float] = {}
        for r in readings:
            if not r.place.is_area and r.confidence >= MIN_CONFIDENCE:
                best[r.place.id] = max(best.get(r.place.id, 0.0), r.confidence)
        ranked = sorted(best.items(), key=lambda item: -item[1])
        return tuple(self.gazetteer.places[pid].to_place(conf) for pid, conf in ranked)

    def mentions(self, title: str, text: str) -> list[Mention]:
        title_toks = self._tokens.split(title)
        titled = is_title_cased(title_toks)
        found = find_mentions(self.gazetteer, title_toks, "title", titled, self._bases)
        text_toks = self._tokens.split(text)
        found += find_mentions(self.gazetteer, text_toks, "text", False, self._bases)
        return found
