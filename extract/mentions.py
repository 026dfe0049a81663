"""A resolved mention as the claim sieves read it: where it is, its type and its entity."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Ment:
    """A resolved mention: where it is, its type and entity id."""

    start: int
    end: int
    label: str
    entity: str
