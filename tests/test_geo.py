"""Gazetteer look-ups, the user's places file and ``near:`` checks, on the real GeoNames data."""

from __future__ import annotations

import marshal
from pathlib import Path

import pytest

from newswatch.config.schema import Near
from newswatch.errors import ConfigError
from newswatch.geo import (
    AmbiguousPlaceError,
    Gazetteer,
    PlacesFileError,
    UnknownPlaceError,
    cache,
    check_near,
    distance_km,
    near_problem,
)
from newswatch.geo.index import NameIndex
from newswatch.model import Place

USER_YAML = """\
places:
  - name: Atmeh camp
    names: [Atma camp, مخيم أطمة]
    country: SY
    lat: 36.31
    lon: 36.67
  - {name: Tripoli office, country: LB, lat: 34.44, lon: 35.83}
"""


@pytest.fixture(scope="module")
def gazetteer(tmp_path_factory: pytest.TempPathFactory) -> Gazetteer:
    path = tmp_path_factory.mktemp("places") / "places.yaml"
    path.write_text(USER_YAML, encoding="utf-8")
    return Gazetteer.load(str(path))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Aleppo", "Aleppo (SY)"),
        ("aleppo", "Aleppo (SY)"),
        ("Halab", "Aleppo (SY)"),
        ("حلب", "Aleppo (SY)"),
        ("Алеппо", "Aleppo (SY)"),
        ("Gaziantep", "Gaziantep (TR)"),
        ("Antep", "Gaziantep (TR)"),
        ("Homs", "Homs (SY)"),
        ("Paris", "Paris (FR)"),
        ("Tripoli, LY", "Tripoli (LY)"),
        ("Tripoli (LB)", "Tripoli (LB)"),
        ("Tripoli, Lebanon", "Tripoli (LB)"),
        ("Syria", "Syria (SY)"),
        ("Atmeh camp", "Atmeh camp (SY)"),
        ("مخيم اطمة", "Atmeh camp (SY)"),
    ],
)
def test_resolve(gazetteer: Gazetteer, name: str, expected: str) -> None:
    assert gazetteer.resolve(name).label == expected


@pytest.mark.parametrize(
    ("name", "error", "message"),
    [
        ("Gazientep", UnknownPlaceError, "unknown place 'Gazientep'; did you mean Gaziantep (TR)?"),
        ("Tripoli", AmbiguousPlaceError, "Tripoli (LY), Tripoli (LB)"),
        ("Tripoli, FR", UnknownPlaceError, "unknown place 'Tripoli, FR'"),
        ("Tripoli, Narnia", UnknownPlaceError, "unknown place 'Narnia'"),
        ("Xqzzyv", UnknownPlaceError, "unknown place 'Xqzzyv'"),
    ],
)
def test_resolve_errors(
    gazetteer: Gazetteer, name: str, error: type[LookupError], message: str
) -> None:
    with pytest.raises(error) as caught:
        gazetteer.resolve(name)
    assert isinstance(caught.value, LookupError)
    assert message in str(caught.value)


def test_names_for_covers_scripts(gazetteer: Gazetteer) -> None:
    names = gazetteer.names_for("Aleppo")
    assert {"Aleppo", "Halab", "Alep", "حلب", "Алеппо"} <= set(names)
    assert "hlb" not in names and "ALP" not in names  # transliteration noise, airport code
    assert "Veroia" not in names  # an ancient name of Aleppo, but the main name of a Greek city


def test_names_for_keeps_shared_variants(gazetteer: Gazetteer) -> None:
    assert "طرابلس" in gazetteer.names_for("Tripoli, LB")
    assert "طرابلس" in gazetteer.names_for("Tripoli, LY")


def test_names_for_unknown(gazetteer: Gazetteer) -> None:
    with pytest.raises(LookupError, match="did you mean Gaziantep"):
        gazetteer.names_for("Gazientep")


def test_distance() -> None:
    assert distance_km(37.05944, 37.3825, 36.20124, 37.16117) == pytest.approx(97.4, abs=0.5)


ALEPPO = Place("Aleppo", "SY", 36.20124, 37.16117, 1.0)
DAMASCUS = Place("Damascus", "SY", 33.5102, 36.29128, 0.9)


@pytest.mark.parametrize(
    ("near", "places", "ok", "explanation"),
    [
        (Near(place="Gaziantep", km=100), [ALEPPO], True, "Aleppo, SY — 97 km from Gaziantep"),
        (Near(place="Gaziantep", km=50), [ALEPPO], False, "nearest place Aleppo, SY is 97 km"),
        (
            Near(place="Gaziantep", km=100),
            [DAMASCUS, ALEPPO],
            True,
            "Aleppo, SY — 97 km from Gaziantep",
        ),
        (Near(lat=37.06, lon=37.38, km=100), [ALEPPO], True, "97 km from 37.06,37.38"),
        (Near(place="Gaziantep", km=50), [], False, "no place recognised"),
        (Near(place="Atmeh camp", km=10), [], False, "near Atmeh camp"),
    ],
)
def test_check_near(
    gazetteer: Gazetteer, near: Near, places: list[Place], ok: bool, explanation: str
) -> None:
    result = check_near(near, places, gazetteer)
    assert result.ok is ok
    assert explanation in result.explanation
    if ok:
        assert result.place == ALEPPO
        assert result.distance_km == pytest.approx(97.4, abs=1)


@pytest.mark.parametrize(
    ("near", "problem"),
    [
        (Near(place="Gaziantep", km=50), None),
        (Near(place="Tripoli, LB", km=50), None),
        (Near(lat=36.2, lon=37.1, km=5), None),
        (Near(place="Gazientep", km=50), "unknown place 'Gazientep'; did you mean Gaziantep (TR)?"),
        (Near(place="Tripoli", km=50), "ambiguous place 'Tripoli'"),
        (Near(place="Syria", km=50), "'Syria' is a country"),
    ],
)
def test_near_problem(gazetteer: Gazetteer, near: Near, problem: str | None) -> None:
    found = near_problem(near, gazetteer)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found


@pytest.mark.parametrize(
    ("suffix", "content", "problem"),
    [
        (".yaml", "places:\n  - {name: X, lat: 100, lon: 1}\n", "places[0].lat"),
        (".yaml", "places:\n  - {lat: 1, lon: 1}\n", "places[0].name"),
        (".yaml", "places: {name: X}\n", "expected a list"),
        (".yaml", "places: [\n", "YAML syntax error"),
        (".csv", "name,country,lat,lon\nCamp,SYR,1,2\n", "places[0].country"),
    ],
)
def test_places_file_errors(tmp_path: Path, suffix: str, content: str, problem: str) -> None:
    path = tmp_path / f"places{suffix}"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(PlacesFileError) as caught:
        Gazetteer.load(str(path))
    assert isinstance(caught.value, ConfigError) and isinstance(caught.value, ValueError)
    assert any(problem in p for p in caught.value.problems), caught.value.problems


def test_places_csv(tmp_path: Path) -> None:
    path = tmp_path / "places.csv"
    path.write_text(
        "name,country,lat,lon,names\nSarmada office,SY,36.18,36.72,Sarmada|سرمدا\n",
        encoding="utf-8",
    )
    gazetteer = Gazetteer.load(str(path))
    assert gazetteer.resolve("سرمدا").label == "Sarmada office (SY)"
    near = Near(place="Sarmada office", km=60)
    assert check_near(near, [ALEPPO], gazetteer).ok


def test_missing_places_file(tmp_path: Path) -> None:
    with pytest.raises(PlacesFileError, match="1 configuration error"):
        Gazetteer.load(str(tmp_path / "absent.yaml"))


def test_name_index_survives_dump_and_restore() -> None:
    index = NameIndex()
    for key, pid in [
        ("aleppo", 1),
        ("halab", 1),
        ("tripoli", 2),
        ("tripoli", 3),
        ("deir ez zor", 4),
    ]:
        index.add(key, pid)
    restored = NameIndex.restore(marshal.loads(marshal.dumps(index.dump())))
    assert restored.get("tripoli") == (2, 3)
    assert restored.get("halab") == (1,)
    assert restored.get("nowhere") == ()
    assert {"deir", "deir ez"} <= restored.prefixes


def test_unreadable_cache_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "gazetteer-x.marshal"
    path.write_bytes(b"not marshal data")
    assert cache.read(path) is None
    cache.write(path, ("ok", [1, 2]))
    assert cache.read(path) == ("ok", [1, 2])
