"""Extraction: documents in (decoded, markup blanked, forum posts split), plain records out.

Entities, mentions and claims with their offsets (``extract.records``), from one spaCy pipeline
(``extract.pipeline``) run where the engines say (``extract.engines``); the scorer of those records
against gold annotations (``extract.evaluate``) sits beside them.

May import: nothing else of the project. Never the graph, never the CLI.
"""
