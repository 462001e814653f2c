"""Embedded media widgets removed before extraction: they sit inside article containers, so
content scoring keeps them, yet they are never the story's text.

Photo galleries, slideshows and carousels carry captions of other stories ("Business news in
pictures: 1/50 ..."); video players carry their control labels ("This is a modal window").
"""

from __future__ import annotations

import re

from lxml.etree import XPath
from lxml.html import HtmlElement

_MARKER = re.compile(r"gallery|slideshow|carousel|video-js|vjs-|jwplayer", re.IGNORECASE)
# Attribute-bearing elements from XPath (C), the marker test in Python: an EXSLT regex in the
# XPath, or translate() for case-folding, cost ten times as much.
_NAMED = XPath(".//*[@class or @id]")
_NEVER = frozenset({"html", "body", "main", "article"})
# A "widget" holding the headline or the marked-up article is a site's name for its article
# container (e.g. class="gallery-story"), not an embed. (Galleries can hold more text than
# the story itself, so size says nothing.)
_HOLDS_ARTICLE = XPath('.//h1 | .//article | .//*[@itemprop="articleBody"]')


def prune_widgets(tree: HtmlElement) -> HtmlElement:
    """``tree`` with embedded galleries and video players removed (in place)."""
    widgets = [e for e in _NAMED(tree) if _MARKER.search(f"{e.get('class')} {e.get('id')}")]
    for element in widgets:
        if element.tag in _NEVER or element.getparent() is None or _HOLDS_ARTICLE(element):
            continue
        element.drop_tree()
    return tree
