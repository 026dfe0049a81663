"""The graph side: the extraction's records as RDF in a store, and everything read from that store.

Data flows one way, and each wing imports only those below it (and ``extract``)::

    documents ─► extract ─► records ─► graph.store ─► graph.sparql ─► graph.views, graph.exports ─► cli.py

- ``graph.store``: records → RDF, the store and its atomic publish, build, statistics, validation, push,
  and the one reader of records (and of the claim network built from them) for every wing above;
- ``graph.sparql``: running a query, binding parameters, result formats, the shipped queries, the endpoint;
- ``graph.views``: analyses of the claim network, maps, row formatting;
- ``graph.exports``: one interface and one module per family of export formats.

Each wing's docstring says what it holds and, in its ``May import:`` line, which packages besides itself it
may import; ``tests/test_layout.py`` reads every module's imports (those inside functions too) and fails on
one against these lines, on an import of the CLI, and on any import circle.
"""
