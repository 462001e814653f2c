"""Sources: where entries come from. ``KINDS`` maps the config word to its parser."""

from newswatch.sources.base import KINDS, Discovery, SourceKind, discover, kind_of
from newswatch.sources.common import Parsed

__all__ = ["KINDS", "Discovery", "Parsed", "SourceKind", "discover", "kind_of"]
