"""Messages that say what to do: an SMTP failure names its cause, a unitless silence is
refused, and a silence id is never given twice. Through the real CLI, in a subprocess."""

from __future__ import annotations

from pathlib import Path

from .conftest import SMTPInbox, run_cli

RULES = "rules:\n  - name: aleppo\n    query: aleppo\n    notify: [mail]\n"


def smtp_config(tmp_path: Path, smtp: SMTPInbox) -> Path:
    # user:password in the URL makes apprise log in; this server offers no AUTH.
    url = smtp.url().replace("mailto://", "mailto://alerts:hunter2-secret@")
    path = tmp_path / "newswatch.yaml"
    path.write_text(f'state: {tmp_path / "state.db"}\nchannels:\n  mail: "{url}"\n{RULES}')
    return path


def test_notify_test_names_the_smtp_cause(tmp_path: Path, smtp: SMTPInbox) -> None:
    result = run_cli("notify-test", "-c", str(smtp_config(tmp_path, smtp)), "mail")
    assert result.returncode == 1
    assert "test alert to channel mail failed: mailto://alerts:****@127.0.0.1" in result.stderr
    assert "Connection error while submitting email" in result.stderr
    assert "SMTP AUTH extension not supported by server" in result.stderr
    assert "add -v" in result.stderr
    assert "hunter2-secret" not in result.stderr


def test_notify_test_verbose_shows_apprise_account(tmp_path: Path, smtp: SMTPInbox) -> None:
    result = run_cli("notify-test", "-v", "-c", str(smtp_config(tmp_path, smtp)), "mail")
    assert result.returncode == 1
    assert "apprise: DEBUG Applying user credentials" in result.stderr
    assert "hunter2-secret" not in result.stderr


def test_status_shows_the_smtp_cause_of_a_pending_alert(tmp_path: Path, smtp: SMTPInbox) -> None:
    from datetime import UTC, datetime

    from newswatch.config import state_path
    from newswatch.model import AlertMessage, Snippet
    from newswatch.notify import DeliveryWorker, enqueue_alerts
    from newswatch.ruleset import load_rules
    from newswatch.store import Store

    config_path = smtp_config(tmp_path, smtp)
    config = load_rules(config_path).config
    store = Store(state_path(config))
    now = datetime.now(UTC)
    message = AlertMessage(
        rule="aleppo", title="Strikes near Aleppo", url="https://example.org/a", source="s",
        published=now, snippet=Snippet("Strikes near Aleppo", ()), terms=("aleppo",),
    )  # fmt: skip
    with store.unit() as tx:
        enqueue_alerts(tx.outbox, config.rules[0], message, now, cluster_id=None, match_id=None)
    DeliveryWorker(store, config, __import__("newswatch.clock").clock.SystemClock()).deliver_due()
    store.close()
    out = run_cli("status", "-c", str(config_path)).stdout
    lines = out.splitlines()
    section = lines[next(i for i, line in enumerate(lines) if line.startswith("PENDING")) :]
    pending = next(line for line in section if line.startswith("#1 "))
    assert "Connection error while submitting email" in pending  # the cause, not the URL
    assert (
        "SMTP AUTH extension not supported"
        in run_cli("status", "--json", "-c", str(config_path)).stdout
    )


def test_a_unitless_silence_is_refused_with_the_fix(tmp_path: Path, smtp: SMTPInbox) -> None:
    config = str(smtp_config(tmp_path, smtp))
    result = run_cli("silence", "-c", config, "aleppo", "--for", "2")
    assert result.returncode == 1
    assert "--for: '2' has no unit: write 2m, 2h or 2d (s for seconds)" in result.stderr


def test_silence_ids_are_never_reused(tmp_path: Path, smtp: SMTPInbox) -> None:
    config = str(smtp_config(tmp_path, smtp))
    assert "silence 1:" in run_cli("silence", "-c", config, "aleppo", "--for", "4h").stdout
    assert run_cli("silence", "-c", config, "--remove", "1").returncode == 0
    assert "silence 2:" in run_cli("silence", "-c", config, "aleppo", "--for", "1h").stdout
