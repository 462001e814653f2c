"""Sources: where entries come from. ``KINDS`` maps the config word to its parser."""

from newswatch.sources.base import KINDS, Discovery, SourceKind, discover, kind_of
from newswatch.sources.common import Parsed, article_from_entry, with_entry_metadata

__all__ = [
    "KINDS",
    "Discovery",
    "Parsed",
    "SourceKind",
    "article_from_entry",
    "discover",
    "kind_of",
    "with_entry_metadata",
]
