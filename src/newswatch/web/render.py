"""Template helpers. Article text is hostile: it only ever reaches a page escaped.

Jinja's autoescape is on for every template; the one place that builds markup from
article text, :func:`highlighted`, escapes each piece itself before adding ``<mark>``.
"""

from __future__ import annotations

from datetime import datetime

from jinja2 import Environment
from markupsafe import Markup, escape

from newswatch.model import Snippet


def highlighted(snippet: Snippet) -> Markup:
    """The snippet escaped, with each matched stretch in ``<mark>``."""
    out: list[str] = []
    pos = 0
    text = snippet.text
    for h in sorted(snippet.highlights, key=lambda h: h.start):
        if h.start < pos:
            continue
        out.append(str(escape(text[pos : h.start])))
        out.append(f"<mark>{escape(text[h.start : h.end])}</mark>")
        pos = h.end
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))


def when(value: datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M} UTC" if value is not None else "—"


def safe_href(url: str) -> str:
    """Only http(s) links from articles: a ``javascript:`` URL becomes inert text."""
    return url if url.lower().startswith(("http://", "https://")) else "#"


def add_filters(env: Environment) -> None:
    env.autoescape = True
    env.filters["highlighted"] = highlighted
    env.filters["when"] = when
    env.filters["safe_href"] = safe_href
