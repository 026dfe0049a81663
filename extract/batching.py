"""How many documents go through the pipeline at once: read by the pipeline and by the engines alike.

Its own module so that neither imports the other for it: the engines (``extract.engines``) start the
pipeline (``extract.pipeline``), the pipeline knows nothing of engines.
"""

DEFAULT_BATCH_SIZE = 32
"""Documents per ``nlp.pipe`` batch, and per chunk sent to a worker."""
