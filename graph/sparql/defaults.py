"""How ``claimgraph serve`` runs unless told otherwise: apart from ``graph.sparql.server`` so that the
command line shows them without importing Starlette and uvicorn (0.05–0.09 s of every command's start)."""

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_ROWS = 100_000
DEFAULT_WORKERS = 4
DEFAULT_MAX_MEMORY = 2048
"""Megabytes of private memory a query worker may use (``--max-memory``)."""
