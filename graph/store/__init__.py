"""The store wing: records → RDF, the store on disk, and the one reader of records back out of it.

- ``vocab``: our terms as IRIs, from ``ontology.ttl`` (a link to the project's own);
- ``rdf``: an extraction's records as quads, and each entity's description;
- ``statistics``: the counts kept beside each entity (claims made and received, mentions…);
- ``store``: the store folder, its atomic publish and the readers' locks;
- ``build``: documents through ``extract`` into a newly published store;
- ``partitions``: a Dask build's extraction as files written where it ran (N-Quads, votes and counts);
- ``cluster``: ``--engine dask``, its partitions written by the workers and bulk-loaded;
- ``loading``: those partition files into an external SPARQL store, in bulk (``load-into``);
- ``validate``: SHACL validation against ``shapes.ttl`` (a link to the project's own);
- ``push``: the store to a SPARQL 1.1 Graph Store Protocol server;
- ``atomic``: output files replaced atomically, for every wing and the CLI;
- ``reader``: the store's records and document texts, read by every wing above;
- ``network``: those records as networkx graphs (claim network, co-mentions), for views and exports alike.

May import: `extract`. Never a query, view, export or the endpoint, never the CLI.
"""
