"""Embedded media widgets removed before extraction: they sit inside article containers, so
content scoring keeps them, yet they are never the story's text.

Photo galleries, slideshows and carousels carry captions of other stories ("Business news in
pictures: 1/50 ..."); video players carry their control labels ("This is a modal window").
"""

from __future__ import annotations

from lxml.etree import XPath
from lxml.html import HtmlElement

_WIDGET = r"(^|\s)[\w-]*(gallery|slideshow|carousel|video-js|vjs-|jwplayer)[\w-]*(\s|$)"
_WIDGETS = XPath(
    f".//*[re:test(@class, '{_WIDGET}', 'i') or re:test(@id, '{_WIDGET}', 'i')]",
    namespaces={"re": "http://exslt.org/regular-expressions"},
)
_NEVER = frozenset({"html", "body", "main", "article"})
# A "widget" holding the headline or the marked-up article is a site's name for its article
# container (e.g. class="gallery-story"), not an embed. (Galleries can hold more text than
# the story itself, so size says nothing.)
_HOLDS_ARTICLE = XPath('.//h1 | .//article | .//*[@itemprop="articleBody"]')


def prune_widgets(tree: HtmlElement) -> HtmlElement:
    """``tree`` with embedded galleries and video players removed (in place)."""
    for element in _WIDGETS(tree):
        if element.tag in _NEVER or element.getparent() is None or _HOLDS_ARTICLE(element):
            continue
        element.drop_tree()
    return tree
