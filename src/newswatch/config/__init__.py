"""Configuration: the typed schema and the YAML file's shape (a leaf: imports no other layer).

The checks that need the layers above (queries, places, templates) are
``newswatch.rulecheck``'s; ``newswatch.ruleset.load_rules`` runs both.
"""

from newswatch.config.durations import format_duration, parse_duration
from newswatch.config.loader import (
    ConfigFile,
    config_secrets,
    default_config_path,
    read_config,
    read_config_text,
)
from newswatch.config.paths import is_database_url, state_location, state_path
from newswatch.config.schema import (
    ChannelConfig,
    Config,
    Defaults,
    RuleConfig,
    SourceConfig,
)

__all__ = [
    "ChannelConfig",
    "Config",
    "ConfigFile",
    "Defaults",
    "RuleConfig",
    "SourceConfig",
    "config_secrets",
    "default_config_path",
    "format_duration",
    "is_database_url",
    "parse_duration",
    "read_config",
    "read_config_text",
    "state_location",
    "state_path",
]
