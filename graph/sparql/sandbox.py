"""Confining a query worker: no network, bounded memory, memory given back after a large query.

A query worker talks to the server through a Unix socket pair and reads the store from disk; it has
no reason to open a network socket. :func:`deny_network` makes it unable to: a seccomp filter
(libseccomp through pyseccomp's ctypes binding) answers ``socket()`` for any family but ``AF_UNIX``
with ``EACCES``, and ``io_uring_setup`` (whose rings can open sockets without the ``socket`` system
call) with ``ENOSYS``. The filter holds for every thread the worker starts later (RocksDB's,
pyoxigraph's HTTP client) and cannot be lifted. Where libseccomp is missing, a network namespace of
its own (``unshare``) gives the worker only a loopback interface that is down; where neither is
possible, :func:`deny_network` says so and the caller warns: the query guard (``graph.sparql.guard``) is then
the only layer.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import os
import resource
import socket

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000


class Unconfined(Exception):
    """The process could not be confined; the message says why and how to fix it."""


def deny_network(methods: tuple[str, ...] = ("seccomp", "netns")) -> str:
    """Make this process unable to reach any network; return the method that did it.

    Call it before the process starts threads (a network namespace needs a single thread).
    """
    reasons = []
    for method in methods:
        try:
            (_seccomp if method == "seccomp" else _network_namespace)()
        except (OSError, RuntimeError, ImportError, AttributeError) as e:
            reasons.append(f"{method}: {e}")
        else:
            return method
    raise Unconfined(
        "the query workers can reach the network ("
        + "; ".join(reasons)
        + "): install libseccomp2 (Debian, Ubuntu) or libseccomp (Fedora)"
    )


def _seccomp() -> None:
    import pyseccomp as seccomp  # RuntimeError when libseccomp itself is missing

    rules = seccomp.SyscallFilter(seccomp.ALLOW)
    rules.add_rule(seccomp.ERRNO(errno.EACCES), "socket", seccomp.Arg(0, seccomp.NE, socket.AF_UNIX))
    rules.add_rule(seccomp.ERRNO(errno.ENOSYS), "io_uring_setup")
    rules.load()


def _network_namespace() -> None:
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    flags = CLONE_NEWNET if os.geteuid() == 0 else CLONE_NEWUSER | CLONE_NEWNET
    if libc.unshare(flags) != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"unshare: {os.strerror(code)}")


def limit_memory(max_bytes: int) -> None:
    """Cap the process's private writable memory (``RLIMIT_DATA``: heap, anonymous maps, thread stacks).

    ``RLIMIT_AS`` would count the address space, 450 MB for a worker that has only opened the store
    (shared libraries, RocksDB's reservations), so a cap on it would say little about memory. Past
    the cap an allocation fails: Python raises ``MemoryError``, Rust and RocksDB abort the process.
    """
    resource.setrlimit(resource.RLIMIT_DATA, (max_bytes, max_bytes))


def resident_bytes() -> int:
    """This process's resident memory, from ``/proc`` (0 where there is none)."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def give_back_memory() -> None:
    """Return freed heap pages to the system (glibc's ``malloc_trim``; nothing elsewhere)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(ctypes.util.find_library("c")).malloc_trim(0)
