"""A second opinion on the body: Readability's algorithm (the copy bundled with trafilatura).

Readability scores paragraphs and keeps one DOM subtree with its siblings, so its output is
scoped tightly to the article container (no trailing teasers), where trafilatura's rule-based
extractor reads more of the page but sometimes drops tables or keeps slideshows.
"""

from __future__ import annotations

from copy import deepcopy

from lxml.html import HtmlElement
from trafilatura.external import try_readability

# Elements that start a new line of text when rendered.
_BLOCKS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "li",
        "main",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "td",
        "th",
        "tr",
        "ul",
    ]
)


def readability_text(tree: HtmlElement) -> str:
    """The article text Readability finds, one block element per line."""
    summary = try_readability(deepcopy(tree))  # it rewrites the tree it is given
    parts: list[str] = []
    _render(summary, parts)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _render(element: HtmlElement, out: list[str]) -> None:
    block = isinstance(element.tag, str) and element.tag in _BLOCKS
    if isinstance(element.tag, str):  # comments and processing instructions carry no text
        if block:
            out.append("\n")
        out.append(_inline(element.text))
        for child in element:
            _render(child, out)
        if block:
            out.append("\n")
    out.append(_inline(element.tail))


def _inline(text: str | None) -> str:
    # Line breaks inside the source's text are layout, not paragraph ends.
    return text.replace("\n", " ") if text else ""
