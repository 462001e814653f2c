"""``${VAR}`` in config values: read from the environment, loudly.

An unset variable is an error, and so is one that is set but empty: a unit file's
``Environment=SMTP_TO=`` once made every alert email go to the From address while
``notify-test`` said "delivered". Shell syntax says when a default or an empty value is
meant: ``${VAR:-default}``, ``${VAR:-}``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}")


def expand(
    value: Any, environ: Mapping[str, str], where: str, problems: list[str], secrets: set[str]
) -> Any:
    """``value`` with every ``${VAR}`` replaced; each problem is appended to ``problems``
    with its key path, and each value read from the environment joins ``secrets``."""
    if isinstance(value, str):
        return _expand_text(value, environ, where or "(top)", problems, secrets)
    if isinstance(value, dict):
        return {
            k: expand(v, environ, f"{where}.{k}" if where else str(k), problems, secrets)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [expand(v, environ, f"{where}[{i}]", problems, secrets) for i, v in enumerate(value)]
    return value


def _expand_text(
    text: str, environ: Mapping[str, str], where: str, problems: list[str], secrets: set[str]
) -> str:
    def replace(match: re.Match[str]) -> str:
        name, has_default, default = match.group(1), match.group(2), match.group(3)
        found = environ.get(name, "")
        if found:
            secrets.add(found)
            return found
        if has_default is not None:
            return default  # written in the file: not a secret
        if name not in environ:
            problems.append(
                f"{where}: environment variable ${{{name}}} is not set "
                f"(write ${{{name}:-default}} if a default is meant)"
            )
        else:
            problems.append(
                f"{where}: environment variable ${{{name}}} is set but empty "
                f"(write ${{{name}:-}} if an empty value is meant)"
            )
        return ""

    return _VAR.sub(replace, text)
