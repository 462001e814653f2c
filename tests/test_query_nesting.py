"""Deeply nested queries are query errors (exit 2), not a traceback (issue 15, item 15)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newswatch.errors import QueryError
from newswatch.match import Matcher
from newswatch.match.parser import MAX_NESTING, parse
from newswatch.model import Article

from .conftest import run_cli

HOSTILE = {
    "parentheses": "(" * 3000 + "aleppo" + ")" * 3000,
    "nots": "NOT " * 5000 + "aleppo",
    "minuses": "-" * 5000 + "aleppo",
    "nears": " NEAR/3 ".join(["aleppo"] * 2000),
}


@pytest.mark.parametrize("query", HOSTILE.values(), ids=HOSTILE.keys())
def test_nesting_beyond_the_limit_is_a_query_error(query: str) -> None:
    with pytest.raises(QueryError, match="nested more than"):
        parse(query, {}, None)


def test_nesting_at_the_limit_parses_and_matches() -> None:
    from newswatch.config.schema import RuleConfig

    query = "(" * (MAX_NESTING - 1) + "NOT football" + ")" * (MAX_NESTING - 1) + " aleppo"
    matcher = Matcher([RuleConfig(name="deep", query=query)], {})
    article = Article(url="http://x/a", canonical_url="http://x/a", title="Aleppo", text="")
    assert [m.rule for m in matcher.match(article)] == ["deep"]


def test_a_long_flat_list_of_exclusions_is_not_nesting() -> None:
    parse(" ".join(f"-word{i}" for i in range(500)) + " aleppo", {}, None)


def test_cli_reports_a_deep_query_as_a_query_error(tmp_path: Path) -> None:
    result = run_cli("match", "--query", HOSTILE["nots"], "-", stdin='{"title": "aleppo"}\n')
    assert result.returncode == 2, result.stderr
    assert "nested more than" in result.stderr
    assert "Traceback" not in result.stderr
    config = tmp_path / "newswatch.yaml"
    rule = f"  - name: deep\n    query: '{HOSTILE['parentheses']}'\n"
    config.write_text(f"state: {tmp_path / 's.db'}\nrules:\n{rule}")
    checked = run_cli("check", "-c", str(config))
    assert checked.returncode == 2, checked.stderr
    assert "nested more than" in checked.stdout + checked.stderr
    assert "Traceback" not in checked.stdout + checked.stderr
