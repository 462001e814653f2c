"""Copying an installation's state between stores (``newswatch state copy``), e.g. from
the SQLite file to the PostgreSQL database it outgrew.

Every table is copied row for row, ids included, in an order that satisfies the foreign
keys: articles keep their identity keys, stories their members and fingerprints, rules
their matches, the outbox its alerts. So after the move every article is still known and
every story still alerted: nothing already alerted alerts again, and pending alerts are
still delivered once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from newswatch.errors import StoreError
from newswatch.store.unit import Store

BATCH = 2000


@dataclass(frozen=True)
class Table:
    name: str
    key: str  # unique, ordered: the copy reads in keyset batches by it


# Parents before children (foreign keys); every table newswatch's migrations create.
TABLES = (
    Table("fetch_state", "url"),
    Table("source_state", "name"),
    Table("clusters", "id"),
    Table("articles", "id"),
    Table("article_keys", "key"),
    Table("matches", "id"),
    Table("alerts", "id"),
    Table("silences", "id"),
    Table("web_users", "name"),
    Table("web_sessions", "token_hash"),
    Table("api_tokens", "token_hash"),
    Table("alert_triage", "match_id"),
)

Progress = Callable[[str, int, int], None]  # table, rows copied so far, rows in all


def copy_state(source: Store, target: Store, progress: Progress | None = None) -> dict[str, int]:
    """Copy every table of ``source`` into ``target``, which must be empty; returns the
    rows copied per table. One transaction on the target: a failed copy leaves it empty."""
    if source.db.schema_version != target.db.schema_version:
        raise StoreError(
            f"{source.db.url} has schema version {source.db.schema_version}, "
            f"{target.db.url} {target.db.schema_version}",
            hint="run this newswatch's 'once' on the older one first",
        )
    _refuse_filled(target)
    copied: dict[str, int] = {}
    with target.db.transaction() as out:
        for table in TABLES:
            total = _count(source, table.name)
            done = 0
            for columns, rows in _batches(source, table):
                names = ", ".join(f'"{c}"' for c in columns)
                marks = ", ".join("?" * len(columns))
                out.executemany(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows)
                done += len(rows)
                if progress is not None:
                    progress(table.name, done, total)
            copied[table.name] = done
    target.db.after_copy()
    return copied


def _refuse_filled(target: Store) -> None:
    for table in TABLES:
        if _count(target, table.name):
            raise StoreError(
                f"{target.db.url} already holds state ({table.name} is not empty)",
                hint="copy into a new, empty database",
            )


def _count(store: Store, table: str) -> int:
    with store.db.read() as sql:
        return int(sql.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def _batches(store: Store, table: Table) -> Iterator[tuple[list[str], list[tuple[Any, ...]]]]:
    """The table's rows in keyset batches: (column names, rows)."""
    after: object = None
    while True:
        with store.db.read() as sql:
            if after is None:
                cursor = sql.execute(
                    f"SELECT * FROM {table.name} ORDER BY {table.key} LIMIT ?", (BATCH,)
                )
            else:
                cursor = sql.execute(
                    f"SELECT * FROM {table.name} WHERE {table.key} > ? "
                    f"ORDER BY {table.key} LIMIT ?",
                    (after, BATCH),
                )
            rows = cursor.fetchall()
        if not rows:
            return
        columns = list(rows[0].keys())
        yield columns, [tuple(row[c] for c in columns) for row in rows]
        after = rows[-1][table.key]
