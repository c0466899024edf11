"""Where each page and data file of the site lives: paths mirror the IRIs.

``https://w3id.org/kzgraph/id/paperlab`` is ``id/paperlab.html`` (English), ``ru/id/paperlab.html``
and ``kk/id/paperlab.html``, with ``id/paperlab.ttl`` and ``id/paperlab.jsonld`` beside the
English page. ``…/vocab/topic/violence`` is ``vocab/topic/violence.html``, a scheme
``…/vocab/topic`` is ``vocab/topic.html``, ontology terms are anchors of ``ontology.html``.
Every link is relative, so the site works from ``file://`` and from any folder of any host.
"""

from __future__ import annotations

import functools

from kzgraph import iris

LANG_PREFIX = {"en": "", "ru": "ru/", "kk": "kk/"}
ONTOLOGY_IRI = iris.KZG.rstrip("#")


def lang_path(lang: str, path: str) -> str:
    """The file of a language-neutral page path in one language (``ru/`` + path)."""
    return LANG_PREFIX[lang] + path


@functools.lru_cache(maxsize=65536)
def relative(target: str, current: str) -> str:
    """The relative URL from the file ``current`` to the file ``target`` (both site paths).

    Site paths are plain (no ``.`` or ``..`` segments, no leading ``/``), so this is a matter
    of the folders they share: ``relative("id/a.html", "ru/id/b.html") == "../../id/a.html"``.
    """
    anchor = ""
    if "#" in target:
        target, anchor = target.split("#", 1)
        anchor = "#" + anchor
    if not target:
        return anchor
    here = current.split("/")[:-1]
    there = target.split("/")
    shared = 0
    while shared < len(here) and shared < len(there) - 1 and here[shared] == there[shared]:
        shared += 1
    return "/".join([".."] * (len(here) - shared) + there[shared:]) + anchor


def id_path(iri: str) -> str | None:
    """``id/{slug}`` for a catalogue IRI (no extension), else None."""
    if iri.startswith(iris.ID) and "/" not in iri[len(iris.ID):] and iri[len(iris.ID):]:
        return "id/" + iri[len(iris.ID):]
    return None


def vocab_path(iri: str) -> str | None:
    """``vocab/{scheme}/{slug}`` or ``vocab/{scheme}`` for a kzgraph vocabulary IRI, else None."""
    if not iri.startswith(iris.VOCAB):
        return None
    rest = iri[len(iris.VOCAB):].strip("/")
    parts = rest.split("/")
    if not rest or len(parts) > 2 or not all(parts):
        return None
    return "vocab/" + rest
