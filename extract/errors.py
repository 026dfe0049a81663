"""One base exception, so the CLI can turn any of ours into a clear message."""


class ClaimgraphError(Exception):
    """Base of every error claimgraph raises on purpose; the message says how to fix it."""


class InputError(ClaimgraphError):
    """A document that cannot be read: empty, binary, undecodable or too large."""
