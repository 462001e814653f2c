"""The parsed form of a query: a small tree of frozen nodes.

Fields are pushed down to the leaves while parsing (``title:(a OR b)`` gives two leaves with
``field="title"``), so evaluation never needs a separate field node. ``field=None`` means
the default: title and text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

FIELDS = ("title", "text", "source", "url")
DEFAULT_FIELDS = ("title", "text")


@dataclass(frozen=True)
class Term:
    """A word (one token), a prefix (``prefix=True``) or a phrase (several tokens).

    With ``prefix`` the last token is a prefix: ``airstrike*`` or ``"air strike*"``.
    ``label`` is the term as the user wrote it; it is what a match reports.
    ``keys``, one set per token, are what an article word must share with it to be one of
    its forms (``text.analysis``): the token itself and its language-tagged lemmas or
    stems. Empty for an exact term (``=word``), which matches only its written form.
    """

    tokens: tuple[str, ...]
    prefix: bool
    label: str
    field: str | None = None
    col: int = 1
    keys: tuple[frozenset[str], ...] = ()

    @property
    def fields(self) -> tuple[str, ...]:
        return (self.field,) if self.field else DEFAULT_FIELDS


@dataclass(frozen=True)
class Regex:
    """``/pattern/``: an RE2 pattern (linear time) searched in the original text."""

    pattern: Any  # re2._Regexp; the stub-less library gives no type to name
    label: str
    field: str | None = None
    col: int = 1

    @property
    def fields(self) -> tuple[str, ...]:
        return (self.field,) if self.field else DEFAULT_FIELDS


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class Near:
    """Both sides within ``distance`` words of each other, in either order, in one field."""

    left: Node
    right: Node
    distance: int


Node = Term | Regex | And | Or | Not | Near
Leaf = Term | Regex


def positive_leaves(node: Node) -> list[Leaf]:
    """The leaves whose presence can make ``node`` match (those not under a NOT)."""
    if isinstance(node, Term | Regex):
        return [node]
    if isinstance(node, Not):
        return []
    if isinstance(node, Near):
        return positive_leaves(node.left) + positive_leaves(node.right)
    return [leaf for child in node.children for leaf in positive_leaves(child)]


def all_leaves(node: Node) -> list[Leaf]:
    """Every leaf, negated or not."""
    if isinstance(node, Term | Regex):
        return [node]
    if isinstance(node, Not):
        return all_leaves(node.child)
    if isinstance(node, Near):
        return all_leaves(node.left) + all_leaves(node.right)
    return [leaf for child in node.children for leaf in all_leaves(child)]
