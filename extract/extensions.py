"""Custom attributes the claimgraph components read and write on a spaCy ``Doc``."""

from spacy.tokens import Doc

for _name, _default in (("doc_name", ""), ("posts", ()), ("entities", None), ("claims", None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)
