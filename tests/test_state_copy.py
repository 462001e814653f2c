"""``newswatch state copy``: an installation moves from its SQLite file to PostgreSQL, and
nothing it already alerted on alerts again there."""

from __future__ import annotations

from pathlib import Path

from newswatch.demo.server import SampleSite

from .conftest import aleppo_config, article, json_url, run_cli
from .receivers import HttpReceiver
from .texts import ALEPPO_BODY

IDLIB_BODY = """
<p>Airstrikes hit a displacement camp near Idlib and the outskirts of Aleppo on Sunday,
wounding dozens of people who had fled earlier fighting, local doctors said.</p>
<p>Tents burned after the first strike and ambulances struggled to reach the wounded along
a muddy road, a volunteer with a medical charity said by telephone.</p>
"""


def test_after_a_copy_to_postgresql_nothing_alerts_again(
    tmp_path: Path, site: SampleSite, receiver: HttpReceiver, pg_dsn: str
) -> None:
    site.publish(article("aleppo-strikes", "Warplanes strike villages near Aleppo", ALEPPO_BODY))
    sqlite_state = tmp_path / "state.db"
    local = tmp_path / "sqlite.yaml"
    local.write_text(
        aleppo_config(sqlite_state, {"levant": site.base_url}, hook=json_url(receiver))
    )
    first = run_cli("once", "-c", str(local))
    assert first.returncode == 0, first.stderr
    assert len(receiver.bodies()) == 1

    copy = run_cli("state", "copy", f"sqlite://{sqlite_state}", pg_dsn)
    assert copy.returncode == 0, copy.stderr
    assert "articles: 1/1" in copy.stderr and "alerts: 1/1" in copy.stderr

    shared = tmp_path / "postgresql.yaml"
    shared.write_text(local.read_text().replace(f"state: {sqlite_state}", f"state: {pg_dsn}"))
    again = run_cli("once", "-c", str(shared))
    assert again.returncode == 0, again.stderr
    assert len(receiver.bodies()) == 1  # the story was alerted before the move: not again

    site.publish(article("idlib-camp", "Airstrikes hit a camp near Idlib and Aleppo", IDLIB_BODY))
    later = run_cli("once", "-c", str(shared))
    assert later.returncode == 0, later.stderr
    assert len(receiver.bodies()) == 2  # a new story on PostgreSQL alerts as usual

    refused = run_cli("state", "copy", f"sqlite://{sqlite_state}", pg_dsn)
    assert refused.returncode != 0
    assert "already holds state" in refused.stderr
    assert "password" not in refused.stderr.lower()


def test_copy_from_a_missing_file_says_so(tmp_path: Path) -> None:
    result = run_cli("state", "copy", str(tmp_path / "none.db"), str(tmp_path / "new.db"))
    assert result.returncode != 0
    assert "no state database at" in result.stderr
    assert not (tmp_path / "new.db").exists()
