"""Rules' ``near:``: keep a match only when a recognised place lies within the radius."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from newswatch.config import RuleConfig
from newswatch.geo.gazetteer import Gazetteer
from newswatch.geo.near import check_near
from newswatch.geo.recognize import PlaceRecognizer
from newswatch.model import Article, Match


class GeoFilter:
    """Applies rules' ``near:`` to matches, using places recognised in the article."""

    def __init__(self, recognizer: PlaceRecognizer, gazetteer: Gazetteer) -> None:
        self.recognizer = recognizer
        self.gazetteer = gazetteer

    def filter(
        self, article: Article, matches: list[Match], rules: Mapping[str, RuleConfig]
    ) -> list[Match]:
        return self.split(article, matches, rules)[0]

    def split(
        self, article: Article, matches: list[Match], rules: Mapping[str, RuleConfig]
    ) -> tuple[list[Match], list[tuple[Match, str]]]:
        """(matches kept, each with the place decision in its details; matches dropped
        because no recognised place lies within the rule's radius, with the reason)."""
        if not any(rules[m.rule].near for m in matches):
            return matches, []
        places = article.places or self.recognizer.recognize(article.title, article.text)
        kept: list[Match] = []
        dropped: list[tuple[Match, str]] = []
        for match in matches:
            near = rules[match.rule].near
            if near is None:
                kept.append(match)
                continue
            result = check_near(near, places, self.gazetteer)
            if result.ok:
                kept.append(replace(match, details=(*match.details, result.explanation)))
            else:
                dropped.append((match, result.explanation))
        return kept, dropped
