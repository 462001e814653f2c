""" "Did you mean …?" for unknown keys and names: ``intervall`` is one letter from
``interval``, and saying so saves a trip to the documentation."""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` when ``word`` is close to one of ``known``, else ``""``."""
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


def keys_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The keys the schema allows where pydantic's error location ``loc`` points (the
    unknown key itself last), or ``[]`` when the place is not a model."""
    current: Any = model
    for part in loc[:-1]:
        current = _step(current, part)
        if current is None:
            return []
    current = _model_in(current)
    return list(current.model_fields) if current is not None else []


def _step(current: Any, part: Any) -> Any:
    model = _model_in(current)
    if model is not None and isinstance(part, str):
        field = model.model_fields.get(part)
        return field.annotation if field is not None else None
    # list[...] items, dict[..., V] values: one level down the type
    args = [a for a in typing.get_args(current) if a is not type(None)]
    return args[-1] if args else None


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model an annotation holds: ``M``, ``M | None``, ``Annotated[M, …]``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, typing.Annotated):
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None
