"""Password hashing for dashboard accounts: argon2id with argon2-cffi's default parameters."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher()  # stateless: parameters only
# Verified against when the account does not exist, so a wrong name costs as long as a
# wrong password and the timing does not tell which names exist.
_DUMMY = _HASHER.hash("not a password of anyone")
MIN_LENGTH = 10


def hash_password(password: str) -> str:
    if len(password) < MIN_LENGTH:
        raise ValueError(f"a password needs at least {MIN_LENGTH} characters")
    return _HASHER.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    try:
        return _HASHER.verify(stored or _DUMMY, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False
