"""Dashboard accounts, login sessions and API tokens.

Only SHA-256 hashes of session and API tokens are stored: they are 256-bit random
strings, so a fast hash is enough, and a copy of the state file does not log anyone in.
Passwords arrive here already hashed (argon2, by ``newswatch.web.passwords``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from newswatch.clock import from_iso, to_iso
from newswatch.store.base import Executor

ROLES = ("viewer", "editor", "admin")


@dataclass(frozen=True)
class User:
    name: str
    role: str
    password_hash: str
    created_at: datetime

    def may_edit(self) -> bool:
        return self.role in ("editor", "admin")


@dataclass(frozen=True)
class Session:
    user: User
    csrf: str
    expires_at: datetime


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class UserRepo:
    def __init__(self, db: Executor) -> None:
        self.db = db

    def add(self, name: str, role: str, password_hash: str, at: datetime) -> bool:
        """False when the name is taken."""
        with self.db.transaction() as conn:
            cur = conn.execute(
                """INSERT INTO web_users (name, role, password_hash, created_at)
                   VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING""",
                (name, role, password_hash, to_iso(at)),
            )
            return bool(cur.rowcount)

    def get(self, name: str) -> User | None:
        with self.db.read() as conn:
            row = conn.execute("SELECT * FROM web_users WHERE name = ?", (name,)).fetchone()
        return _user(row) if row else None

    def all(self) -> list[tuple[User, int]]:
        """Every account with its number of API tokens."""
        with self.db.read() as conn:
            rows = conn.execute(
                """SELECT u.*, (SELECT COUNT(*) FROM api_tokens t WHERE t."user" = u.name) AS tokens
                   FROM web_users u ORDER BY u.name"""
            ).fetchall()
        return [(_user(r), int(r["tokens"])) for r in rows]

    def remove(self, name: str) -> bool:
        """Removes the account with its sessions and tokens (they cascade)."""
        with self.db.transaction() as conn:
            return bool(conn.execute("DELETE FROM web_users WHERE name = ?", (name,)).rowcount)

    def set_password(self, name: str, password_hash: str) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE web_users SET password_hash = ? WHERE name = ?", (password_hash, name)
            )

    def add_token(self, name: str, token: str, at: datetime) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                'INSERT INTO api_tokens (token_hash, "user", created_at) VALUES (?, ?, ?)',
                (token_hash(token), name, to_iso(at)),
            )

    def by_token(self, token: str, at: datetime) -> User | None:
        with self.db.transaction() as conn:
            row = conn.execute(
                """SELECT u.* FROM api_tokens t JOIN web_users u ON u.name = t."user"
                   WHERE t.token_hash = ?""",
                (token_hash(token),),
            ).fetchone()
            if row is not None:
                conn.execute(
                    "UPDATE api_tokens SET last_used_at = ? WHERE token_hash = ?",
                    (to_iso(at), token_hash(token)),
                )
        return _user(row) if row else None

    def open_session(self, name: str, token: str, csrf: str, at: datetime, until: datetime) -> None:
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM web_sessions WHERE expires_at < ?", (to_iso(at),))
            conn.execute(
                """INSERT INTO web_sessions (token_hash, "user", csrf, created_at, expires_at)
                   VALUES (?, ?, ?, ?, ?)""",
                (token_hash(token), name, csrf, to_iso(at), to_iso(until)),
            )

    def session(self, token: str, at: datetime) -> Session | None:
        with self.db.read() as conn:
            row = conn.execute(
                """SELECT u.*, s.csrf, s.expires_at FROM web_sessions s
                   JOIN web_users u ON u.name = s."user"
                   WHERE s.token_hash = ? AND s.expires_at > ?""",
                (token_hash(token), to_iso(at)),
            ).fetchone()
        if row is None:
            return None
        return Session(_user(row), row["csrf"], from_iso(row["expires_at"]) or at)

    def close_session(self, token: str) -> None:
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM web_sessions WHERE token_hash = ?", (token_hash(token),))


def _user(row: object) -> User:
    r: dict[str, object] = dict(row)  # type: ignore[call-overload]
    return User(
        name=str(r["name"]),
        role=str(r["role"]),
        password_hash=str(r["password_hash"]),
        created_at=from_iso(str(r["created_at"])) or datetime.min,
    )
