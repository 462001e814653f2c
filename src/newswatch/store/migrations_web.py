"""The dashboard's migrations (9 and 10), kept beside the list so ``migrations.py``
stays readable; ``migrations.MIGRATIONS`` holds them in order."""

from __future__ import annotations

# 9, SQLite: an FTS5 index of each alert's title and snippet text (``store.search``), kept
# by triggers, so `q=` reads the index instead of a LIKE over every stored alert (1 s at
# 100,000 alerts). A snippet that is not JSON indexes as empty: a trigger must never make
# a match's insert fail. PostgreSQL needs no table for the same meaning (``store.search``).
ALERT_TEXT = """
    CREATE VIRTUAL TABLE alert_text USING fts5(
        title, snippet, tokenize = 'unicode61 remove_diacritics 2'
    );
    INSERT INTO alert_text (rowid, title, snippet)
        SELECT m.id, a.title,
               CASE WHEN json_valid(m.snippet) THEN json_extract(m.snippet, '$.text') END
        FROM matches m JOIN articles a ON a.id = m.article_id;
    CREATE TRIGGER alert_text_insert AFTER INSERT ON matches BEGIN
        INSERT INTO alert_text (rowid, title, snippet) VALUES (
            new.id,
            (SELECT title FROM articles WHERE id = new.article_id),
            CASE WHEN json_valid(new.snippet) THEN json_extract(new.snippet, '$.text') END
        );
    END;
    CREATE TRIGGER alert_text_delete AFTER DELETE ON matches BEGIN
        DELETE FROM alert_text WHERE rowid = old.id;
    END;
    CREATE TRIGGER alert_text_update AFTER UPDATE OF snippet, article_id ON matches BEGIN
        UPDATE alert_text SET
            title = (SELECT title FROM articles WHERE id = new.article_id),
            snippet = CASE WHEN json_valid(new.snippet)
                      THEN json_extract(new.snippet, '$.text') END
        WHERE rowid = new.id;
    END;
    CREATE TRIGGER alert_text_title AFTER UPDATE OF title ON articles BEGIN
        UPDATE alert_text SET title = new.title
        WHERE rowid IN (SELECT id FROM matches WHERE article_id = new.id);
    END;
"""

# 10: a source paused from the dashboard (who, when): its polls are skipped until it is
# resumed, across restarts; the config keeps it.
SOURCE_PAUSE = """
    ALTER TABLE source_state ADD COLUMN paused_by TEXT;
    ALTER TABLE source_state ADD COLUMN paused_at TEXT;
"""
SOURCE_PAUSE_PG = """
    ALTER TABLE source_state ADD COLUMN paused_by TEXT COLLATE "C";
    ALTER TABLE source_state ADD COLUMN paused_at TEXT COLLATE "C";
"""
