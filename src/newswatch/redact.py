"""Masking secrets in any text that leaves the process: logs, ``status``, errors stored in
the state file, ops-channel alerts, and (``links``) the links of alerts.

Three layers, because a secret can reach a message by routes nobody predicted:

1. every known secret string (``${VAR}`` values, channel URL passwords and tokens);
2. the password of ``scheme://user:password@host`` in any URL-like text;
3. token-looking parts of URL-like text: path segments or hosts with mixed case and digits
   (Slack ``T0123ABCD``, Telegram ``123:AAH…``), long hex strings, and the values of query
   parameters named like credentials (``?token=``, ``&apikey=``).

Layer 3 sometimes masks an innocent article-URL segment; a log line a little less useful
is the price of never leaking a webhook.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "***"
# Secrets shorter than this are too likely to occur in ordinary words to mask blindly.
MIN_SECRET_LENGTH = 3

_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s<>\"'`]+")
_USERINFO = re.compile(r"^(?P<scheme>[^:]+://)(?P<user>[^/@:?#]*):(?P<password>[^/@?#]*)@")
_SECRET_PARAM = re.compile(
    r"(?P<key>[?&;](?:[\w-]*(?:token|key|secret|pass|passwd|password|pwd|auth|sig|signature|"
    r"credential)s?[\w-]*)=)(?P<value>[^&;#\s]+)",
    re.I,
)
_SEGMENT_CHARS = re.compile(r"[A-Za-z0-9_\-:.=+~]+")
_HEX = re.compile(r"[0-9a-fA-F]{16,}")


def looks_like_token(segment: str) -> bool:
    """A URL part that is more likely a credential than a word, slug or host name."""
    if len(segment) < 8 or not _SEGMENT_CHARS.fullmatch(segment):
        return False
    if _HEX.fullmatch(segment):
        return True
    has_digit = any(c.isdigit() for c in segment)
    has_upper = any(c.isupper() for c in segment)
    if has_digit and has_upper:
        return True
    # Long runs of letters and digits without a separator are keys, not words or slugs.
    return len(segment) >= 20 and segment.isalnum()


class Redactor:
    """``redactor(text)`` returns ``text`` with every secret replaced by ``***``."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        known = sorted({s for s in secrets if len(s) >= MIN_SECRET_LENGTH}, key=len, reverse=True)
        # Longest first, so a secret containing another is masked whole.
        self._known = re.compile("|".join(map(re.escape, known))) if known else None

    def __call__(self, text: str) -> str:
        if not text:
            return text
        if self._known is not None:
            text = self._known.sub(MASK, text)
        if "://" in text:
            text = _URL.sub(lambda m: _redact_url(m.group(0)), text)
        return text

    def links(self, text: str) -> str:
        """Layers 1 and 2 only, for text whose links must keep working (an alert's article
        URL): a known secret goes (``credential_values`` of the sources' URLs are known
        secrets), while ``?keyword=`` or a token-looking path segment stays."""
        if not text:
            return text
        if self._known is not None:
            text = self._known.sub(MASK, text)
        if "://" in text:
            text = _URL.sub(lambda m: _USERINFO.sub(_mask_password, m.group(0), count=1), text)
        return text


def credential_values(url: str) -> set[str]:
    """The values of credential-named query parameters (``?apikey=…``) of ``url``."""
    return {m.group("value") for m in _SECRET_PARAM.finditer(url)}


def _redact_url(url: str) -> str:
    url = _USERINFO.sub(_mask_password, url, count=1)
    url = _SECRET_PARAM.sub(lambda m: m.group("key") + MASK, url)
    scheme, _, rest = url.partition("://")
    path, sep, tail = _split_off_query(rest)
    parts = path.split("/")
    masked = [_mask_part(p) for p in parts]
    return f"{scheme}://{'/'.join(masked)}{sep}{tail}"


def _mask_password(match: re.Match[str]) -> str:
    if not match.group("password").strip("*"):  # none, or masked already (apprise: ****)
        return match.group(0)
    return f"{match.group('scheme')}{match.group('user')}:{MASK}@"


def _split_off_query(rest: str) -> tuple[str, str, str]:
    cut = min((i for i in (rest.find("?"), rest.find("#")) if i >= 0), default=-1)
    if cut < 0:
        return rest, "", ""
    return rest[:cut], rest[cut], rest[cut + 1 :]


def _mask_part(part: str) -> str:
    # A host may carry userinfo ("user:***@host") or a port; judge the pieces separately.
    if "@" in part:
        head, _, host = part.rpartition("@")
        return f"{head}@{_mask_part(host)}"
    return MASK if looks_like_token(part) else part
