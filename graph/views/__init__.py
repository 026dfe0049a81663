"""The views wing: what the claim network shows a reader.

- ``analyses``: network analyses as plain functions over the claim network (``graph.store.network``);
- ``maps``: the offline HTML network map: our template (``map_template/``) with the vis-network pyvis ships;
- ``rows``: rows as a terminal table, CSV or JSON;
- ``reading``: one document's text with its claims marked, for a terminal (``claimgraph show``).

May import: `extract`, `graph.store`, `graph.sparql`. Never an export, never the CLI.
"""
