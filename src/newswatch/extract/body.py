"""The body text of an article page: trafilatura's extraction, checked against alternatives."""

from __future__ import annotations

import trafilatura
from lxml.html import HtmlElement
from trafilatura.settings import Document

from newswatch.extract.jsonld import LdArticle

# Below this much prose (text that is not just the label of a link) a page has no article:
# what is left is a listing page's headlines or a site's navigation.
_MIN_PROSE_CHARS = 80
_MIN_PARAGRAPH_CHARS = 25


def extract_body(tree: HtmlElement, url: str, ld: LdArticle | None) -> str:
    doc = trafilatura.bare_extraction(tree, url=url, include_comments=False, output_format="python")
    text = paragraphs(doc.text or "") if isinstance(doc, Document) else ""
    return text if has_prose(text, link_texts(tree)) else ""


def paragraphs(text: str) -> str:
    """One paragraph per non-blank line, separated by blank lines."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n\n".join(line for line in lines if line)


def link_texts(tree: HtmlElement) -> frozenset[str]:
    return frozenset(" ".join(a.text_content().split()) for a in tree.iter("a"))


def has_prose(text: str, links: frozenset[str]) -> bool:
    prose = 0
    for para in text.split("\n\n"):
        bare = para.lstrip("-•* ")
        if len(bare) >= _MIN_PARAGRAPH_CHARS and bare not in links:
            prose += len(bare)
    return prose >= _MIN_PROSE_CHARS
