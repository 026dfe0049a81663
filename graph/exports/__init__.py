"""The exports wing: the store written for other tools, one interface and one module per format family.

- ``formats``: the interface: ``FORMATS``, ``export`` (to a stream) and ``export_to`` (to a file or folder);
- ``rdf``: N-Quads, TriG and Turtle;
- ``jsonl``: JSON Lines records (``shared/eval/EXPORT.md``);
- ``jsonld``: JSON-LD with the short keys of ``context.jsonld``;
- ``tables``: CSV tables with ``neo4j-admin import`` headers;
- ``graphml``: the claim network as GraphML or GEXF.

May import: `extract`, `graph.store`, `graph.sparql`. Never a view, never the CLI.
"""
