"""The gazetteer is loaded once per config: the check's copy is the daemon's."""

from __future__ import annotations

from pathlib import Path

from newswatch.app import App
from newswatch.ruleset import load_rules


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
    rules = load_rules(_config(tmp_path, "    query: strike\n    near: {place: Aleppo, km: 50}\n"))
    checked = rules.gazetteer
    assert checked is not None
    # What is built from this rule set (``match --rule``, team rules) loads it no more.
    assert rules.only(rules.config.rules[:1]).gazetteer is checked
    assert rules.plus([]).gazetteer is checked
    app = App(rules)
    try:
        assert app.rules.gazetteer is checked
        assert app.rules.geo is not None
    finally:
        app.close()


def test_rules_without_places_load_no_gazetteer(tmp_path: Path) -> None:
    rules = load_rules(_config(tmp_path, "    query: strike\n"))
    assert rules.gazetteer is None
    assert rules.checked().gazetteer is None
