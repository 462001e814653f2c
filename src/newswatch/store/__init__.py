"""The state of an installation: SQLite (the embedded default) or PostgreSQL.

Every SQL statement of newswatch lives in this package. :class:`Store` holds one
repository per concern; :meth:`Store.unit` is one transaction across them (see
:mod:`newswatch.store.unit`); :mod:`newswatch.store.base` is the interface a backend
implements.
"""

from __future__ import annotations

from newswatch.store.fetchstate import Validators
from newswatch.store.outbox import OutboxAlert
from newswatch.store.sources import SourceState
from newswatch.store.unit import Store, Unit, open_database

__all__ = ["OutboxAlert", "SourceState", "Store", "Unit", "Validators", "open_database"]
