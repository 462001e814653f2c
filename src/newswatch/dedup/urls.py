"""Article identity: canonical URLs and the keys an article is known by.

Publishers re-write URLs (tracking parameters, ``#comments``, ``:443``), churn feed GUIDs
and re-publish whole feeds; rss2email's lesson is to know an entry under several keys —
link, GUID, content hash — so that any one of them recognises it again.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from newswatch.text.normalize import normalize

_DEFAULT_PORTS = {"http": 80, "https": 443}
# Parameters that only say who sent the reader, never which page they read.
_TRACKING_NAMES = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "igshid",
        "yclid",
        "twclid",
        "ttclid",
        "_ga",
        "_gl",
        "ref",
        "ref_src",
        "ref_url",
        "referer",
        "referrer",
        "cmpid",
        "ocid",
        "mkt_tok",
        "spm",
        "ito",
        "xtor",
    }
)
# utm_* (Google), mc_* (Mailchimp), at_* (AT Internet, e.g. BBC feeds), pk_*/mtm_* (Matomo),
# _hs* (HubSpot).
_TRACKING_PREFIXES = ("utm_", "mc_", "at_", "pk_", "mtm_", "_hs")
_WORDS = re.compile(r"[^\W_]+", re.UNICODE)
# Shorter texts (a feed summary, a "developing story" stub) are too generic to identify.
MIN_HASH_WORDS = 40


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_NAMES or lowered.startswith(_TRACKING_PREFIXES)


def canonical_url(url: str, base: str | None = None) -> str:
    """The one spelling of ``url`` that identifies the page.

    Lower-cases scheme and host, drops default ports, the fragment and tracking
    parameters, sorts the remaining query parameters and resolves ``url`` against
    ``base``. The path keeps its case: servers may treat ``/News`` and ``/news`` apart.
    """
    url = url.strip()
    if base:
        url = urljoin(base, url)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    try:
        port = parts.port
    except ValueError:  # a non-numeric port: keep the text as written
        port = None
    netloc = host
    if parts.username or parts.password:
        userinfo = parts.username or ""
        if parts.password:
            userinfo += f":{parts.password}"
        netloc = f"{userinfo}@{host}"
    if port is not None and _DEFAULT_PORTS.get(scheme) != port:
        netloc += f":{port}"
    path = parts.path or ("/" if host else "")
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)
    ]
    return urlunsplit((scheme, netloc, path, urlencode(sorted(query)), ""))


def text_hash(text: str) -> str | None:
    """SHA-1 of the text's normalised words, or None when the text is too short to identify."""
    words = _WORDS.findall(normalize(text))
    if len(words) < MIN_HASH_WORDS:
        return None
    return hashlib.sha1(" ".join(words).encode("utf-8")).hexdigest()


def identity_keys(url: str, guid: str | None = None, text: str = "", title: str = "") -> list[str]:
    """Every key the article is known by: ``url:…``, ``guid:…``, ``hash:…``.

    ``title`` is accepted for callers that have only a feed item; a title alone is not
    an identity (many items are titled "Live updates"), so it adds no key.
    """
    del title
    keys = [f"url:{canonical_url(url)}"]
    if guid and guid.strip():
        keys.append(f"guid:{guid.strip()}")
    digest = text_hash(text)
    if digest is not None:
        keys.append(f"hash:{digest}")
    return keys
