"""docs/configuration.md is generated from the schema; a change to the schema that does
not regenerate it fails here, so the reference cannot drift from what ``check`` accepts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from newswatch.config import schema

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "gen_config_reference.py"


def test_the_configuration_reference_is_current() -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


def test_every_key_of_the_schema_is_in_the_reference() -> None:
    text = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    for model in (schema.Config, schema.SourceConfig, schema.ChannelConfig, schema.RuleConfig):
        for name in model.model_fields:
            assert f"| `{name}` |" in text, name
    # once undocumented, and a key docs named that check rejects
    for key in ("fetch_articles", "max_items", "enabled", "format", "first_poll"):
        assert f"| `{key}` |" in text
    assert "per_origin_delay" not in text
