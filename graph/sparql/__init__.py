"""The SPARQL wing: queries over the store, and the endpoint that serves them.

- ``query``: running a query, binding parameters as ``VALUES``, paging, the result formats and the table;
- ``queries``: the shipped query library (``queries/*.rq``), its headers and parameters;
- ``neighbourhood``: what a focus map draws, read with SPARQL from the store (an entity's neighbourhood);
- ``guard``: the check of every query and update the endpoint runs (no SERVICE or LOAD unless allowed);
- ``sandbox``: the confinement of the endpoint's query workers (no network, capped memory);
- ``server``: the SPARQL 1.1 Protocol endpoint and its query page (``static/``).

May import: `extract`, `graph.store`. Never a view or an export, never the CLI.
"""
