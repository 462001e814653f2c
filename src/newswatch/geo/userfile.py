"""The user's own places file: villages, camps, districts and office sites GeoNames lacks.

YAML (a list, or a mapping with a ``places:`` list)::

    places:
      - name: Atmeh camp
        names: [Atma, أطمة]
        country: SY
        lat: 36.31
        lon: 36.67

or CSV with a header ``name,country,lat,lon,names`` where ``names`` is separated by ``|``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from newswatch.errors import ConfigError


class ExtraPlace(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    country: str = ""
    names: tuple[str, ...] = ()
    population: int = Field(default=0, ge=0)

    @field_validator("country")
    @classmethod
    def _iso_code(cls, value: str) -> str:
        value = value.strip().upper()
        if value and (len(value) != 2 or not value.isalpha()):
            raise ValueError("country must be a two-letter ISO code such as SY")
        return value

    @field_validator("names", mode="before")
    @classmethod
    def _split_names(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(n.strip() for n in value.split("|") if n.strip())
        return value


def load_extra_places(path: str) -> list[ExtraPlace]:
    """Read and validate ``path``; every problem is reported at once in a ConfigError."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"cannot read places file: {exc}"], path=path) from None
    rows = _csv_rows(text) if path.lower().endswith(".csv") else _yaml_rows(text, path)
    places: list[ExtraPlace] = []
    problems: list[str] = []
    for i, row in enumerate(rows):
        try:
            places.append(ExtraPlace.model_validate(row))
        except ValidationError as exc:
            for err in exc.errors():
                where = ".".join(str(p) for p in err["loc"])
                problems.append(f"places[{i}].{where}: {err['msg']}")
    if problems:
        raise ConfigError(problems, path=path)
    return places


def _yaml_rows(text: str, path: str) -> list[Any]:
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError([f"YAML syntax error: {exc}"], path=path) from None
    if isinstance(raw, dict):
        raw = raw.get("places")
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ConfigError(["places: expected a list of places"], path=path)
    return raw


def _csv_rows(text: str) -> list[Any]:
    reader = csv.DictReader(io.StringIO(text))
    return [{k.strip(): v.strip() for k, v in row.items() if k and v} for row in reader]
