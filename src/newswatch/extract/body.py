"""The body text of an article page, as a list of paragraphs.

0. embedded galleries and video players are removed (:mod:`prune`);
1. trafilatura (balanced, comments off: its best setting on real pages) reads the page, in
   fast mode; only when that finds little text, or returns its dump of the whole page, does
   its full cascade (which compares with its own Readability and jusText runs) run as well,
   so most pages run Readability once, not twice;
2. Readability gives a second opinion; when it agrees with trafilatura on the content and is
   about as long, its tighter scoping wins (it keeps tables, drops trailing teasers);
3. the JSON-LD ``articleBody`` stands in when neither found the text, or when it is long and
   mostly missing from theirs (a page rendered by JavaScript: they read only its shell);
4. precision cleanup (:mod:`cleanup`): repeated headline, trailing related/comments sections;
5. a page whose text is only link labels and stubs has no article: ``""``.
"""

from __future__ import annotations

import trafilatura
from lxml.etree import _Element
from lxml.html import HtmlElement
from trafilatura.settings import Document

from newswatch.extract.cleanup import clean_body
from newswatch.extract.jsonld import LdArticle
from newswatch.extract.overlap import containment
from newswatch.extract.prune import prune_widgets
from newswatch.extract.readability import readability_text

# A fast-mode result shorter than this is retried with trafilatura's full cascade.
_SHORT_CHARS = 500
# Readability replaces trafilatura only if it is at least this long relative to it (shorter
# means it settled on one part of the article) ...
_MIN_LENGTH_RATIO = 0.9
# ... and at least this share of its shingles is in trafilatura's text (so both read the
# same region of the page; Readability may add a table trafilatura dropped).
_MIN_AGREEMENT = 0.8
# A JSON-LD articleBody this long, less than this share of which the extractors found,
# replaces their text. (Short ones are teasers: BBC's holds the standfirst only.)
_MIN_DECLARED_CHARS = 500
_MIN_DECLARED_COVERED = 0.5
# Below this much prose (text that is not just the label of a link) a page has no article:
# what is left is a listing page's headlines or a site's navigation.
_MIN_PROSE_CHARS = 80
_MIN_PARAGRAPH_CHARS = 25
_CERTAINLY_PROSE_CHARS = 2000


def extract_body(tree: HtmlElement, url: str, title: str, ld: LdArticle | None) -> str:
    """The article text, paragraphs separated by blank lines. Prunes ``tree`` in place."""
    # 0. embedded media widgets out
    prune_widgets(tree)
    # 1. trafilatura
    text = _trafilatura_text(tree, url)
    # 2. second opinion
    second = readability_text(tree)
    if len(second) >= _MIN_LENGTH_RATIO * len(text) and containment(second, text) >= _MIN_AGREEMENT:
        text = second
    # 3. structured data
    if ld is not None and _prefer_declared(ld.body, text):
        text = ld.body
    # 4. cleanup
    lines = clean_body([line for line in text.splitlines() if line.strip()], title)
    body = "\n\n".join(" ".join(line.split()) for line in lines)
    # 5. is it an article at all?
    return body if has_prose(body, tree) else ""


def _prefer_declared(declared: str, extracted: str) -> bool:
    """Whether the JSON-LD ``articleBody`` should replace the extracted text: when nothing
    was found, or when the page renders its story with JavaScript and the extractors read
    only the shell around it (the declared body is long and mostly missing from the text)."""
    if not declared:
        return False
    if not extracted:
        return True
    if "\n" not in extracted.strip() and "\n" in declared.strip():
        # One run-on paragraph (trafilatura's last-resort dump reads articleBody itself):
        # the declared text is the same story with its paragraphs.
        return containment(extracted, declared) >= _MIN_AGREEMENT
    return (
        len(declared) >= _MIN_DECLARED_CHARS
        and containment(declared, extracted) < _MIN_DECLARED_COVERED
    )


def _trafilatura_text(tree: HtmlElement, url: str) -> str:
    text, dumped = _run_trafilatura(tree, url, fast=True)
    if len(text) >= _SHORT_CHARS and not dumped:
        return text
    return _run_trafilatura(tree, url, fast=False)[0]


def _run_trafilatura(tree: HtmlElement, url: str, *, fast: bool) -> tuple[str, bool]:
    """trafilatura's text, and whether it is its dump of the whole page."""
    doc = trafilatura.bare_extraction(
        tree, url=url, fast=fast, include_comments=False, output_format="python"
    )
    if not isinstance(doc, Document):
        return "", False
    return doc.text or "", _is_page_dump(doc.body)


def _is_page_dump(body: _Element | None) -> bool:
    """Whether trafilatura's result is its last resort: when its extractor finds under 250
    characters (no ``<p>``: text separated by ``<br>`` only), it falls back to every text
    node of the page in one paragraph, one per line (menus, related links, comments and
    all). That is long, so by length alone it would pass as an article. In fast mode this
    fallback comes before the comparison with Readability and jusText that the full
    cascade makes, which finds the text's container."""
    return (
        body is not None and len(body) == 1 and body[0].tag == "p" and "\n" in (body[0].text or "")
    )


def has_prose(text: str, tree: HtmlElement) -> bool:
    candidates = [p.lstrip("-•* ") for p in text.split("\n\n")]
    candidates = [p for p in candidates if len(p) >= _MIN_PARAGRAPH_CHARS]
    if sum(map(len, candidates)) < _MIN_PROSE_CHARS:
        return False
    if sum(map(len, candidates)) > _CERTAINLY_PROSE_CHARS:
        return True  # no page has this much link text that reads as paragraphs
    links = {" ".join(a.text_content().split()) for a in tree.iter("a")}
    return sum(len(p) for p in candidates if p not in links) >= _MIN_PROSE_CHARS
