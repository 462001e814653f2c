"""Schema migrations, one ordered list for both backends. Never edit a released entry:
append a new one.

Each entry holds its SQLite script and, where PostgreSQL needs other words (identity
columns, BYTEA, a reserved word quoted), its PostgreSQL script; the number of entries
run is the schema version on both (SQLite's ``PRAGMA user_version``, PostgreSQL's
``newswatch_schema`` table). Times are ISO 8601 UTC strings (sortable, the same text on
both engines); JSON columns hold lists/dicts.
"""

from __future__ import annotations

from dataclasses import dataclass

from newswatch.store.migrations_web import ALERT_TEXT, SOURCE_PAUSE, SOURCE_PAUSE_PG


@dataclass(frozen=True)
class Migration:
    sqlite: str
    postgresql: str | None = None  # None: the SQLite script runs unchanged

    def script(self, dialect: str) -> str:
        return self.sqlite if dialect == "sqlite" or self.postgresql is None else self.postgresql


MIGRATIONS: list[Migration] = [
    # 1: the initial schema.
    Migration(
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
        postgresql="""
    CREATE TABLE fetch_state (
        url            TEXT COLLATE "C" PRIMARY KEY,
        etag           TEXT COLLATE "C",
        last_modified  TEXT COLLATE "C",
        status         INTEGER,
        fetched_at     TEXT COLLATE "C",
        bytes          BIGINT NOT NULL DEFAULT 0
    );
    CREATE TABLE source_state (
        name                  TEXT COLLATE "C" PRIMARY KEY,
        last_poll_at          TEXT COLLATE "C",
        last_success_at       TEXT COLLATE "C",
        last_new_item_at      TEXT COLLATE "C",
        last_error            TEXT COLLATE "C",
        last_error_at         TEXT COLLATE "C",
        consecutive_failures  INTEGER NOT NULL DEFAULT 0,
        backoff_until         TEXT COLLATE "C",
        healthy               INTEGER NOT NULL DEFAULT 1,
        unhealthy_reason      TEXT COLLATE "C",
        items_last_poll       INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE clusters (
        id          BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        created_at  TEXT COLLATE "C" NOT NULL,
        updated_at  TEXT COLLATE "C" NOT NULL,
        title       TEXT COLLATE "C" NOT NULL DEFAULT ''
    );
    CREATE TABLE articles (
        id             BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        canonical_url  TEXT COLLATE "C" NOT NULL UNIQUE,
        url            TEXT COLLATE "C" NOT NULL,
        source         TEXT COLLATE "C" NOT NULL,
        guid           TEXT COLLATE "C",
        title          TEXT COLLATE "C" NOT NULL DEFAULT '',
        text           TEXT COLLATE "C" NOT NULL DEFAULT '',
        published      TEXT COLLATE "C",
        seen_at        TEXT COLLATE "C" NOT NULL,
        language       TEXT COLLATE "C",
        authors        TEXT COLLATE "C" NOT NULL DEFAULT '[]',
        feed_only      INTEGER NOT NULL DEFAULT 0,
        content_hash   TEXT COLLATE "C",
        signature      BYTEA,
        cluster_id     BIGINT REFERENCES clusters(id)
    );
    CREATE INDEX articles_seen_at ON articles(seen_at);
    CREATE INDEX articles_cluster ON articles(cluster_id);
    CREATE INDEX articles_hash ON articles(content_hash);
    CREATE TABLE article_keys (
        key         TEXT COLLATE "C" PRIMARY KEY,
        article_id  BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE
    );
    CREATE TABLE matches (
        id          BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        rule        TEXT COLLATE "C" NOT NULL,
        article_id  BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        cluster_id  BIGINT,
        terms       TEXT COLLATE "C" NOT NULL DEFAULT '[]',
        snippet     TEXT COLLATE "C" NOT NULL DEFAULT '{}',
        matched_at  TEXT COLLATE "C" NOT NULL
    );
    CREATE UNIQUE INDEX matches_rule_cluster ON matches(rule, cluster_id);
    CREATE TABLE alerts (
        id               BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        rule             TEXT COLLATE "C" NOT NULL,
        channel          TEXT COLLATE "C" NOT NULL,
        kind             TEXT COLLATE "C" NOT NULL DEFAULT 'match',
        payload          TEXT COLLATE "C" NOT NULL,
        status           TEXT COLLATE "C" NOT NULL DEFAULT 'pending',
        attempts         INTEGER NOT NULL DEFAULT 0,
        created_at       TEXT COLLATE "C" NOT NULL,
        next_attempt_at  TEXT COLLATE "C" NOT NULL,
        sent_at          TEXT COLLATE "C",
        last_error       TEXT COLLATE "C",
        cluster_id       BIGINT,
        match_id         BIGINT
    );
    CREATE INDEX alerts_due ON alerts(status, channel, next_attempt_at);
    CREATE TABLE silences (
        id          BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        rule        TEXT COLLATE "C" NOT NULL,
        until       TEXT COLLATE "C" NOT NULL,
        created_at  TEXT COLLATE "C" NOT NULL,
        comment     TEXT COLLATE "C" NOT NULL DEFAULT ''
    );
        """,
    ),
    # 2: which URLs (and message pieces) of a channel already accepted an alert, so a
    # retry after a partial failure skips them instead of repeating the alert there.
    Migration(
        """
    ALTER TABLE alerts ADD COLUMN delivered TEXT NOT NULL DEFAULT '[]';
        """
    ),
    # 3: who holds a pending alert's send lease, so a restart can release the leases of a
    # process that died mid-send instead of waiting for them to expire.
    Migration(
        """
    ALTER TABLE alerts ADD COLUMN claimed_by TEXT;
        """
    ),
    # 4: silence ids are never reused (AUTOINCREMENT): with a plain rowid, removing the
    # newest silence gave its id to the next one, so a `silence --remove ID` typed from an
    # old listing could lift the wrong silence.
    Migration(
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
        # Identity columns never hand out an id twice: nothing to do.
        postgresql="SELECT 1;",
    ),
    # 5: the dashboard: accounts, their sessions and API tokens (only hashes of the secrets
    # are stored), and the indexes its alert list and delivery status read by.
    Migration(
        """
    CREATE TABLE web_users (
        name           TEXT PRIMARY KEY,
        role           TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
        password_hash  TEXT NOT NULL,
        created_at     TEXT NOT NULL
    );
    CREATE TABLE web_sessions (
        token_hash  TEXT PRIMARY KEY,
        "user"      TEXT NOT NULL REFERENCES web_users(name) ON DELETE CASCADE,
        csrf        TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        expires_at  TEXT NOT NULL
    );
    CREATE TABLE api_tokens (
        token_hash    TEXT PRIMARY KEY,
        "user"        TEXT NOT NULL REFERENCES web_users(name) ON DELETE CASCADE,
        created_at    TEXT NOT NULL,
        last_used_at  TEXT
    );
    -- Triage: an editor's verdict on an alert (a rule match), who gave it and when.
    CREATE TABLE alert_triage (
        match_id  INTEGER PRIMARY KEY REFERENCES matches(id) ON DELETE CASCADE,
        verdict   TEXT NOT NULL CHECK (verdict IN ('ack', 'false_positive')),
        note      TEXT NOT NULL DEFAULT '',
        "user"    TEXT NOT NULL,
        at        TEXT NOT NULL
    );
    CREATE INDEX matches_rule_id ON matches(rule, id);
    CREATE INDEX alerts_match ON alerts(match_id);
        """,
        postgresql="""
    CREATE TABLE web_users (
        name           TEXT COLLATE "C" PRIMARY KEY,
        role           TEXT COLLATE "C" NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
        password_hash  TEXT COLLATE "C" NOT NULL,
        created_at     TEXT COLLATE "C" NOT NULL
    );
    CREATE TABLE web_sessions (
        token_hash  TEXT COLLATE "C" PRIMARY KEY,
        "user"      TEXT COLLATE "C" NOT NULL REFERENCES web_users(name) ON DELETE CASCADE,
        csrf        TEXT COLLATE "C" NOT NULL,
        created_at  TEXT COLLATE "C" NOT NULL,
        expires_at  TEXT COLLATE "C" NOT NULL
    );
    CREATE TABLE api_tokens (
        token_hash    TEXT COLLATE "C" PRIMARY KEY,
        "user"        TEXT COLLATE "C" NOT NULL REFERENCES web_users(name) ON DELETE CASCADE,
        created_at    TEXT COLLATE "C" NOT NULL,
        last_used_at  TEXT COLLATE "C"
    );
    -- Triage: an editor's verdict on an alert (a rule match), who gave it and when.
    CREATE TABLE alert_triage (
        match_id  INTEGER PRIMARY KEY REFERENCES matches(id) ON DELETE CASCADE,
        verdict   TEXT COLLATE "C" NOT NULL CHECK (verdict IN ('ack', 'false_positive')),
        note      TEXT COLLATE "C" NOT NULL DEFAULT '',
        "user"    TEXT COLLATE "C" NOT NULL,
        at        TEXT COLLATE "C" NOT NULL
    );
    CREATE INDEX matches_rule_id ON matches(rule, id);
    CREATE INDEX alerts_match ON alerts(match_id);
        """,
    ),
    # 6: team rules, made in the dashboard: the rule as its YAML mapping (JSON), so a field
    # added to rules later needs no migration. Every change is also appended to a history
    # (who, when, what): the highest id there is the revision another process watches.
    Migration(
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
        postgresql="""
    CREATE TABLE team_rules (
        name        TEXT COLLATE "C" PRIMARY KEY,
        body        TEXT COLLATE "C" NOT NULL,
        created_by  TEXT COLLATE "C" NOT NULL,
        created_at  TEXT COLLATE "C" NOT NULL,
        updated_by  TEXT COLLATE "C" NOT NULL,
        updated_at  TEXT COLLATE "C" NOT NULL
    );
    CREATE TABLE team_rule_changes (
        id     BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        name   TEXT COLLATE "C" NOT NULL,
        body   TEXT COLLATE "C",
        "user" TEXT COLLATE "C" NOT NULL,
        at     TEXT COLLATE "C" NOT NULL
    );
        """,
    ),
    # 7: follow-up state of ``updates: true`` rules in columns: the article and terms a
    # rule last alerted on for a story, and when its last follow-up went out (they were
    # read back from the newest follow-up's outbox JSON). Filled from that JSON once.
    Migration(
        """
    ALTER TABLE matches ADD COLUMN basis_article_id INTEGER;
    ALTER TABLE matches ADD COLUMN basis_terms TEXT;
    ALTER TABLE matches ADD COLUMN updated_at TEXT;
    UPDATE matches SET basis_article_id = article_id, basis_terms = terms;
    UPDATE matches SET
        basis_article_id = COALESCE(json_extract(u.payload, '$.extra.article_id'),
                                    basis_article_id),
        basis_terms = COALESCE(json_extract(u.payload, '$.extra.all_terms'), basis_terms),
        updated_at = u.created_at
    FROM (SELECT rule, cluster_id, payload, created_at, MAX(id) FROM alerts
          WHERE kind = 'update' GROUP BY rule, cluster_id) AS u
    WHERE u.rule = matches.rule AND u.cluster_id = matches.cluster_id;
        """,
        postgresql="""
    ALTER TABLE matches ADD COLUMN basis_article_id BIGINT;
    ALTER TABLE matches ADD COLUMN basis_terms TEXT COLLATE "C";
    ALTER TABLE matches ADD COLUMN updated_at TEXT COLLATE "C";
    UPDATE matches SET basis_article_id = article_id, basis_terms = terms;
    UPDATE matches SET
        basis_article_id = COALESCE((u.payload::jsonb #>> '{extra,article_id}')::bigint,
                                    basis_article_id),
        basis_terms = COALESCE(u.payload::jsonb #>> '{extra,all_terms}', basis_terms),
        updated_at = u.created_at
    FROM (SELECT DISTINCT ON (rule, cluster_id) rule, cluster_id, payload, created_at
          FROM alerts WHERE kind = 'update' ORDER BY rule, cluster_id, id DESC) AS u
    WHERE u.rule = matches.rule AND u.cluster_id = matches.cluster_id;
        """,
    ),
    # 8: the order in which stories were assigned, so a process sharing a PostgreSQL state
    # with others adds their assignments to its story index (``StoryRepo.assigned_after``).
    Migration(
        """
    ALTER TABLE articles ADD COLUMN story_seq INTEGER;
    CREATE INDEX articles_story_seq ON articles(story_seq);
        """,
        postgresql="""
    CREATE SEQUENCE story_seq;
    ALTER TABLE articles ADD COLUMN story_seq BIGINT;
    CREATE INDEX articles_story_seq ON articles(story_seq);
        """,
    ),
    # 9 and 10, the dashboard's (migrations_web): the free-text index, a source's pause.
    Migration(ALERT_TEXT, postgresql="SELECT 1;"),
    Migration(SOURCE_PAUSE, postgresql=SOURCE_PAUSE_PG),
]
