"""The outlet that published a document, as an entity like any other.

A document's metadata names its outlet (``DocumentMeta.outlet``: a feed's ``source`` field, an HTML
page's ``og:site_name``, a ``来源：`` line). The outlet is an organisation the graph already knows when a
gazetteer alias or one of the document's own mentions has its name (``新华社`` is ``xinhua``, the same
entity as every mention of 新华社), else a new organisation named as the metadata wrote it, with the id
a mention of that name would get, so it resolves across documents.
"""

from __future__ import annotations

from extract.lexicon import gazetteer_by_key
from extract.records import Entity, Extraction
from extract.resolve import slug
from extract.scripts import name_key


def outlet_entity(x: Extraction) -> Entity | None:
    """The entity of ``x``'s outlet, or ``None`` when its metadata names none.

    >>> from extract.records import Document, DocumentMeta
    >>> def published_by(outlet):
    ...     meta = DocumentMeta(outlet=outlet)
    ...     doc = Document("a.txt", "正文", "正文", "0", "utf-8", "text/plain", meta=meta)
    ...     return Extraction(doc, [], [], [])
    >>> outlet_entity(published_by("新華社")).id
    'xinhua'
    >>> outlet_entity(published_by("維港時報")).name
    '維港時報'
    """
    name = (x.document.meta.outlet or "").strip()
    if not name:
        return None
    key = name_key(name)
    for entity in x.entities:
        if entity.type == "ORG" and any(name_key(alias) == key for alias in (entity.name, *entity.aliases)):
            return entity
    known = [entry for entry in gazetteer_by_key().get(key, ()) if entry.type == "ORG"]
    if known:
        entry = known[0]
        return Entity(entry.id, "ORG", entry.name, dict(entry.labels), sorted({name, *entry.aliases}))
    return Entity(slug(name), "ORG", name, {}, [name])


def with_outlet(x: Extraction) -> Extraction:
    """``x`` with its outlet's id set and the outlet among its entities."""
    entity = outlet_entity(x)
    if entity is None:
        return x
    if all(e.id != entity.id for e in x.entities):
        x.entities.append(entity)
    x.outlet = entity.id
    return x
