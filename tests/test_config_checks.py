"""``newswatch check`` catches the misconfigurations that once passed in silence: each
case runs the real CLI on a file, as an operator would."""

from __future__ import annotations

from pathlib import Path

from newswatch.ruleset import parse_rules

from .conftest import run_cli

CHANNEL = 'channels:\n  desk: "json://127.0.0.1:9/x"\n'


def check(tmp_path: Path, text: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    path = tmp_path / "newswatch.yaml"
    path.write_text(text)
    result = run_cli("check", "-c", str(path), env=env)
    return result.returncode, result.stdout + result.stderr


def test_lower_case_operators_warn_with_the_fix(tmp_path: Path) -> None:
    text = CHANNEL + (
        "rules:\n  - name: idlib\n    query: 'idlib and (shelling or airstrike)'\n"
        "    notify: [desk]\n"
    )
    code, out = check(tmp_path, text)
    assert code == 0, out
    assert "1 rule(s), 2 warning(s)" in out
    assert (
        "warning: rules[0].query (idlib): col 7: 'and' is read as a word to find, not as an "
        "operator (operators are upper case): write AND" in out
    )
    assert "col 21: 'or' is read as a word" in out and "write OR" in out
    assert "(line 5)" in out  # the query's line in the file


def test_lower_case_words_inside_phrases_are_not_operators(tmp_path: Path) -> None:
    text = CHANNEL + "rules:\n  - name: r\n    query: '\"war and peace\"'\n    notify: [desk]\n"
    code, out = check(tmp_path, text)
    assert code == 0 and "warning" not in out, out


def test_lower_case_operators_keep_their_meaning() -> None:
    """The warning changes nothing: 'and' is still a word the article must hold."""
    from newswatch.match import compile_query

    plan = repr(compile_query("idlib and shelling", {}))
    assert "'and'" in plan


def test_a_set_but_empty_variable_is_an_error(tmp_path: Path) -> None:
    text = 'channels:\n  mail: "mailto://u:p@127.0.0.1?to=${SMTP_TO}"\n'
    code, out = check(tmp_path, text, env={"SMTP_TO": ""})
    assert code == 2, out
    assert "channels.mail: environment variable ${SMTP_TO} is set but empty" in out
    assert "write ${SMTP_TO:-} if an empty value is meant" in out


def test_shell_defaults_allow_an_explicit_empty_or_default_value() -> None:
    text = 'channels:\n  mail: "json://127.0.0.1:${PORT:-8080}/x${SUFFIX:-}"\n'
    assert parse_rules(text, {"SUFFIX": ""}).config.channels["mail"].urls == [
        "json://127.0.0.1:8080/x"
    ]
    assert parse_rules(text, {"PORT": "9"}).config.channels["mail"].urls == ["json://127.0.0.1:9/x"]


def test_a_duplicate_key_is_an_error_with_both_lines(tmp_path: Path) -> None:
    text = CHANNEL + (
        'rules:\n  - name: r\n    query: x\n    notify: [desk]\n    notify: ["ops"]\n'
    )
    code, out = check(tmp_path, text)
    assert code == 2, out
    assert "rules[0].notify: duplicate key (line 7; first at line 6)" in out


def test_a_rule_without_notify_is_a_warning_that_says_why(tmp_path: Path) -> None:
    code, out = check(tmp_path, CHANNEL + "rules:\n  - name: quiet\n    query: aleppo\n")
    assert code == 0, out
    assert "warning: rules[0].notify (quiet): no notify: list, so this rule alerts nobody" in out
    assert "newswatch match" in out


def test_every_error_of_one_source_shows_with_its_line(tmp_path: Path) -> None:
    text = "sources:\n  - name: Bad Name\n    intervall: 5m\n"
    code, out = check(tmp_path, text)
    assert code == 2, out
    assert "sources[0].name: names are lowercase letters, digits, '-' and '_' (line 2)" in out
    assert "sources[0].intervall: unknown key (did you mean 'interval'?) (line 3)" in out
    assert "sources[0]: a source needs exactly one of feed, page or sitemap (line 2)" in out


def test_unknown_names_get_a_did_you_mean(tmp_path: Path) -> None:
    text = CHANNEL + "rules:\n  - name: r\n    query: x\n    notify: [dsek]\n"
    code, out = check(tmp_path, text)
    assert code == 2, out
    assert "rules[0].notify[0]: unknown channel 'dsek' (did you mean 'desk'?)" in out


def test_the_daemon_logs_the_warnings_at_start(tmp_path: Path) -> None:
    path = tmp_path / "newswatch.yaml"
    path.write_text(
        f"state: {tmp_path / 's.db'}\n" + CHANNEL + "rules:\n  - name: q\n    query: a or b\n"
    )
    result = run_cli("once", "-c", str(path))
    assert "rules[0].notify (q): no notify: list" in result.stderr
    assert "'or' is read as a word" in result.stderr


def test_init_writes_the_starter_config_which_checks_clean(tmp_path: Path) -> None:
    target = tmp_path / "newswatch.yaml"
    result = run_cli("init", str(target))
    assert result.returncode == 0, result.stderr
    assert "newswatch once --baseline" in result.stderr
    check_result = run_cli("check", "-c", str(target))
    assert check_result.returncode == 0 and "warning" not in check_result.stderr
    again = run_cli("init", str(target))
    assert again.returncode == 1 and "exists; not overwritten" in again.stderr


def test_the_starter_is_the_repository_example() -> None:
    from newswatch.commands.init import starter_text

    example = Path(__file__).resolve().parent.parent / "config" / "newswatch.example.yaml"
    assert starter_text() == example.read_text(encoding="utf-8")
