"""Free-text search of alerts (the dashboard's ``q=``): what it means, and each engine's SQL.

On both engines: each word typed must appear in the alert's title or snippet text as a
whole word or the beginning of one (``warplane`` finds "warplanes"), in any case; the
words may come in any order; quotes, operators and ``col:`` are plain words. SQLite reads
an FTS5 index kept by triggers (migration 9), which also folds accents (``aleppo`` finds
"Aléppo"). PostgreSQL builds the same ``tsvector`` (``'simple'`` configuration) at query
time and matches ``to_tsquery('simple', 'w1:* & w2:*')``: the same words, but neither
indexed nor accent-folded yet (a GIN index needs a table kept by triggers, as SQLite's).
"""

from __future__ import annotations

MAX_WORDS = 16
MAX_WORD = 100

_PG_DOC = (
    "to_tsvector('simple', coalesce(a.title, '') || ' ' || "
    "coalesce(m.snippet::jsonb ->> 'text', ''))"
)


def search_words(text: str) -> list[str]:
    """The words of what the user typed; punctuation-only pieces say nothing and go."""
    words = [w[:MAX_WORD] for w in text.split() if any(c.isalnum() for c in w)]
    return words[:MAX_WORDS]


def text_clause(dialect: str, text: str) -> tuple[str, list[object]] | None:
    """A WHERE clause over ``matches m JOIN articles a`` and its parameters; None when
    the text holds no word to look for."""
    words = search_words(text)
    if not words:
        return None
    if dialect == "postgresql":
        return f"{_PG_DOC} @@ to_tsquery('simple', ?)", [tsquery(words)]
    return "m.id IN (SELECT rowid FROM alert_text WHERE alert_text MATCH ?)", [fts5_query(words)]


def fts5_query(words: list[str]) -> str:
    """Each word as an FTS5 string with a prefix star: never FTS5 syntax."""
    return " ".join('"' + w.replace('"', '""') + '"*' for w in words)


def tsquery(words: list[str]) -> str:
    """Each word as a quoted tsquery lexeme with a prefix mark, all of them required."""
    quoted = ("'" + w.replace("\\", "\\\\").replace("'", "''") + "':*" for w in words)
    return " & ".join(quoted)
