"""Dedup: article identity (canonical URL, GUID, content hash) and story clusters.

``identity_keys`` tells the pipeline whether an article was seen before; ``StoryIndex``
groups near-duplicate articles from different sources into one story, so that a rule
alerts once per story.
"""

from newswatch.dedup.digest import article_keys, text_digest
from newswatch.dedup.stories import StoryDecision, StoryIndex
from newswatch.dedup.updates import substantive_change
from newswatch.dedup.urls import canonical_url, identity_keys, text_hash

__all__ = [
    "StoryDecision",
    "StoryIndex",
    "article_keys",
    "canonical_url",
    "identity_keys",
    "substantive_change",
    "text_digest",
    "text_hash",
]
