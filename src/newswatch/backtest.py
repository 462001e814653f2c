"""Backtest: what a query or rule would have matched among the stored articles.

The stages, in order:

1. the store reads the period's articles, newest first, a time window at a time
   (``ArchiveRepo.scan``);
2. a prefilter, run inside SQLite's scan, drops the articles that hold none of the
   rules' presearch keys, judged on the normalised text without tokenising it (a key is
   a normalised token, so it is a substring of the normalised text wherever it is a
   token of it);
3. the :class:`RuleSet` (the daemon's presearcher, evaluator and geo stage) matches and
   explains the rest, ``near:`` applied.

Step 2 is what makes a month of articles answer in seconds: tokenising an article costs
~0.3–0.5 ms, and a typical rule's keys occur in a few percent of them. A rule with no
keys (``NOT x`` alone, a regex) has no prefilter: every article is matched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from newswatch.match import Matcher
from newswatch.match.index import conjuncts
from newswatch.model import Article, Match
from newswatch.ruleset import RuleSet
from newswatch.store.archive import ArchivedArticle, ArchiveRepo
from newswatch.text.analysis import article_languages
from newswatch.text.normalize import normalize
from newswatch.text.stems import INFLECTED

Progress = Callable[[int, int], None]  # (articles done, articles in the period)


@dataclass(frozen=True)
class Hit:
    """One stored article and the matches a backtest found in it."""

    stored: ArchivedArticle
    matches: tuple[Match, ...]


class Prefilter:
    """Keeps the articles whose normalised text may hold one of the rules' first keys.

    A plain key (a normalised word) is looked for as it is. An analysed key
    (``"en:strik"``: a stem or lemma in one language, see ``text.analysis``) counts only
    for an article read in that language (its own, every one when unknown, and any a rule
    pins): a Snowball or Arabic stem is a substring of its inflected forms, less a final
    ``i`` (Snowball writes a final ``y`` as ``i``: ``happy``, ``happi``); a Russian or
    Ukrainian lemma or a Turkish stem need not be a substring of the inflected word
    (``харків`` in ``Харкові``, ``kitap`` in ``kitabı``), so such an article is kept and
    the matcher decides.
    """

    WHOLE = frozenset({"ru", "uk", "tr"})

    def __init__(self, matcher: Matcher) -> None:
        plain: set[str] = set()
        analysed: dict[str, set[str]] = {}
        self.everything = False
        for query in matcher.queries:
            found = conjuncts(query.root)
            if found is None:
                self.everything = True
                break
            for _prefix, key in found[0]:
                lang, colon, stem = key.partition(":")
                if colon:
                    stem = stem.removesuffix(INFLECTED)  # ``shell~``: inflected forms of shell
                    # Snowball writes a final y as i (happy: happi): drop the i.
                    cut = stem[:-1] if stem.endswith("i") and len(stem) > 3 else stem
                    analysed.setdefault(lang, set()).add(cut)
                else:
                    plain.add(key)
        self.keys = sorted(plain)
        self.analysed = {lang: sorted(stems) for lang, stems in analysed.items()}
        self.pinned = tuple(lang for lang in self.analysed if lang.endswith("!"))

    def __call__(self, article: Article) -> bool:
        return self.fields(
            article.title, article.text, article.source, article.url, article.language
        )

    def fields(self, title: str, text: str, source: str, url: str, language: str | None) -> bool:
        if self.everything:
            return True
        hay = " ".join((title, text, source, url))
        hay = hay.lower() if hay.isascii() else normalize(hay)
        if any(key in hay for key in self.keys):
            return True
        for lang in (*article_languages(language), *self.pinned):
            stems = self.analysed.get(lang)
            if stems and (lang.rstrip("!") in self.WHOLE or any(s in hay for s in stems)):
                return True
        return False


def backtest(
    archive: ArchiveRepo,
    rules: RuleSet,
    since: datetime,
    *,
    progress: Progress | None = None,
) -> Iterator[Hit]:
    """The articles seen since ``since`` that the rule set matches, newest first."""
    total = archive.count_since(since)
    keep = Prefilter(rules.matcher)
    done = 0
    for scanned, kept in archive.scan(since, None if keep.everything else keep.fields):
        for stored in kept:
            matches = rules.match(stored.article)
            if matches:
                yield Hit(stored, tuple(matches))
        done += scanned
        if progress is not None:
            progress(min(done, total), total)
