"""The dashboard over HTTP (no browser): the API's shapes, tokens, sessions, the guard."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from newswatch.demo.server import SampleSite
from tests.conftest import run_cli
from tests.web_helpers import (
    PASSWORDS,
    SECRET,
    Running,
    login_session,
    start_dashboard,
    stop_dashboard,
)

# The module's dashboard starts with four processes (two `user add`, `once`, `web`): on a
# loaded machine that alone can pass the default 120 s, charged to the first test.
pytestmark = pytest.mark.timeout(300)
STORY = "Russian and Syrian warplanes strike villages near Aleppo and Idlib"


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    with SampleSite() as site:
        running = start_dashboard(tmp_path_factory.mktemp("web-api"), site)
        yield running
        stop_dashboard(running)


@pytest.fixture(scope="module")
def token(web: Running) -> str:
    made = run_cli("user", "token", "viewer", "-c", str(web.config))
    assert made.returncode == 0, made.stderr
    return made.stdout.strip()


def _get(web: Running, path: str, token: str | None = None) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(web.base + path, headers=headers, timeout=30, allow_redirects=False)


def test_api_alerts_newest_first_in_the_contracts_shape(web: Running, token: str) -> None:
    answer = _get(web, "/api/alerts?since=7d", token)
    assert answer.status_code == 200
    alerts = answer.json()["alerts"]
    assert [a["rule"] for a in alerts] == ["idlib-civilians", "aleppo-airstrikes"]
    first = alerts[1]
    assert set(first) >= {"id", "rule", "title", "url", "source", "snippet", "published", "story"}
    assert first["title"] == STORY and "**Aleppo**" in first["snippet"]
    assert first["deliveries"] == {"hook": "pending"}
    ids = [a["id"] for a in alerts]
    assert ids == sorted(ids, reverse=True)
    assert _get(web, "/api/alerts?rule=idlib-civilians", token).json()["alerts"][0]["rule"] == (
        "idlib-civilians"
    )
    assert _get(web, "/api/alerts?q=nothing-like-this", token).json() == {"alerts": []}
    assert _get(web, "/api/alerts?q=warplanes&rule=aleppo-airstrikes", token).json()["alerts"]


def test_api_story_and_rules(web: Running, token: str) -> None:
    alert = _get(web, "/api/alerts", token).json()["alerts"][0]
    story = _get(web, f"/api/stories/{alert['story']}", token).json()
    assert story["title"] == STORY
    # The story is in the feed and on the listing page under one URL: one stored article,
    # from whichever source polled it first.
    assert [a["source"] for a in story["articles"]] == [alert["source"]]
    assert _get(web, "/api/stories/999999", token).status_code == 404
    named = {(p["name"], p["country"]) for p in story["places"]}
    assert {("Aleppo", "SY"), ("Idlib", "SY")} <= named
    assert story["follow_ups"] == []  # no rule of this config asks for updates
    page = login_session(web.base, "viewer")[0].get(f"{web.base}/stories/{alert['story']}").text
    assert "<strong>Aleppo</strong> (SY)" in page and "No follow-up" in page
    rules = _get(web, "/api/rules", token).json()["rules"]
    assert [r["name"] for r in rules] == ["aleppo-airstrikes", "idlib-civilians"]
    assert rules[0]["notify"] == ["hook"] and sum(rules[0]["matches_per_day"].values()) == 1


def test_api_backtest_agrees_with_the_command(web: Running, token: str) -> None:
    answer = requests.post(
        web.base + "/api/backtest",
        json={"query": "Aleppo", "since": "7d"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )
    assert answer.status_code == 200, answer.text
    api = [a["url"] for a in answer.json()["articles"]]
    cli = run_cli("backtest", "-c", str(web.config), "--query", "Aleppo", "--since", "7d", "--json")
    assert api == [
        line.split('"url": "', 1)[1].split('"', 1)[0] for line in cli.stdout.splitlines()
    ]
    assert set(answer.json()["articles"][0]) >= {"url", "title", "terms", "snippet", "published"}
    bad = requests.post(
        web.base + "/api/backtest",
        json={"query": "(Aleppo", "since": "7d"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )
    assert bad.status_code == 400 and "col" in bad.json()["error"]


def test_editors_keep_team_rules_and_viewers_cannot(web: Running, token: str) -> None:
    editor = run_cli("user", "token", "editor", "-c", str(web.config)).stdout.strip()
    as_editor = {"Authorization": f"Bearer {editor}"}
    url = web.base + "/api/rules/homs-watch"
    body = {"query": "Homs AND (shelling", "notify": ["hook"]}
    bad = requests.put(url, json=body, headers=as_editor, timeout=30)
    assert bad.status_code == 422
    assert bad.json()["problems"] == ['query: col 10: unbalanced "("']
    body["query"] = "Homs AND shelling"
    refused = requests.put(url, json=body, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert refused.status_code == 403  # a viewer
    assert requests.put(url, json=body, headers=as_editor, timeout=30).status_code == 201
    clash = requests.put(web.base + "/api/rules/idlib-civilians", json=body, headers=as_editor)
    assert clash.status_code == 409  # a rule of the file is read-only here
    origins = {r["name"]: r["origin"] for r in _get(web, "/api/rules", token).json()["rules"]}
    assert origins == {
        "aleppo-airstrikes": "config",
        "idlib-civilians": "config",
        "homs-watch": "team",
    }
    # The same through the form, as an editor's browser sends it.
    session, csrf = login_session(web.base, "editor")
    form = {"csrf_token": csrf, "editing": "", "name": "raqqa", "query": 'Raqqa NEAR/3 "air'}
    page = session.post(web.base + "/rules/save", data=form, timeout=30)
    assert page.status_code == 422 and "query: col 14: unterminated phrase" in page.text
    form.update(query="Raqqa", notify="hook", digest="30m")
    saved = session.post(web.base + "/rules/save", data=form, timeout=30)
    assert saved.status_code == 200 and saved.url.endswith("/rules#rule-raqqa")
    assert "team rule, by editor" in saved.text
    exported = run_cli("rules", "export", "-c", str(web.config))
    assert exported.returncode == 0 and "name: raqqa" in exported.stdout
    assert "digest: 30m" in exported.stdout and "name: homs-watch" in exported.stdout
    for name in ("homs-watch", "raqqa"):
        gone = requests.delete(web.base + f"/api/rules/{name}", headers=as_editor, timeout=30)
        assert gone.status_code == 200
    assert len(_get(web, "/api/rules", token).json()["rules"]) == 2


def test_sources_pause_and_resume_and_silences_as_the_cli_sees_them(web: Running) -> None:
    editor, csrf = login_session(web.base, "editor")
    viewer, viewer_csrf = login_session(web.base, "viewer")
    page = editor.get(web.base + "/sources", timeout=30).text
    assert 'id="source-levant-feed"' in page and SECRET not in page
    paused = viewer.post(web.base + "/sources/levant-feed/pause", data={"csrf_token": viewer_csrf})
    assert paused.status_code == 403
    paused = editor.post(web.base + "/sources/levant-feed/pause", data={"csrf_token": csrf})
    assert paused.status_code == 200 and "paused</strong> by editor" in paused.text
    status = run_cli("status", "--json", "-c", str(web.config)).stdout
    assert '"health": "paused"' in status
    resumed = editor.post(web.base + "/sources/levant-feed/resume", data={"csrf_token": csrf})
    assert resumed.status_code == 200 and "paused</strong>" not in resumed.text
    assert '"health": "paused"' not in run_cli("status", "--json", "-c", str(web.config)).stdout
    # Silences: the CLI's rules (a known rule, a duration with its unit), the CLI's list.
    form = {"csrf_token": csrf, "rule": "idlib-civilians", "duration": "4", "comment": "drill"}
    refused = editor.post(web.base + "/silences", data=form, timeout=30)
    assert refused.status_code == 422 and "for: " in refused.text
    refused = editor.post(web.base + "/silences", data={**form, "rule": "nope", "duration": "4h"})
    assert refused.status_code == 422 and "unknown rule" in refused.text
    made = editor.post(web.base + "/silences", data={**form, "duration": "4h"}, timeout=30)
    assert made.status_code == 200 and "drill (by editor)" in made.text
    listed = run_cli("silence", "--list", "-c", str(web.config)).stdout
    assert "idlib-civilians" in listed and "drill (by editor)" in listed
    silence_id = listed.split()[0]
    expired = editor.post(web.base + f"/silences/{silence_id}/expire", data={"csrf_token": csrf})
    assert expired.status_code == 200 and "No active silences" in expired.text
    assert run_cli("silence", "--list", "-c", str(web.config)).stdout.strip() == (
        "no active silences"
    )


def test_anonymous_and_bad_tokens_get_nothing(web: Running) -> None:
    pages = ("/", "/rules", "/tester", "/sources", "/silences", "/stories/1", "/alerts.csv")
    for path in (*pages, "/alerts/live"):
        answer = _get(web, path)
        assert answer.status_code in (303, 401), path
        assert STORY not in answer.text
    for path in ("/api/alerts", "/api/rules", "/api/stories/1"):
        assert _get(web, path).status_code == 401
        assert _get(web, path, "not-a-token").status_code == 401
    assert (
        requests.post(web.base + "/api/backtest", json={"query": "x"}, timeout=10).status_code
        == 401
    )


def test_secrets_never_reach_a_page_or_an_answer(web: Running, token: str) -> None:
    session, _csrf = login_session(web.base, "editor")
    pages = [
        session.get(web.base + p, timeout=30).text for p in ("/", "/rules", "/tester?query=Aleppo")
    ]
    api = [_get(web, p, token).text for p in ("/api/alerts", "/api/rules")]
    for body in pages + api:
        assert SECRET not in body and "json://" not in body


def test_session_cookie_flags_and_security_headers(web: Running) -> None:
    session = requests.Session()
    form = session.get(web.base + "/login", timeout=10)
    assert "script-src 'self'" in form.headers["content-security-policy"]
    assert "unsafe-inline" not in form.headers["content-security-policy"]
    assert form.headers["x-frame-options"] == "DENY"
    token = form.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    answer = session.post(
        web.base + "/login",
        data={"name": "viewer", "password": PASSWORDS["viewer"], "csrf_token": token},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 303
    cookie = answer.headers["set-cookie"]
    assert "nw_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    # The login form itself is protected: no token, no login, even with the right password.
    forged = requests.post(
        web.base + "/login",
        data={"name": "viewer", "password": PASSWORDS["viewer"]},
        allow_redirects=False,
        timeout=10,
    )
    assert forged.status_code == 403 and "nw_session" not in forged.headers.get("set-cookie", "")


def test_failed_logins_are_rate_limited(web: Running) -> None:
    session = requests.Session()
    statuses = []
    for _ in range(7):
        form = session.get(web.base + "/login", timeout=10).text
        token = form.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        statuses.append(
            session.post(
                web.base + "/login",
                data={"name": "ghost", "password": "wrong-password", "csrf_token": token},
                timeout=30,
            ).status_code
        )
    assert statuses[:5] == [401] * 5 and statuses[5:] == [429, 429]


def test_user_commands(web: Running) -> None:
    config = str(web.config)
    listed = run_cli("user", "list", "-c", config)
    assert listed.returncode == 0 and "editor" in listed.stdout and "viewer" in listed.stdout
    dup = run_cli(
        "user",
        "add",
        "viewer",
        "--role",
        "viewer",
        "--password-stdin",
        "-c",
        config,
        stdin="long-enough-1\n",
    )
    assert dup.returncode == 1 and "exists" in dup.stderr
    short = run_cli(
        "user", "add", "x", "--role", "viewer", "--password-stdin", "-c", config, stdin="short\n"
    )
    assert short.returncode == 1 and "at least" in short.stderr
    made = run_cli(
        "user",
        "add",
        "temp",
        "--role",
        "viewer",
        "--password-stdin",
        "-c",
        config,
        stdin="temp-password-1\n",
    )
    assert made.returncode == 0
    token = run_cli("user", "token", "temp", "-c", config).stdout.strip()
    assert len(token) >= 40 and _get(web, "/api/rules", token).status_code == 200
    assert run_cli("user", "remove", "temp", "-c", config).returncode == 0
    assert _get(web, "/api/rules", token).status_code == 401  # its tokens went with it
    assert run_cli("user", "remove", "temp", "-c", config).returncode == 1


def test_the_dashboard_listens_on_loopback_by_default(tmp_path: Path) -> None:
    from newswatch.ruleset import parse_rules

    config = parse_rules("web: {}\n", {}, path="<test>").config
    assert config.web is not None and config.web.listen.startswith("127.0.0.1:")


def test_run_serves_the_dashboard_when_the_config_has_web(tmp_path: Path) -> None:
    from tests.daemons import DASHBOARD_LINE, daemon, logged_port

    config = tmp_path / "newswatch.yaml"
    config.write_text(f"state: {tmp_path / 'state.db'}\nweb:\n  listen: 127.0.0.1:0\n")
    log = tmp_path / "daemon.log"
    with daemon(config, log) as proc:
        port = logged_port(log.read_text, DASHBOARD_LINE)
        answer = requests.get(f"http://127.0.0.1:{port}/", allow_redirects=False, timeout=10)
        assert answer.status_code == 303  # to the login page
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0, log.read_text()


def test_a_busy_dashboard_port_is_one_line_and_an_exit_status_systemd_does_not_restart(
    tmp_path: Path,
) -> None:
    import socket

    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        config = tmp_path / "newswatch.yaml"
        config.write_text(f"state: {tmp_path / 'state.db'}\nweb:\n  listen: 127.0.0.1:{port}\n")
        for command in ("web", "run"):
            result = run_cli(command, "-c", str(config), timeout=60)
            assert result.returncode == 78, (command, result.stderr)
            assert (
                f"newswatch: web: cannot listen on 127.0.0.1:{port}: Address already in use "
                "(another process uses this port: stop it or change web.listen)" in result.stderr
            ), result.stderr
            assert "Traceback" not in result.stderr
