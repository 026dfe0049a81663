"""What reading an input gives when it gives no new ``Document``: a ``Skipped`` or an ``Unchanged``.

May import: nothing of the project (``extract.ingest`` and ``extract.rows`` both give these).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Unchanged:
    """A source whose bytes hash to what the caller already has (``known``): not decoded again."""

    name: str
    sha256: str
    source: str


@dataclass(frozen=True)
class Skipped:
    """A source that was not read, with a one-line reason for the user."""

    name: str
    reason: str
