"""Write an output file all at once or not at all.

An export interrupted halfway (an error, Ctrl-C, a full disk) must not leave a truncated file that
looks complete, nor destroy the previous one: write a temporary file beside the target, then
``os.replace`` it, which is atomic within one folder.
"""

from __future__ import annotations

import errno
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

from extract.errors import ClaimgraphError

_WRITE_FAILURES = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EIO, errno.EACCES})


def output_path(path: str | os.PathLike[str], *, folder_ok: bool = False) -> Path:
    """``path`` checked as somewhere to write: not empty, in a folder that exists, not a folder itself
    (unless ``folder_ok``). Raises ``ClaimgraphError`` saying what to give instead."""
    if not str(path).strip():
        raise ClaimgraphError("the output name is empty: give a file name, or - for standard output")
    target = Path(path)
    if target.is_dir() and not folder_ok:
        raise ClaimgraphError(f"{target} is a folder: give a file name inside it")
    if not target.parent.is_dir():
        raise ClaimgraphError(f"no folder {target.parent} to write {target.name} in: create it first")
    return target


@contextmanager
def atomic_output(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """A binary file object that becomes ``path`` only if the block succeeds; ``-`` is stdout."""
    if str(path) == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    target = output_path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as e:
        raise ClaimgraphError(f"cannot write {target}: {e.strerror}") from e
    try:
        with os.fdopen(fd, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions
        os.replace(tmp, target)
    except BaseException as e:
        with suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(e, OSError) and e.errno in _WRITE_FAILURES:
            raise ClaimgraphError(f"cannot write {target}: {e.strerror}; it was left as it was") from e
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
