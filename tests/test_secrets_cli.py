"""Commands print no secret: ``notify-test`` failures and config errors (issue 15, 11-12)."""

from __future__ import annotations

from pathlib import Path

from .conftest import run_cli

HOOK = "hookS3cretToken99"
FEED = "ftp://feedSecretToken123"


def test_notify_test_failure_masks_the_channel_token(tmp_path: Path) -> None:
    config = tmp_path / "newswatch.yaml"
    config.write_text(
        f"state: {tmp_path / 's.db'}\nchannels:\n  hook: 'json://127.0.0.1:9/hooks/${{HOOK}}'\n"
    )
    result = run_cli("notify-test", "-v", "-c", str(config), "hook", env={"HOOK": HOOK})
    assert result.returncode == 1
    assert "hooks/***" in result.stderr  # still says which URL failed
    assert HOOK not in result.stdout + result.stderr


def test_config_errors_do_not_print_environment_values(tmp_path: Path) -> None:
    config = tmp_path / "newswatch.yaml"
    config.write_text(
        f"state: {tmp_path / 's.db'}\n"
        "sources:\n  - name: wire\n    feed: '${FEED_URL}'\n"
        "channels:\n  hook: '${HOOK}'\n"
    )
    env = {"FEED_URL": FEED, "HOOK": HOOK}
    for command in ("check", "once"):
        result = run_cli(command, "-c", str(config), env=env)
        assert result.returncode == 2, result.stderr
        shown = result.stdout + result.stderr
        assert "sources[0].feed" in shown
        assert FEED not in shown and HOOK not in shown, shown
