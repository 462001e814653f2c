"""Team rules: checked as `check` checks the file, in force without a restart (also in
another process), left out (not blocking) when the config drops what they name, and
exported as YAML that `check` accepts."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from newswatch.app import App
from newswatch.clock import FakeClock
from newswatch.demo.server import SampleSite
from newswatch.ruleset import load_rules
from newswatch.store import Store
from newswatch.store.dashboard import AlertFilter, DashboardRepo
from newswatch.store.team_rules import TeamRuleRepo
from newswatch.teamrules import LiveRules, TeamRuleError
from tests.conftest import article, run_cli

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
CONFIG = """state: {state}
sources:
  - name: wire
    feed: {base}/feed.xml
channels:
  desk: "json://127.0.0.1:9/never-sent"
  field: "json://127.0.0.1:9/never-sent"
terms:
  city: [Aleppo, Halab]
rules:
  - name: aleppo
    query: 'Aleppo AND airstrike*'
    notify: [desk]
"""


def _config(tmp: Path, base: str = "http://127.0.0.1:9", drop_field: bool = False) -> Path:
    text = CONFIG.format(state=tmp / "state.db", base=base)
    if drop_field:
        text = text.replace('  field: "json://127.0.0.1:9/never-sent"\n', "")
    path = tmp / "newswatch.yaml"
    path.write_text(text)
    return path


def _live(path: Path) -> tuple[LiveRules, Store]:
    rules = load_rules(path)
    store = Store(rules.config.state or "")
    return LiveRules(TeamRuleRepo(store.db), rules), store


def _entry(body: dict[str, object]) -> str:
    """``body`` as an entry of the config's ``rules:`` list."""
    dumped = yaml.safe_dump([body], allow_unicode=True, sort_keys=False)
    return "".join(f"  {line}\n" for line in dumped.splitlines())


# Bodies `check` refuses, each with what it says (after the rule's key path).
REFUSED = [
    ({"name": "t", "query": "Idlib AND (shelling"}, 'query: col 11: unbalanced "("'),
    ({"name": "t", "query": "Idlib", "notify": ["feild"]}, "notify[0]: unknown channel 'feild'"),
    ({"name": "t", "query": "Idlib", "sources": ["wires"]}, "sources[0]: unknown source 'wires'"),
    ({"name": "Bad Name", "query": "Idlib"}, "name: names are lowercase letters"),
    ({"name": "t", "query": "Idlib", "digest": "half an hour"}, "digest:"),
    ({"name": "t", "query": "@town AND Idlib"}, "query: col 1:"),
    ({"name": "t", "query": "Idlib", "colour": "red"}, "colour: unknown key"),
    ({"name": "t"}, "query: required key is missing"),
]


@pytest.mark.parametrize(("body", "said"), REFUSED)
def test_a_team_rule_is_refused_with_the_words_check_uses(
    tmp_path: Path, body: dict[str, object], said: str
) -> None:
    live, store = _live(_config(tmp_path))
    with pytest.raises(TeamRuleError) as refused:
        live.save(body, "amira", NOW)
    store.close()
    problems = refused.value.problems
    assert any(p.startswith(said) for p in problems), problems
    # `check` on a file holding the same rule prints the same problems under rules[1].
    path = tmp_path / "with-rule.yaml"
    text = (tmp_path / "newswatch.yaml").read_text()
    path.write_text(text + _entry(body))
    checked = run_cli("check", "-c", str(path))
    assert checked.returncode == 2
    for problem in problems:
        assert f"rules[1].{problem}" in checked.stderr, (problem, checked.stderr)
    assert TeamRuleRepo(Store(tmp_path / "state.db").db).all() == []  # nothing was stored


def test_a_name_of_the_config_or_of_another_team_rule_is_taken(tmp_path: Path) -> None:
    live, store = _live(_config(tmp_path))
    with pytest.raises(TeamRuleError, match=r"name: duplicate name 'aleppo' \(also rules\[0\]"):
        live.save({"name": "aleppo", "query": "Idlib"}, "amira", NOW)
    live.save({"name": "idlib", "query": "Idlib"}, "amira", NOW)
    with pytest.raises(TeamRuleError, match="also a team rule"):
        live.save({"name": "idlib", "query": "Homs"}, "omar", NOW)
    # Editing it under its own name (or renaming it) is not a clash.
    live.save({"name": "idlib-city", "query": "Idlib city"}, "omar", NOW, editing="idlib")
    assert [r.name for r in live.team] == ["idlib-city"]
    assert live.team[0].created_by == "amira" and live.team[0].updated_by == "omar"
    store.close()


def test_a_saved_team_rule_alerts_in_a_running_app_of_another_process(tmp_path: Path) -> None:
    with SampleSite([]) as site:
        path = _config(tmp_path, site.base_url)
        rules = load_rules(path)
        config = rules.config
        app = App(
            rules,
            clock=FakeClock(datetime.now(UTC)),
            store=Store(path.parent / "state.db"),
        )
        try:
            # The dashboard's process: its own connection to the same state file.
            web, web_store = _live(path)
            web.save(
                {"name": "idlib", "query": "Idlib NEAR/5 shell*", "notify": ["field"]}, "amira", NOW
            )
            web_store.close()
            assert "idlib" not in app.rules.by_name  # not yet noticed...
            assert app.refresh_team_rules()  # ...until the daemon's next heartbeat
            assert not app.refresh_team_rules()  # nothing new the second time
            assert app.rules.by_name["idlib"].notify == ["field"]
            assert [r.name for r in app.rules.config.rules] == ["aleppo", "idlib"]
            site.publish(article("idlib", "Shelling in Idlib", "<p>Idlib was shelled at dawn.</p>"))
            assert app.poll(config.sources[0]).ok
            alerts = DashboardRepo(app.store.db).alerts(AlertFilter(rule="idlib"))
            assert [a.title for a in alerts] == ["Shelling in Idlib"]
            assert app.store.outbox.counts().get("pending") == 1  # to `field`
        finally:
            app.close()


def test_a_team_rule_the_config_no_longer_accepts_does_not_block_a_reload(tmp_path: Path) -> None:
    path = _config(tmp_path)
    live, store = _live(path)
    live.save({"name": "field-watch", "query": "Homs", "notify": ["field"]}, "amira", NOW)
    assert "field-watch" in live.current.by_name
    live.use_file(load_rules(_config(tmp_path, drop_field=True)))  # SIGHUP
    assert "field-watch" not in live.current.by_name
    assert "aleppo" in live.current.by_name
    assert live.refused == {"field-watch": ["notify[0]: unknown channel 'field' (channels: desk)"]}
    live.use_file(load_rules(_config(tmp_path)))  # the channel is back
    assert "field-watch" in live.current.by_name and not live.refused
    store.close()


def test_rules_export_pasted_into_the_config_passes_check(tmp_path: Path) -> None:
    path = _config(tmp_path)
    assert run_cli("rules", "export", "-c", str(path)).stdout.endswith("rules: []\n")
    live, store = _live(path)
    saved = [
        {"name": "idlib", "query": "Idlib NEAR/15 (civilian* OR casualt*)", "notify": ["field"]},
        {
            "name": "city-digest",
            "query": '@city AND ("air strike*" OR قصف)',
            "notify": ["desk", "field"],
            "sources": ["wire"],
            "digest": "30m",
            "priority": "urgent",
            "lang": "ar",
        },
    ]
    for body in saved:
        live.save(body, "amira", NOW)
    store.close()
    exported = run_cli("rules", "export", "-c", str(path))
    assert exported.returncode == 0, exported.stderr
    assert yaml.safe_load(exported.stdout) == {"rules": saved}
    # The other commands that take a rule's name know team rules too.
    assert run_cli("silence", "idlib", "--for", "1h", "-c", str(path)).returncode == 0
    tried = run_cli("backtest", "--rule", "city-digest", "--since", "1d", "-c", str(path))
    assert tried.returncode == 1, tried.stderr  # a known rule, nothing stored to match
    assert "قصف" in exported.stdout  # written as the editor typed it, not \u escapes
    entries = exported.stdout.split("rules:\n", 1)[1]
    merged = tmp_path / "merged.yaml"
    merged.write_text(path.read_text() + "".join(f"  {line}\n" for line in entries.splitlines()))
    checked = run_cli("check", "-c", str(merged))
    assert checked.returncode == 0, checked.stderr
    assert "3 rule(s)" in checked.stdout
