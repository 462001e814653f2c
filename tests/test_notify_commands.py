"""``newswatch notify-test`` and ``newswatch silence`` through the real CLI entry point."""

from __future__ import annotations

from pathlib import Path

import pytest

from newswatch.cli import main
from tests.receivers import http_receiver


def write_config(tmp_path: Path, channels: str) -> Path:
    path = tmp_path / "newswatch.yaml"
    path.write_text(
        f"state: {tmp_path / 'state.db'}\n"
        f"channels:\n{channels}\n"
        "rules:\n"
        "  - name: aleppo-airstrikes\n"
        "    query: aleppo\n"
        "    notify: [console]\n",
        encoding="utf-8",
    )
    return path


def test_notify_test_prints_through_console(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, '  console: "console://"')
    assert main(["notify-test", "-c", str(config), "console"]) == 0
    out = capsys.readouterr().out
    assert "newswatch test alert" in out and "**Aleppo**" in out


def test_notify_test_reports_a_failing_channel(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with http_receiver(lambda n, r: (500, b"no", {})) as rx:
        port = rx.url.rsplit(":", 1)[1]
        channels = f'  console: "console://"\n  hook: "json://127.0.0.1:{port}/x"'
        config = write_config(tmp_path, channels)
        assert main(["notify-test", "-c", str(config), "hook"]) == 1
    assert len(rx.requests) == 1


def test_notify_test_names_the_valid_channels(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, '  console: "console://"')
    assert main(["notify-test", "-c", str(config), "nope"]) == 1
    assert "channels in the config: console" in capsys.readouterr().err


def test_silence_add_list_remove(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = str(write_config(tmp_path, '  console: "console://"'))
    assert main(["silence", "-c", config, "aleppo-airstrikes", "--for", "4h"]) == 0
    assert "silence 1: aleppo-airstrikes muted until" in capsys.readouterr().out
    assert main(["silence", "-c", config, "--list"]) == 0
    assert "aleppo-airstrikes" in capsys.readouterr().out
    assert main(["silence", "-c", config, "--remove", "1"]) == 0
    assert main(["silence", "-c", config, "--list"]) == 0
    assert "no active silences" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["no-such-rule", "--for", "4h"], "unknown rule 'no-such-rule'"),
        (["aleppo-airstrikes", "--for", "soon"], "--for:"),
        (["aleppo-airstrikes"], "give RULE and --for DURATION"),
        (["--remove", "42"], "no silence with id 42"),
    ],
)
def test_silence_mistakes_exit_1_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    config = str(write_config(tmp_path, '  console: "console://"'))
    assert main(["silence", "-c", config, *argv]) == 1
    assert message in capsys.readouterr().err


def test_the_config_example_in_docs_notify_loads(tmp_path: Path) -> None:
    from newswatch.ruleset import parse_rules

    doc = (Path(__file__).resolve().parent.parent / "docs" / "notify.md").read_text("utf-8")
    example = doc.split("```yaml\n", 1)[1].split("```", 1)[0]
    # `check` opens template files, so the example's one must exist.
    template = tmp_path / "slack.j2"
    template.write_text("{{ alerts[0].title }}")
    example = example.replace("/etc/newswatch/slack.j2", str(template))
    env = {
        k: "x" * 20 for k in ("SMTP_PASSWORD", "SLACK_TOKEN_A", "SLACK_TOKEN_B", "SLACK_TOKEN_C")
    }
    env |= {"TELEGRAM_BOT_TOKEN": "123456789:abcdefghijklmnopqrstu", "TELEGRAM_CHAT_ID": "-100"}
    config = parse_rules(example, env).config
    assert config.channels["desk-slack"].quiet_hours is not None
    assert [r.digest is not None for r in config.rules] == [False, True]
