"""Schema migrations, in order. Never edit a released entry: append a new one.

Times are ISO 8601 UTC strings (sortable); JSON columns hold lists/dicts.
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: the initial schema.
    """
    CREATE TABLE fetch_state (
        url            TEXT PRIMARY KEY,
        etag           TEXT,
        last_modified  TEXT,
        status         INTEGER,
        fetched_at     TEXT,
        bytes          INTEGER NOT NULL DEFAULT 0
    );

    CREATE TABLE source_state (
        name                  TEXT PRIMARY KEY,
        last_poll_at          TEXT,
        last_success_at       TEXT,
        last_new_item_at      TEXT,
        last_error            TEXT,
        last_error_at         TEXT,
        consecutive_failures  INTEGER NOT NULL DEFAULT 0,
        backoff_until         TEXT,
        healthy               INTEGER NOT NULL DEFAULT 1,
        unhealthy_reason      TEXT,
        items_last_poll       INTEGER NOT NULL DEFAULT 0
    );

    CREATE TABLE clusters (
        id          INTEGER PRIMARY KEY,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        title       TEXT NOT NULL DEFAULT ''
    );

    CREATE TABLE articles (
        id             INTEGER PRIMARY KEY,
        canonical_url  TEXT NOT NULL UNIQUE,
        url            TEXT NOT NULL,
        source         TEXT NOT NULL,
        guid           TEXT,
        title          TEXT NOT NULL DEFAULT '',
        text           TEXT NOT NULL DEFAULT '',
        published      TEXT,
        seen_at        TEXT NOT NULL,
        language       TEXT,
        authors        TEXT NOT NULL DEFAULT '[]',
        feed_only      INTEGER NOT NULL DEFAULT 0,
        content_hash   TEXT,
        signature      BLOB,
        cluster_id     INTEGER REFERENCES clusters(id)
    );
    CREATE INDEX articles_seen_at ON articles(seen_at);
    CREATE INDEX articles_cluster ON articles(cluster_id);
    CREATE INDEX articles_hash ON articles(content_hash);

    -- Every identity an article is known by: canonical URL, feed GUID, content hash.
    CREATE TABLE article_keys (
        key         TEXT PRIMARY KEY,
        article_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE
    );

    CREATE TABLE matches (
        id          INTEGER PRIMARY KEY,
        rule        TEXT NOT NULL,
        article_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        cluster_id  INTEGER,
        terms       TEXT NOT NULL DEFAULT '[]',
        snippet     TEXT NOT NULL DEFAULT '{}',
        matched_at  TEXT NOT NULL
    );
    CREATE UNIQUE INDEX matches_rule_cluster ON matches(rule, cluster_id);

    -- The outbox: written in the same transaction as the match, before any send.
    CREATE TABLE alerts (
        id               INTEGER PRIMARY KEY,
        rule             TEXT NOT NULL,
        channel          TEXT NOT NULL,
        kind             TEXT NOT NULL DEFAULT 'match',
        payload          TEXT NOT NULL,
        status           TEXT NOT NULL DEFAULT 'pending',
        attempts         INTEGER NOT NULL DEFAULT 0,
        created_at       TEXT NOT NULL,
        next_attempt_at  TEXT NOT NULL,
        sent_at          TEXT,
        last_error       TEXT,
        cluster_id       INTEGER,
        match_id         INTEGER
    );
    CREATE INDEX alerts_due ON alerts(status, channel, next_attempt_at);

    CREATE TABLE silences (
        id          INTEGER PRIMARY KEY,
        rule        TEXT NOT NULL,
        until       TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        comment     TEXT NOT NULL DEFAULT ''
    );
    """,
    # 2: which URLs (and message pieces) of a channel already accepted an alert, so a
    # retry after a partial failure skips them instead of repeating the alert there.
    """
    ALTER TABLE alerts ADD COLUMN delivered TEXT NOT NULL DEFAULT '[]';
    """,
    # 3: who holds a pending alert's send lease, so a restart can release the leases of a
    # process that died mid-send instead of waiting for them to expire.
    """
    ALTER TABLE alerts ADD COLUMN claimed_by TEXT;
    """,
    # 4: silence ids are never reused (AUTOINCREMENT): with a plain rowid, removing the
    # newest silence gave its id to the next one, so a `silence --remove ID` typed from an
    # old listing could lift the wrong silence.
    """
    CREATE TABLE silences_new (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        rule        TEXT NOT NULL,
        until       TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        comment     TEXT NOT NULL DEFAULT ''
    );
    INSERT INTO silences_new (id, rule, until, created_at, comment)
        SELECT id, rule, until, created_at, comment FROM silences;
    DROP TABLE silences;
    ALTER TABLE silences_new RENAME TO silences;
    """,
    # 5: the dashboard: accounts, their sessions and API tokens (only hashes of the secrets
    # are stored), and the indexes its alert list and delivery status read by.
    """
    CREATE TABLE web_users (
        name           TEXT PRIMARY KEY,
        role           TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
        password_hash  TEXT NOT NULL,
        created_at     TEXT NOT NULL
    );
    CREATE TABLE web_sessions (
        token_hash  TEXT PRIMARY KEY,
        user        TEXT NOT NULL REFERENCES web_users(name) ON DELETE CASCADE,
        csrf        TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        expires_at  TEXT NOT NULL
    );
    CREATE TABLE api_tokens (
        token_hash    TEXT PRIMARY KEY,
        user          TEXT NOT NULL REFERENCES web_users(name) ON DELETE CASCADE,
        created_at    TEXT NOT NULL,
        last_used_at  TEXT
    );
    -- Triage: an editor's verdict on an alert (a rule match), who gave it and when.
    CREATE TABLE alert_triage (
        match_id  INTEGER PRIMARY KEY REFERENCES matches(id) ON DELETE CASCADE,
        verdict   TEXT NOT NULL CHECK (verdict IN ('ack', 'false_positive')),
        note      TEXT NOT NULL DEFAULT '',
        user      TEXT NOT NULL,
        at        TEXT NOT NULL
    );
    CREATE INDEX matches_rule_id ON matches(rule, id);
    CREATE INDEX alerts_match ON alerts(match_id);
    """,
    # 6: team rules, made in the dashboard: the rule as its YAML mapping (JSON), so a field
    # added to rules later needs no migration. Every change is also appended to a history
    # (who, when, what): the highest id there is the revision another process watches.
    """
    CREATE TABLE team_rules (
        name        TEXT PRIMARY KEY,
        body        TEXT NOT NULL,
        created_by  TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        updated_by  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    );
    CREATE TABLE team_rule_changes (
        id     INTEGER PRIMARY KEY AUTOINCREMENT,
        name   TEXT NOT NULL,
        body   TEXT,
        user   TEXT NOT NULL,
        at     TEXT NOT NULL
    );
    """,
]
