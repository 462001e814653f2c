"""Fail when a module of src/ passes 400 lines or a function 60 (decorators and docstring
included): the limits of the style guide, checked instead of remembered.

    python scripts/sizes.py [ROOT]      # ROOT defaults to src/newswatch
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
# Known debt, as a ratchet: these may shrink, not grow (none today).
ALLOWED_MODULE_LINES: dict[str, int] = {}


def problems(root: Path) -> Iterator[str]:
    for path in sorted(root.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        lines = text.count("\n")
        allowed = ALLOWED_MODULE_LINES.get(path.as_posix(), MAX_MODULE_LINES)
        if lines > allowed:
            yield f"{path}: {lines} lines (at most {allowed})"
        for node in ast.walk(ast.parse(text, filename=str(path))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            length = (node.end_lineno or node.lineno) - start + 1
            if length > MAX_FUNCTION_LINES:
                limit = MAX_FUNCTION_LINES
                yield f"{path}:{start}: {node.name} is {length} lines (at most {limit})"


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path("src/newswatch")
    found = list(problems(root))
    for problem in found:
        print(problem, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
