"""One place for message formats: an alert (or a batch of them) → the text a channel gets.

1. Every article string is cleaned and escaped for the channel's dialect (``escape.py``).
2. A Jinja2 template arranges the escaped values; users may override it per channel.
3. Chat bodies are split below Telegram's 4,096-character limit at line boundaries.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import UTC
from functools import cache
from pathlib import Path
from typing import Any, Literal

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from newswatch.model import AlertMessage, Snippet
from newswatch.notify.escape import DIALECTS, Dialect, one_line, safe_url

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).parent / "templates"
CHAT_LIMIT = 4096
FEED_ONLY_NOTE = "(matched on the feed summary; the article page could not be read)"
SNIPPET_MAX = 600

# "story": one article that several rules matched at once, one message naming them all.
BatchKind = Literal["alert", "story", "digest", "flood"]


@dataclass(frozen=True)
class Batch:
    """What one message carries: a single alert, one story's alerts of several rules, a
    rule's digest, or a flood summary."""

    channel: str
    kind: BatchKind
    messages: tuple[AlertMessage, ...]
    omitted: int = 0  # alerts a flood summary counts but does not list


@dataclass(frozen=True)
class Rendered:
    title: str
    bodies: tuple[str, ...]  # more than one when a chat message had to be split
    body_format: str | None
    headers: tuple[tuple[str, str], ...] = ()


def subject(batch: Batch) -> str:
    """``[newswatch] <rule>: <title>`` and its digest / flood variants (plain text)."""
    first = batch.messages[0]
    total = len(batch.messages) + batch.omitted
    if batch.kind == "flood":
        return f"[newswatch] {total} alerts"
    if batch.kind == "digest" and total > 1:
        return f"[newswatch] {first.rule}: {total} alerts (digest)"
    if batch.kind == "story":
        rules = ", ".join(m.rule for m in batch.messages)
        return f"[newswatch] {rules}: {one_line(first.title, 200)}"
    return f"[newswatch] {first.rule}: {one_line(first.title, 200)}"


def _view(message: AlertMessage, d: Dialect) -> dict[str, Any]:
    url = safe_url(message.url)
    published = message.published
    if published is not None and published.tzinfo is None:
        published = published.replace(tzinfo=UTC)
    snippet = message.snippet
    if len(snippet.text) > SNIPPET_MAX:
        snippet = type(snippet)(snippet.text[:SNIPPET_MAX] + "…", snippet.highlights)
    return {
        "rule": d.line(message.rule, 100),
        "rule_label": "rule",
        "title": d.line(message.title or message.url),
        "source": d.line(message.source, 100),
        "published": published.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if published else "",
        "url": d.url_text(url) if url else "",
        "link": d.link(url, "Open article") if url else d.line(message.url),
        "snippet": d.snippet(snippet),
        "feed_only": message.feed_only,
        "feed_only_note": FEED_ONLY_NOTE,
        "also_reported_by": ", ".join(d.line(s, 100) for s in message.also_reported_by),
    }


@cache
def _environment() -> SandboxedEnvironment:
    # Values arrive escaped for their dialect, so Jinja's HTML autoescape stays off;
    # the sandbox keeps a user's template from reaching into Python.
    return SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def load_template(dialect: str, override: str | None = None) -> jinja2.Template:
    """The built-in template for a dialect, or the channel's ``template:`` (inline text
    when it contains Jinja markup, else a file path)."""
    env = _environment()
    if override is None:
        return env.get_template(f"{dialect}.j2")
    if "{{" in override or "{%" in override:
        return env.from_string(override)
    return env.from_string(Path(override).expanduser().read_text(encoding="utf-8"))


def template_problem(override: str) -> str | None:
    """Why a channel's ``template:`` cannot be used (for ``newswatch check``), or None."""
    try:
        load_template("text", override)
    except (jinja2.TemplateError, OSError) as exc:
        return f"template: {exc}"
    return None


def _story_view(messages: tuple[AlertMessage, ...], d: Dialect) -> dict[str, Any]:
    """One article matched by several rules: the article once, every rule with its terms,
    the snippet with every rule's highlights when the rules chose the same passage."""
    first = messages[0]
    highlights = first.snippet.highlights
    for other in messages[1:]:
        if other.snippet.text == first.snippet.text:
            highlights += tuple(h for h in other.snippet.highlights if h not in highlights)
    view = _view(replace(first, snippet=Snippet(first.snippet.text, highlights)), d)
    named = [f"{m.rule} ({', '.join(m.terms)})" if m.terms else m.rule for m in messages]
    view["rule"] = d.line(", ".join(named), 400)
    view["rule_label"] = "rules"
    return view


def render(batch: Batch, dialect_name: str, override: str | None = None) -> Rendered:
    d = DIALECTS[dialect_name]
    if batch.kind == "story":
        alerts = [_story_view(batch.messages, d)]
    else:
        alerts = [_view(m, d) for m in batch.messages]
    first = batch.messages[0]
    context = {
        "kind": batch.kind,
        "alerts": alerts,
        "count": len(alerts) + batch.omitted,
        "omitted": batch.omitted,
        "rule": d.line(first.rule, 100),
        "subject": d.line(subject(batch)),
        "strong": d.strong,
        "dim": d.dim,
    }
    body = _fill(d.name, override, context, batch.channel)
    headers: tuple[tuple[str, str], ...] = ()
    if d.name == "email":
        list_name = first.rule if batch.kind != "flood" else "alerts"
        headers = (
            ("List-Id", f"newswatch {list_name} <{list_name}.newswatch.invalid>"),
            ("X-Newswatch-Rule", list_name),
        )
    bodies = split_body(body, CHAT_LIMIT) if d.name == "chat" else (body,)
    # Chat services show titles their own way (Telegram even parses them as HTML), so
    # the heading lives inside the escaped body instead.
    title = "" if d.name in ("chat", "console") else subject(batch)
    if d.name != "email":  # a mail subject is not markup; elsewhere the title may be
        title = d.escape(title)
    return Rendered(title, bodies, d.body_format, headers)


def _fill(dialect: str, override: str | None, context: dict[str, Any], channel: str) -> str:
    """The channel's template filled in; a broken user template is logged and the
    built-in one used, because a typo in a template must not cost an alert."""
    if override is not None:
        try:
            return load_template(dialect, override).render(context).strip("\n")
        except (jinja2.TemplateError, OSError) as exc:
            log.error("channel %s: template unusable, using the built-in one: %s", channel, exc)
    return load_template(dialect).render(context).strip("\n")


def split_body(body: str, limit: int) -> tuple[str, ...]:
    """Pieces of at most ``limit`` characters, cut between lines so no tag or entity is
    broken (every template line is balanced markup)."""
    pieces: list[str] = []
    current = ""
    for line in body.split("\n"):
        if len(line) > limit and current:
            pieces.append(current)  # what came before goes first: order is kept
            current = ""
        while len(line) > limit:  # cannot happen with bounded fields; stay within limit
            pieces.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            candidate = line
        current = candidate
    if current:
        pieces.append(current)
    return tuple(pieces) or ("",)
