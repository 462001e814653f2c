"""The gazetteer is loaded once per config: the check's copy is the daemon's."""

from __future__ import annotations

from pathlib import Path

from newswatch.app import App
from newswatch.config import load_config
from newswatch.config.loader import checked_gazetteer
from newswatch.ruleset import prepare


def _config(tmp_path: Path, rule: str) -> Path:
    path = tmp_path / "newswatch.yaml"
    path.write_text(
        f"state: {tmp_path / 'state.db'}\n"
        "sources:\n  - name: s\n    feed: http://127.0.0.1:1/feed.xml\n"
        f"rules:\n  - name: r\n{rule}",
        encoding="utf-8",
    )
    return path


def test_the_app_uses_the_gazetteer_the_config_check_loaded(tmp_path: Path) -> None:
    config = load_config(
        _config(tmp_path, "    query: strike\n    near: {place: Aleppo, km: 50}\n")
    )
    checked = checked_gazetteer(config)
    assert checked is not None
    app = App(prepare(config))
    try:
        assert app.rules.gazetteer is checked
        assert app.rules.geo is not None
    finally:
        app.close()


def test_rules_without_places_load_no_gazetteer(tmp_path: Path) -> None:
    config = load_config(_config(tmp_path, "    query: strike\n"))
    assert checked_gazetteer(config) is None
    assert prepare(config).gazetteer is None
