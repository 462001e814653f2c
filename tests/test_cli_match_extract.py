"""``newswatch extract`` and ``newswatch match`` as a user runs them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newswatch.demo.server import SampleSite, bundled_articles

from .conftest import run_cli

ALEPPO = {
    "url": "https://news.example.org/a",
    "title": "Airstrikes hit villages west of Aleppo",
    "text": "Warplanes carried out airstrikes on villages west of Aleppo on Thursday, "
    "killing at least nine civilians, rescuers said.",
}
PARIS = {
    "url": "https://news.example.org/b",
    "title": "Airstrike drill over Paris",
    "text": "The air force rehearsed an airstrike response over Paris on Thursday.",
}


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    path = tmp_path / "articles.jsonl"
    path.write_text("\n".join(json.dumps(a) for a in (ALEPPO, PARIS)) + "\n")
    return path


@pytest.mark.parametrize(
    ("query", "status"),
    [("Aleppo AND airstrike*", 0), ("Damascus", 1), ("(Aleppo OR Halab", 2)],
)
def test_match_exit_status(articles: Path, query: str, status: int) -> None:
    result = run_cli("match", "--query", query, str(articles))
    assert result.returncode == status, result.stderr
    if status == 2:
        assert "col 1: unbalanced" in result.stderr


def test_match_json_explains_terms_snippet_and_place(articles: Path, tmp_path: Path) -> None:
    config = tmp_path / "newswatch.yaml"
    config.write_text(
        "rules:\n"
        "  - name: near-office\n"
        "    query: 'airstrike*'\n"
        "    near: {place: Gaziantep, km: 150}\n"
    )
    result = run_cli("match", "-c", str(config), "--json", str(articles))
    assert result.returncode == 0, result.stderr
    aleppo, paris = (json.loads(line) for line in result.stdout.splitlines())
    [match] = aleppo["matches"]
    assert match["rule"] == "near-office" and match["terms"] == ["airstrike*"]
    assert "**airstrikes**" in match["snippet"]
    assert any("Aleppo" in d and "km from Gaziantep" in d for d in match["details"])
    assert paris["matches"] == []
    assert paris["not_near"][0]["rule"] == "near-office"


def test_extract_json_for_files_with_their_urls(tmp_path: Path) -> None:
    site = SampleSite()
    first, second = bundled_articles(datetime.now(UTC))[:2]
    files = []
    with site:
        for a in (first, second):
            path = tmp_path / f"{a.slug}.html"
            path.write_text(site._page(a))
            files.append(path)
    empty = tmp_path / "empty.html"
    empty.write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    result = run_cli(
        "extract", "--json", str(files[0]), str(files[1]), str(empty),
        "--url", "https://levant.example/a", "--url", "https://levant.example/b",
        "--url", "https://levant.example/empty",
    )  # fmt: skip
    assert result.returncode == 1  # nothing extracted from the empty page
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["title"] for r in rows[:2]] == [first.title, second.title]
    assert rows[0]["url"] == "https://levant.example/a"
    assert rows[0]["authors"] == [first.author] and rows[0]["language"] == "en"
    assert rows[0]["published"] is not None
    assert not rows[0]["text"].startswith("By ")
    assert {p["name"] for p in rows[0]["places"]} >= {"Aleppo", "Idlib"}
    assert rows[2]["text"] == ""
    piped = run_cli("match", "--query", "warplane* AND Aleppo", "-", stdin=result.stdout)
    assert piped.returncode == 0, piped.stderr
    assert "Russian and Syrian warplanes" in piped.stdout


def test_match_finds_inflected_forms_names_them_and_explains_the_analyser(tmp_path: Path) -> None:
    path = tmp_path / "uk.jsonl"
    kharkiv = {
        "url": "https://news.example.org/uk",
        "title": "",
        "text": "Вночі у Харкові пролунали вибухи.",
        "language": "uk",
    }
    path.write_text(json.dumps(kharkiv, ensure_ascii=False) + "\n")
    result = run_cli("match", "--explain", "--query", "Харків AND вибух", str(path))
    assert result.returncode == 0, result.stderr
    assert "language: uk — uk by pymorphy3 uk" in result.stdout
    assert 'text: "Харкові" (Харків)' in result.stdout
    assert 'text: "вибухи" (вибух)' in result.stdout
    exact = run_cli("match", "--query", "=Харків", str(path))
    assert exact.returncode == 1, exact.stdout  # the exact form alone is not in the text
    del kharkiv["language"]
    path.write_text(json.dumps(kharkiv, ensure_ascii=False) + "\n")
    union = run_cli("match", "--explain", "--json", "--query", "Харків", str(path))
    assert json.loads(union.stdout)["analysers"].startswith("unknown, so read in every language")
