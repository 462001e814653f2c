"""Making article text inert for each kind of channel.

Article strings are hostile input: they may carry markup, mention syntax, links, control
characters or ten thousand characters of title. Every string from an article passes
through :func:`clean` and then its dialect's ``escape`` before any template sees it, so a
template (ours or a user's) can only ever arrange inert text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from newswatch.model import Snippet

TITLE_MAX = 300

# C0/C1 controls (terminal escapes among them) and the bidi overrides used for spoofing;
# newline and tab survive because snippets keep their line structure.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Whole terminal escape sequences (CSI, OSC), so no parameters are left behind.
_ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x9b[0-?]*[ -/]*[@-~]"
)
_ZWSP = "\u200b"
# A mention or an auto-linked address in a chat message is an action, not text: a
# zero-width space keeps the words readable while no client parses them any more.
_MENTION = re.compile(r"@(?=\w)")
_SCHEME = re.compile(r"(?<=\w):(?=//)")
_WWW = re.compile(r"\b(www)\.", re.IGNORECASE)
# Bare domains ("evil.com/x") are auto-linked by Slack and Telegram too.
_DOMAIN_DOT = re.compile(r"(?<=\w)\.(?=[a-z]{2,}\b)", re.IGNORECASE)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]()<>#|~!])")


def clean(text: str) -> str:
    return _CONTROLS.sub("", _ANSI.sub("", text))


def one_line(text: str, limit: int = TITLE_MAX) -> str:
    """Titles and names: one line, at most ``limit`` characters."""
    flat = " ".join(clean(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def defuse(text: str) -> str:
    text = _MENTION.sub("@" + _ZWSP, text)
    text = _SCHEME.sub(":" + _ZWSP, text)
    text = _WWW.sub(r"\1" + _ZWSP + ".", text)
    return _DOMAIN_DOT.sub(_ZWSP + ".", text)


# Longer links are not links: real article URLs are a few hundred characters, and one of
# 20,000 would not fit a chat message (Telegram refuses the message, and its batch).
MAX_URL = 2000


def safe_url(url: str) -> str | None:
    """The URL if it is plain http(s) and at most MAX_URL long, with characters that could
    end an attribute or a markdown link percent-encoded; None for anything else
    (``javascript:``, ``data:``…)."""
    url = clean(url).strip()
    if len(url) > MAX_URL:
        return None  # shown as text, cut short: a 20 KB link would fill a chat message
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    if scheme not in ("http", "https"):
        return None
    return quote(url, safe="/:?#[]@!$&'*+,;=%~-._")


def _html(text: str) -> str:
    return html.escape(text, quote=True)


def _chat(text: str) -> str:
    return html.escape(defuse(text), quote=True)


def _markdown(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", defuse(text))


def _plain(text: str) -> str:
    return text


def _text(text: str) -> str:
    # Plain text still reaches services that parse mentions (Discord's @everyone).
    return defuse(text)


def _html_link(url: str, label: str) -> str:
    return f'<a href="{html.escape(url, quote=True)}">{label}</a>'


def _markdown_link(url: str, label: str) -> str:
    return f"[{label}](<{url}>)"


def _plain_link(url: str, label: str) -> str:
    return url


@dataclass(frozen=True)
class Dialect:
    """How one kind of channel spells escaped text, bold, line breaks and links."""

    name: str
    escape: Callable[[str], str]
    bold: tuple[str, str]
    newline: str
    link: Callable[[str, str], str]
    body_format: str | None  # what apprise is told; None leaves the body untouched
    url_text: Callable[[str], str] = _plain  # our own link shown as text
    faint: tuple[str, str] = ("", "")  # secondary lines, where the channel can dim them

    def text(self, value: str) -> str:
        return self.escape(clean(value))

    def dim(self, escaped: str) -> str:
        return f"{self.faint[0]}{escaped}{self.faint[1]}"

    def line(self, value: str, limit: int = TITLE_MAX) -> str:
        return self.escape(one_line(value, limit))

    def strong(self, escaped: str) -> str:
        return f"{self.bold[0]}{escaped}{self.bold[1]}"

    def snippet(self, snippet: Snippet) -> str:
        """The snippet escaped piece by piece, matched terms in bold."""
        out: list[str] = []
        pos = 0
        text = snippet.text
        for h in sorted(snippet.highlights, key=lambda h: h.start):
            if h.start < pos or h.end > len(text) or h.start >= h.end:
                continue
            out.append(self.text(text[pos : h.start]))
            out.append(self.strong(self.text(text[h.start : h.end])))
            pos = h.end
        out.append(self.text(text[pos:]))
        return " ".join("".join(out).split())


ANSI_BOLD = ("\x1b[1m", "\x1b[0m")
ANSI_DIM = ("\x1b[2m", "\x1b[0m")

DIALECTS: dict[str, Dialect] = {
    # Email: a full HTML part; apprise derives the plain-text alternative from it.
    "email": Dialect("email", _html, ("<b>", "</b>"), "<br>\n", _html_link, "html", _html),
    # Slack and Telegram: the small HTML subset both accept; apprise turns it into Slack
    # mrkdwn (escaping & < >) or passes it to Telegram's HTML parse mode.
    "chat": Dialect("chat", _chat, ("<b>", "</b>"), "<br>\n", _html_link, "html", _html),
    "markdown": Dialect("markdown", _markdown, ("**", "**"), "\n", _markdown_link, "markdown"),
    "text": Dialect("text", _text, ("**", "**"), "\n", _plain_link, "text"),
    "console": Dialect("console", _plain, ("**", "**"), "\n", _plain_link, None),
    "console-ansi": Dialect("console", _plain, ANSI_BOLD, "\n", _plain_link, None, faint=ANSI_DIM),
}
