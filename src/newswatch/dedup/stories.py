"""Story clusters: which earlier article, if any, is the same story as a new one.

``assign`` runs inside the pipeline's unit of work, right after the article's insert:

0. Take the store's story lock (PostgreSQL: other processes wait until this unit ends)
   and add the members other processes assigned since this index last looked.
1. Fingerprint the article (MinHash of its text and of its headline + lead).
2. Full text: candidates from the body index (LSH bands), scored by the resemblance of
   their word 3-grams (mean of Jaccard and overlap); the best at or above
   ``config.threshold`` wins.
3. Feed-only or very short text (or no body match): candidates from the lead index,
   scored the same way on headline + lead words against ``LEAD_THRESHOLD``; leads whose
   numbers or weekday conflict (``dedup.facts``) never match.
4. The winner must still be in the store with the same signature (a rolled-back
   transaction leaves no row); join its cluster, else open a new cluster.
5. Persist signature and cluster, and remember the article in memory.

Only articles seen within ``config.window`` are candidates: after that, a similar article
is a new story.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt

from newswatch.clock import Clock
from newswatch.config.schema import DedupConfig
from newswatch.dedup.bands import BandIndex, Rows
from newswatch.dedup.digest import article_fingerprint
from newswatch.dedup.facts import conflicts
from newswatch.dedup.fingerprint import (
    BODY_BANDS,
    BODY_ROWS,
    LEAD_BANDS,
    LEAD_ROWS,
    MAGIC,
    RECORD,
    SIGNATURE_BYTES,
    Fingerprint,
    resemblance,
)
from newswatch.dedup.members import Members
from newswatch.model import Article
from newswatch.store import Store, Unit
from newswatch.store.stories import StoryMember

# Headline + lead words shared by a feed-only item and an earlier article (Jaccard).
LEAD_THRESHOLD = 0.5
# Expired articles leave memory within this fraction of the window (72 h / 16 = 4.5 h).
COMPACT_PARTS = 16


@dataclass(frozen=True)
class StoryDecision:
    cluster_id: int
    new_story: bool  # False: joined an existing story (near-duplicate)
    similar_article_id: int | None  # the nearest earlier member when joined
    similarity: float | None


@dataclass(frozen=True)
class _Candidate:
    row: int
    similarity: float


class StoryIndex:
    """Near-duplicate articles of the last ``config.window``, in memory, rebuilt from the store.

    Every ``window / COMPACT_PARTS`` the index drops articles that left the window and
    rebuilds its sorted arrays (about 0.5 s per 100,000 articles), so it never holds more
    than the window plus one part: a daemon's memory reaches a steady state one window
    after start. (Compacting by a count of additions instead would let a quiet daemon
    hold expired articles forever, and a busy one rebuild more often than needed.)
    """

    def __init__(self, store: Store, clock: Clock, config: DedupConfig) -> None:
        self.store = store
        self.repo = store.stories
        self.clock = clock
        self.config = config
        self._lock = threading.Lock()
        self._members = Members()
        self._body = BandIndex(BODY_BANDS, BODY_ROWS)
        self._lead = BandIndex(LEAD_BANDS, LEAD_ROWS)
        self._compact_every = config.window / COMPACT_PARTS
        self._next_compact = clock.now() + self._compact_every
        self._seq = 0  # the last story assignment (of any process) in this index
        self.rebuild()

    def configure(self, config: DedupConfig) -> None:
        """A reloaded config's settings. The members stay: rebuilding from the store would
        drop an article a running poll has assigned but not yet committed. A longer window
        fills as time passes; a shorter one applies at once (candidates are cut by age)."""
        with self._lock:
            self.config = config
            self._compact_every = config.window / COMPACT_PARTS
            self._next_compact = min(self._next_compact, self.clock.now() + self._compact_every)

    # -- start-up -------------------------------------------------------------------------

    def rebuild(self) -> int:
        """Reload every fingerprinted article of the window from the store; returns the count."""
        since = self.clock.now() - self.config.window
        seq = self.repo.last_seq()  # before the members: a later one is caught up again
        members = Members(capacity=self.repo.count_since(since) + 1024)
        for batch in self.repo.members_since(since):
            _extend(members, batch)
        with self._lock:
            self._members = members
            self._seq = seq
            self._reindex()
        return members.size

    def _reindex(self) -> None:
        rows = self._members.rows()
        full = rows[~self._members.short[: self._members.size]]
        self._body.build(self._members.body[full], full)
        self._lead.build(self._members.lead[rows], rows)

    # -- the pipeline's call ------------------------------------------------------------

    def assign(self, tx: Unit, article_id: int, article: Article) -> StoryDecision:
        now = self.clock.now()
        fp = article_fingerprint(article)  # made in the extraction process, as a rule
        with self._lock:
            seq = tx.lock_stories()
            if seq is not None:
                self._catch_up(tx, now)
                self._seq = seq  # this one is ours, already in memory below
            self._maybe_compact(now)
            found = self._nearest(tx, fp, now.timestamp())
            if found is None:
                cluster_id = tx.articles.new_cluster(now, article.title)
                decision = StoryDecision(cluster_id, True, None, None)
            else:
                similar_id, cluster_id, similarity = found
                tx.articles.touch_cluster(cluster_id, now)
                decision = StoryDecision(cluster_id, False, similar_id, round(similarity, 3))
            tx.stories.set_story(article_id, cluster_id, fp.to_bytes(), seq)
            row = self._members.append(article_id, cluster_id, now.timestamp(), fp)
            if not fp.short:
                self._body.add(row, fp.body)
            self._lead.add(row, fp.lead)
        return decision

    def _catch_up(self, tx: Unit, now: datetime) -> None:
        """Add the stories other processes sharing the database assigned since this
        index last looked (they committed before this unit took the story lock)."""
        since = now - self.config.window
        members, self._seq = tx.stories.assigned_after(self._seq, since)
        for member in members:
            try:
                fp = Fingerprint.from_bytes(member.signature)
            except ValueError:
                continue
            row = self._members.append(
                member.article_id, member.cluster_id, member.seen_at.timestamp(), fp
            )
            if not fp.short:
                self._body.add(row, fp.body)
            self._lead.add(row, fp.lead)

    # -- matching -----------------------------------------------------------------------

    def _nearest(self, tx: Unit, fp: Fingerprint, now: float) -> tuple[int, int, float] | None:
        """(article id, cluster id, similarity) of the best earlier member still stored."""
        cutoff = now - self.config.window.total_seconds()
        ranked = [] if fp.short else self._score_bodies(fp, cutoff)
        if not ranked:
            ranked = self._score_leads(fp, cutoff)
        for cand in ranked:
            member = self._members.member(cand.row)
            stored = tx.stories.stored(member.article_id)
            # A rolled-back transaction leaves a row in memory and none in the store, and
            # SQLite may hand its id to a later article: the signature tells them apart.
            if stored is not None and self._members.signature_is(cand.row, stored[1]):
                return member.article_id, stored[0], cand.similarity
        return None

    def _alive(self, rows: Rows, cutoff: float) -> Rows:
        return rows[self._members.seen[rows] >= cutoff]

    def _score_bodies(self, fp: Fingerprint, cutoff: float) -> list[_Candidate]:
        rows = self._alive(self._body.candidates(fp.body), cutoff)
        if fp.body_size == 0 or len(rows) == 0:
            return []
        m = self._members
        sims = resemblance(fp.body, fp.body_size, m.body[rows], m.body_size[rows])
        return _ranked(rows, sims, self.config.threshold)

    def _score_leads(self, fp: Fingerprint, cutoff: float) -> list[_Candidate]:
        rows = self._alive(self._lead.candidates(fp.lead), cutoff)
        if not fp.short:
            # A full article is compared on its lead only with feed-only members: two full
            # texts that differ are different stories even under similar headlines.
            rows = rows[self._members.short[rows]]
        if fp.lead_size == 0 or len(rows) == 0:
            return []
        m = self._members
        # Different numbers or weekdays in two leads are different incidents.
        rows = rows[~conflicts(fp.facts, m.facts[rows])]
        sims = resemblance(fp.lead, fp.lead_size, m.lead[rows], m.lead_size[rows])
        return _ranked(rows, sims, LEAD_THRESHOLD)

    # -- upkeep -------------------------------------------------------------------------

    def _maybe_compact(self, now: datetime) -> None:
        if now < self._next_compact:
            return
        self._next_compact = now + self._compact_every
        cutoff = (now - self.config.window).timestamp()
        self._members.keep(self._members.seen[: self._members.size] >= cutoff)
        self._reindex()

    @property
    def size(self) -> int:
        return self._members.size

    @property
    def nbytes(self) -> int:
        return self._members.nbytes + self._body.nbytes + self._lead.nbytes


def _ranked(rows: Rows, sims: npt.NDArray[np.float64], threshold: float) -> list[_Candidate]:
    keep = sims >= threshold
    order = np.argsort(-sims[keep], kind="stable")
    return [
        _Candidate(int(r), float(s))
        for r, s in zip(rows[keep][order], sims[keep][order], strict=True)
    ]


def _extend(members: Members, batch: list[StoryMember]) -> None:
    good = [m for m in batch if len(m.signature) == SIGNATURE_BYTES]
    if not good:
        return
    records = np.frombuffer(b"".join(m.signature for m in good), dtype=RECORD)
    valid = records["magic"] == MAGIC
    members.extend(
        {
            "article_id": np.array([m.article_id for m in good], dtype=np.int64)[valid],
            "cluster_id": np.array([m.cluster_id for m in good], dtype=np.int64)[valid],
            "seen": np.array([m.seen_at.timestamp() for m in good])[valid],
            "body_size": records["body_size"][valid],
            "lead_size": records["lead_size"][valid],
            "short": (records["flags"][valid] & 1).astype(bool),
            "facts": records["facts"][valid],
            "body": records["body"][valid],
            "lead": records["lead"][valid],
        }
    )
