"""Read a config's YAML with what ``yaml.safe_load`` throws away: where each key is, and
keys given twice.

YAML says a mapping's keys are unique, yet PyYAML keeps the last of two ``notify:`` in one
rule without a word, so a rule silently alerts a channel nobody meant. Here the node tree
is composed once (by libyaml where PyYAML has it), walked for duplicate keys and for the
line of every key path, then constructed as ``safe_load`` would.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import yaml

_STR = "tag:yaml.org,2002:str"


class KeyLines:
    """Key path (``rules[1].query``) -> 1-based line in the file; duplicates seen on the way."""

    def __init__(self) -> None:
        self.lines: dict[str, int] = {}
        self.duplicates: list[str] = []

    def line_of(self, path: str) -> int | None:
        """The line of ``path``, else of its nearest enclosing key that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            cut = max(path.rfind("."), path.rfind("["))
            if cut <= 0:
                return None
            path = path[:cut]
        return None

    def annotate(self, problems: Iterable[str]) -> list[str]:
        """``path: message`` -> ``path: message (line N)`` where the path is known."""
        return [self._with_line(problem) for problem in problems]

    def _with_line(self, problem: str) -> str:
        path = problem.split(": ", 1)[0].split(" (", 1)[0] if ": " in problem else ""
        if not path or " " in path:
            return problem
        line = self.line_of(path)
        return f"{problem} (line {line})" if line else problem


def _loader_class() -> type[Any]:
    return getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader


def load_yaml(text: str) -> tuple[Any, KeyLines]:
    """The document's value and its key lines. Raises ``yaml.YAMLError``; a broken file is
    read again by the Python parser, whose messages name the offending character."""
    try:
        return _load(text, _loader_class())
    except yaml.YAMLError:
        if _loader_class() is yaml.SafeLoader:
            raise
        return _load(text, yaml.SafeLoader)


def _load(text: str, loader_class: type[Any]) -> tuple[Any, KeyLines]:
    loader = loader_class(text)
    keys = KeyLines()
    try:
        node = loader.get_single_node()
        if node is None:
            return None, keys
        _walk(node, "", keys)
        return loader.construct_document(node), keys
    finally:
        loader.dispose()


def _walk(node: yaml.Node, path: str, keys: KeyLines) -> None:
    if isinstance(node, yaml.MappingNode):
        first: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
                continue  # merge keys (<<) and non-string keys: left to the schema
            key, line = key_node.value, key_node.start_mark.line + 1
            child = f"{path}.{key}" if path else key
            if key in first:
                keys.duplicates.append(
                    f"{child}: duplicate key (line {line}; first at line {first[key]}): "
                    "YAML keeps only the last one, so remove or merge one of them"
                )
            else:
                first[key] = line
            keys.lines[child] = line  # the last one: it is the value YAML keeps
            _walk(value_node, child, keys)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            child = f"{path}[{i}]"
            keys.lines[child] = item.start_mark.line + 1
            _walk(item, child, keys)
