"""Configuration: the typed schema and the YAML loader."""

from newswatch.config.durations import format_duration, parse_duration
from newswatch.config.loader import config_secrets, default_config_path, load_config, parse_config
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
    "Defaults",
    "RuleConfig",
    "SourceConfig",
    "config_secrets",
    "default_config_path",
    "format_duration",
    "is_database_url",
    "load_config",
    "parse_config",
    "parse_duration",
    "state_location",
    "state_path",
]
