"""The dashboard in a real browser: Debian's chromium driven by Playwright.

One browser and one dashboard (``newswatch web`` over a state file filled by polling the
sample site) for the whole module. Set NEWSWATCH_SCREENSHOTS=docs/img to refresh the
README's screenshots.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newswatch.demo.server import SampleSite
from tests.conftest import article, run_cli
from tests.web_helpers import PASSWORDS, Running, start_dashboard, stop_dashboard

playwright_api = pytest.importorskip("playwright.sync_api")
# The module's dashboard starts with four processes (two `user add`, `once`, `web`): on a
# loaded machine that alone can pass the default 120 s, charged to the first test.
pytestmark = pytest.mark.timeout(300)
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STORY = "Russian and Syrian warplanes strike villages near Aleppo and Idlib"
HOSTILE = "<img src=x onerror=alert(1)>"

if not shutil.which(CHROMIUM):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{CHROMIUM} is missing: .ci/run installs it (apt-get install chromium)")
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    with SampleSite() as site:
        running = start_dashboard(tmp_path_factory.mktemp("web-browser"), site)
        yield running
        stop_dashboard(running)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    return Path(os.environ.get("NEWSWATCH_SCREENSHOTS") or tmp_path)


def _login(browser: object, web: Running, name: str) -> object:
    context = browser.new_context(base_url=web.base, viewport={"width": 1280, "height": 800})  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto("/")
    assert "/login" in page.url
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORDS[name])
    page.click("button[type=submit]")
    page.wait_for_url(web.base + "/")
    return page


def test_login_refuses_a_wrong_password_then_shows_the_alerts(
    browser: object, web: Running, shots: Path
) -> None:
    context = browser.new_context(base_url=web.base)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=name]", "editor")
    page.fill("input[name=password]", "not the password")
    page.click("button[type=submit]")
    playwright_api.expect(page.locator(".error")).to_contain_text("Wrong name or password")
    context.close()

    page = _login(browser, web, "editor")
    row = page.locator("tr.alert", has_text=STORY).filter(has_text="aleppo-airstrikes")
    playwright_api.expect(row).to_be_visible()
    playwright_api.expect(row.locator("mark").first).to_have_text("warplanes")
    page.screenshot(path=str(shots / "dashboard-alerts.png"), full_page=True)
    page.context.close()


def test_every_page_loads_without_a_failed_request_or_console_error(
    browser: object, web: Running
) -> None:
    """The login page and each page of the menu: no 404 (a favicon included), no error."""
    failed: list[str] = []
    errors: list[str] = []
    context = browser.new_context(base_url=web.base)  # type: ignore[attr-defined]
    context.on(
        "response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None
    )
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto("/login")
    page.fill("input[name=name]", "viewer")
    page.fill("input[name=password]", PASSWORDS["viewer"])
    page.click("button[type=submit]")
    page.wait_for_url(web.base + "/")
    for link in ["Rules", "Rule tester", "Map", "Sources", "Silences", "Alerts"]:
        page.click(f"nav a:text-is('{link}')")
        page.wait_for_load_state("networkidle")
    assert failed == [] and errors == [], (failed, errors)
    context.close()


def test_a_new_alert_appears_on_the_open_page_within_3_seconds(
    browser: object, web: Running
) -> None:
    page = _login(browser, web, "viewer")
    title = "Shelling hits the outskirts of Aleppo overnight"
    web.site.publish(
        article("aleppo-shelling", title, "<p>Heavy shelling hit Aleppo overnight.</p>")
    )
    web.poll()
    stored = time.monotonic()
    playwright_api.expect(page.locator("tr.alert", has_text=title)).to_be_visible(timeout=3000)
    assert time.monotonic() - stored < 3
    page.context.close()


def test_the_rule_tester_lists_what_newswatch_backtest_lists(
    browser: object, web: Running, shots: Path
) -> None:
    page = _login(browser, web, "viewer")
    page.goto("/tester")
    page.fill("input[name=query]", "Aleppo OR Idlib")
    page.fill("input[name=since]", "7d")
    page.select_option("select[name=rule]", "aleppo-airstrikes")
    page.click("form.tester button[type=submit]")
    page.wait_for_selector("#match-count")
    shown = page.locator("tr.hit a.title").evaluate_all("links => links.map(a => a.dataset.url)")
    cli = run_cli(
        "backtest", "-c", str(web.config), "--query", "Aleppo OR Idlib", "--since", "7d", "--json"
    )
    assert cli.returncode == 0, cli.stderr
    assert shown == [json.loads(line)["url"] for line in cli.stdout.splitlines()]
    assert len(shown) >= 3
    # The diff against the rule's current version names the football story as new.
    playwright_api.expect(page.locator(".diff.added")).to_contain_text("Aleppo club")
    page.screenshot(path=str(shots / "dashboard-tester.png"), full_page=True)
    page.context.close()


def test_a_hostile_title_renders_as_text_and_runs_nothing(browser: object, web: Running) -> None:
    body = (
        "<p>Warplanes bombed the eastern districts of Aleppo on Tuesday night, residents "
        "said, and airstrikes went on until dawn across the northern countryside.</p>"
        "<p>Rescue teams worked through the morning to reach families trapped under the "
        "rubble of two apartment buildings near the old market, local officials said.</p>"
        "<p>Hospitals in the city asked for blood donations and fuel for generators as "
        "the number of wounded rose through the day, according to medical workers.</p>"
    )
    web.site.publish(article("hostile", HOSTILE, body))
    web.poll()
    page = _login(browser, web, "editor")
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    row = page.locator("tr.alert", has_text=HOSTILE)
    playwright_api.expect(row).to_be_visible()
    assert row.locator("a.title").inner_text() == HOSTILE
    assert row.locator("img").count() == 0
    page.click(f"tr.alert:has-text('{HOSTILE}') a.story")
    playwright_api.expect(page.locator("h1.story-title")).to_have_text(HOSTILE)
    assert page.locator("main img").count() == 0
    page.wait_for_timeout(500)
    assert dialogs == []
    assert not [e for e in errors if "Content Security Policy" in e], errors
    page.context.close()


def test_an_editor_triages_but_a_post_without_csrf_is_refused(
    browser: object, web: Running
) -> None:
    page = _login(browser, web, "editor")
    row = page.locator("tr.alert", has_text=STORY).filter(has_text="aleppo-airstrikes")
    alert_id = row.get_attribute("data-id")
    forged = page.request.post(f"/alerts/{alert_id}/triage", form={"verdict": "ack"})
    assert forged.status == 403
    playwright_api.expect(row.locator(".verdict")).to_have_count(0)
    row.locator("button.ack").click()  # htmx posts it with the page's token
    playwright_api.expect(page.locator(f"tr[data-id='{alert_id}'] .verdict")).to_have_text(
        "acknowledged"
    )
    page.goto("/rules")
    playwright_api.expect(page.locator("td.precision").first).to_contain_text("100 % of 1")
    page.context.close()


def test_an_editor_makes_a_team_rule_checked_as_check_checks_it(
    browser: object, web: Running, shots: Path
) -> None:
    page = _login(browser, web, "editor")
    page.goto("/rules")
    page.click("a.button[href='/rules/new']")
    page.fill("input[name=name]", "aleppo-football")
    page.fill("textarea[name=query]", "Aleppo AND (football OR club")
    page.check("input[name=notify][value=hook]")
    page.click("form.rule-form button[type=submit]")
    playwright_api.expect(page.locator("ul.problems")).to_have_text('query: col 12: unbalanced "("')
    page.screenshot(path=str(shots / "dashboard-rule-form.png"), full_page=True)
    page.fill("textarea[name=query]", "Aleppo AND (football OR club)")
    page.click("form.rule-form button[type=submit]")
    row = page.locator("tr#rule-aleppo-football")
    playwright_api.expect(row.locator(".origin")).to_contain_text("team rule, by editor")
    # In force at once: the tester compares with it, the API lists it as a team rule.
    page.goto("/tester?rule=aleppo-football&since=7d")
    playwright_api.expect(page.locator("textarea, input[name=query]").first).to_have_value(
        "Aleppo AND (football OR club)"
    )
    playwright_api.expect(page.locator("#match-count")).to_have_text("1")
    page.goto("/rules")
    page.screenshot(path=str(shots / "dashboard-rules.png"), full_page=True)
    row.locator("a.edit").click()
    page.click("form.delete button[type=submit]")
    playwright_api.expect(page.locator("tr#rule-aleppo-football")).to_have_count(0)
    page.context.close()


def test_an_editor_pauses_a_source_and_silences_a_rule(
    browser: object, web: Running, shots: Path
) -> None:
    page = _login(browser, web, "editor")
    page.goto("/sources")
    row = page.locator("tr#source-levant-page")
    row.locator("button.pause").click()
    playwright_api.expect(row.locator("td.health")).to_contain_text("paused by editor")
    page.screenshot(path=str(shots / "dashboard-sources.png"), full_page=True)
    row.locator("button.resume").click()
    playwright_api.expect(row.locator("td.health")).not_to_contain_text("paused")
    page.goto("/silences")
    page.select_option("select[name=rule]", "idlib-civilians")
    page.fill("input[name=duration]", "4h")
    page.fill("input[name=comment]", "known event")
    page.click("form.silence-form button[type=submit]")
    silence = page.locator("tr.silence", has_text="idlib-civilians")
    playwright_api.expect(silence).to_contain_text("known event (by editor)")
    page.screenshot(path=str(shots / "dashboard-silences.png"), full_page=True)
    silence.locator("button.expire").click()
    playwright_api.expect(page.locator("tr.silence")).to_have_count(0)
    page.context.close()


def test_the_map_clusters_the_places_of_alerts_and_a_click_opens_the_story(
    browser: object, web: Running, shots: Path
) -> None:
    page = _login(browser, web, "viewer")
    blocked: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(web.base) else blocked.append(r.url))
    page.goto("/map")
    playwright_api.expect(page.locator("#map.loaded")).to_have_count(1, timeout=15000)
    assert int(page.locator("#map").get_attribute("data-markers") or 0) >= 2  # Aleppo, Idlib
    playwright_api.expect(page.locator("path.leaflet-interactive, svg path").first).to_be_attached()
    page.screenshot(path=str(shots / "dashboard-map.png"), full_page=True)
    page.locator(".marker-cluster").first.click()  # zooms in until the markers part
    marker = page.locator(".leaflet-marker-icon:not(.marker-cluster)").first
    playwright_api.expect(marker).to_be_visible(timeout=10000)
    marker.click()
    page.wait_for_url(web.base + "/stories/*")
    playwright_api.expect(page.locator("ul.places")).to_contain_text("Aleppo")
    assert blocked == []  # nothing from outside: no tiles, no CDN
    page.context.close()


def test_a_viewer_cannot_change_anything(browser: object, web: Running) -> None:
    page = _login(browser, web, "viewer")
    assert page.locator("button.ack").count() == 0
    row = page.locator("tr.alert").first
    token = page.locator("input[name=csrf_token]").first.input_value()
    refused = page.request.post(
        f"/alerts/{row.get_attribute('data-id')}/triage",
        form={"verdict": "false_positive", "csrf_token": token},
    )
    assert refused.status == 403
    page.context.close()


def test_anonymous_visitors_get_the_login_page_and_the_api_refuses(
    browser: object, web: Running
) -> None:
    context = browser.new_context(base_url=web.base)  # type: ignore[attr-defined]
    page = context.new_page()
    for path in ("/", "/rules", "/tester?query=Aleppo", "/stories/1", "/alerts.csv"):
        page.goto(path)
        assert "/login" in page.url, path
        assert STORY not in page.content()
    for path in ("/api/alerts", "/api/rules", "/api/stories/1"):
        assert page.request.get(path).status == 401
    assert page.request.post("/api/backtest", data={"query": "Aleppo"}).status == 401
    context.close()
