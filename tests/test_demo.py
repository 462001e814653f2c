"""`newswatch demo`, as the README's quick start tells a new user to run it."""

from __future__ import annotations

from tests.conftest import run_cli

STORY = "Russian and Syrian warplanes strike villages near Aleppo and Idlib"


def test_demo_alerts_once_per_matching_rule_and_never_for_the_football_story() -> None:
    result = run_cli("demo")

    assert result.returncode == 0, result.stderr
    out = result.stdout  # the alerts (console://); the log and the summary are on stderr
    assert "Demo done: 2 sources, 4 new articles, 2 alert(s) delivered, 0 failed." in result.stderr
    # The story is in the feed and on the listing page: one alert per rule, not per copy,
    # and both rules' alerts in one message naming each rule with its terms.
    assert out.count(f"**{STORY}**") == 1
    assert "── aleppo-airstrikes (Aleppo, " in out and ", idlib-civilians (Idlib" in out
    assert "**Aleppo**" in out  # the snippet marks the terms
    assert "football" not in out.lower()
