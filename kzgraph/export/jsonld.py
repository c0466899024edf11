"""JSON-LD: compacted with the project context (built by ``DirectCompactor`` from pyld's own term
choices, pyld's compaction as fallback) or expanded; no document is ever fetched."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

import pyoxigraph as ox

from kzgraph import iris
from kzgraph.errors import InputError, RuntimeFailure, UsageError

if TYPE_CHECKING:
    from kzgraph.paths import Layout

from kzgraph.export.ntriples import _RDF_TYPE, _RDF_TYPE_NT, _XSD_STRING, _nt_lines, nt_unescape, triples_from_lines

SCHEMA_CONTEXT: dict[str, Any] = {
    "@context": {
        "@vocab": iris.SCHEMA,
        # schema.org's own context reads these as IRIs; so do we, so that values are plain strings.
        "url": {"@id": iris.SCHEMA + "url", "@type": "@id"},
        "sameAs": {"@id": iris.SCHEMA + "sameAs", "@type": "@id"},
    }
}


def refuse_remote(url: str, options: dict | None = None) -> dict:
    """A pyld document loader that never fetches: every remote document is refused."""
    from pyld.jsonld import JsonLdError

    raise JsonLdError(
        f"remote JSON-LD documents are never fetched (asked for {url}); put the @context inline",
        "jsonld.LoadDocumentError",
        code="loading document failed",
    )


def _json_id(node: object) -> str:
    return "_:" + node.value if isinstance(node, ox.BlankNode) else node.value


def expanded_jsonld(triples: Sequence[ox.Triple]) -> list[dict[str, Any]]:
    """Return expanded JSON-LD (one node object per subject) built from the sorted triples.

    Literals keep their lexical form as strings (no native JSON numbers), so nothing is re-spelled.
    """
    nodes: dict[str, dict[str, Any]] = {}
    for t in triples:
        subject = _json_id(t.subject)
        node = nodes.setdefault(subject, {"@id": subject})
        obj = t.object
        if t.predicate.value == _RDF_TYPE and not isinstance(obj, ox.Literal):
            node.setdefault("@type", []).append(_json_id(obj))
            continue
        if isinstance(obj, ox.Literal):
            value: dict[str, str] = {"@value": obj.value}
            if obj.language:
                value["@language"] = obj.language
            elif obj.datatype.value != _XSD_STRING:
                value["@type"] = obj.datatype.value
        else:
            value = {"@id": _json_id(obj)}
        node.setdefault(t.predicate.value, []).append(value)
    return [nodes[key] for key in sorted(nodes)]


def compact_jsonld(
    expanded: list[dict[str, Any]], context: dict[str, Any], from_triples: bool = False
) -> dict[str, Any]:
    """Compact expanded JSON-LD with ``context`` (a document with an inline ``@context``), offline.

    ``from_triples``: ``expanded`` is the output of ``expanded_jsonld`` (it may be modified). Such a
    document is already in expanded form except for language tags, which pyld's expansion
    lower-cases; they are lower-cased here and pyld's (costly, otherwise no-op) expansion skipped.
    """
    from pyld import jsonld

    options: dict[str, Any] = {"documentLoader": refuse_remote, "processingMode": "json-ld-1.1"}
    if from_triples:
        for node in expanded:
            for values in node.values():
                if type(values) is list:
                    for value in values:
                        if type(value) is dict and "@language" in value:
                            value["@language"] = value["@language"].lower()
        options["skipExpansion"] = True
    try:
        compacted = _memo_processor().compact(expanded, context, options=options)
    except jsonld.JsonLdError as err:
        raise RuntimeFailure(f"JSON-LD compaction failed: {_jsonld_message(err)}") from None
    # Always a top-level @graph, even for one node, so consumers read one shape.
    if "@graph" not in compacted:
        body = {k: v for k, v in compacted.items() if k != "@context"}
        compacted = {"@context": compacted.get("@context", context["@context"]), "@graph": [body] if body else []}
    return compacted


_VALUE_KEYS = frozenset(("@value", "@language", "@type"))


def _memo_processor() -> Any:
    """Return a pyld processor that remembers what each IRI compacts to.

    pyld's ``_compact_iri`` scans every term of the context for each IRI it cannot map to a term
    (looking for the best compact IRI); the catalogue repeats the same IRIs many times. Its answer
    depends only on the active context, the IRI, the flags and, for a value object, on which keys
    the value has and its ``@language`` / ``@type`` (never on the ``@value`` itself), so it is
    memoized on exactly those; any other value (a node reference, a list, ...) is not memoized.
    """
    from pyld import jsonld

    class Processor(jsonld.JsonLdProcessor):
        def __init__(self) -> None:
            super().__init__()
            self._compacted_iris: dict[tuple, Any] = {}
            self._contexts: dict[int, Any] = {}  # holds each context seen, so its id is never reused

        def _compact_iri(self, active_ctx, iri, value=None, vocab=False, base=None, reverse=False):  # type: ignore[override]
            if value is None:
                shape: tuple | None = None
            elif (
                type(value) is dict
                and "@value" in value
                and value.keys() <= _VALUE_KEYS
                and all(type(value.get(k, "")) is str for k in ("@language", "@type"))
            ):
                shape = (tuple(sorted(value)), value.get("@language"), value.get("@type"))
            else:
                shape = ()
            if shape == () or type(iri) is not str or not (base is None or type(base) is str):
                return super()._compact_iri(active_ctx, iri, value, vocab=vocab, base=base, reverse=reverse)
            key = (id(active_ctx), iri, shape, bool(vocab), base, bool(reverse))
            try:
                return self._compacted_iris[key]
            except KeyError:
                pass
            result = super()._compact_iri(active_ctx, iri, value, vocab=vocab, base=base, reverse=reverse)
            self._contexts.setdefault(id(active_ctx), active_ctx)
            self._compacted_iris[key] = result
            return result

    return Processor()


_MISSING = object()
_IRI_SEPARATOR = re.compile(r"[/#]")
# Stands for a literal's lexical form while working out how a term compacts such values.
_SENTINEL = "\x00kzgraph-value\x00"


class _Unsupported(Exception):
    """The context uses a JSON-LD feature the direct compactor does not reproduce."""


def _add_value(obj: dict[str, Any], key: str, value: Any, as_array: bool) -> None:
    """pyld's ``JsonLdProcessor.add_value`` for one non-list value, duplicates allowed."""
    current = obj.get(key, _MISSING)
    if current is _MISSING:
        obj[key] = [value] if as_array else value
    elif type(current) is list:
        current.append(value)
    else:
        obj[key] = [current, value]


class DirectCompactor:
    """Compacted JSON-LD built straight from sorted N-Triples lines, the same as pyld's compaction.

    pyld's general compaction walks the whole document; here every decision it would take is
    asked of pyld once per distinct case, with pyld's own functions, on the same active context:
    which term a property gets for a kind of value (``_compact_iri`` with the value; its answer
    depends only on the property, whether the value is a node reference or which language /
    datatype a literal has, and for a node reference on whether the referenced IRI is itself a
    term), how a term writes a literal (``_compact_value`` on a stand-in lexical form) or a node
    reference, how a node's ``@id`` and ``@type`` IRIs compact. Values are then placed the way
    ``JsonLdProcessor._compact`` places them (language maps, ``@set``, single values unwrapped).

    Contexts with features this does not reproduce (scoped contexts, reverse or nested
    properties, keyword aliases, index/id/type/graph/list containers, ``@json``) raise
    ``_Unsupported`` on construction; ``write_jsonld`` then compacts with pyld.
    """

    def __init__(self, context: dict[str, Any]) -> None:
        from pyld import jsonld

        self._jsonld = jsonld
        proc = self._proc = _memo_processor()
        options: dict[str, Any] = {
            "base": "",
            "compactArrays": True,
            "graph": False,
            "skipExpansion": True,
            "activeCtx": False,
            "documentLoader": refuse_remote,
            "extractAllScripts": False,
            "processingMode": "json-ld-1.1",
            "link": False,
        }
        options["contextResolver"] = jsonld.ContextResolver(jsonld._resolved_context_cache, refuse_remote)
        self._options = options
        inner = context.get("@context")
        if not isinstance(inner, dict) or not inner:
            raise _Unsupported("the context is not one non-empty object")
        try:
            ctx = proc.process_context(proc._get_initial_context(options), context, options)
        except jsonld.JsonLdError:
            raise _Unsupported("pyld refuses the context; let compact_jsonld report it") from None
        if "previousContext" in ctx:
            raise _Unsupported("previousContext")
        prefixes: dict[str, list[str]] = {}
        self._fast_ids = True
        for term, mapping in ctx["mappings"].items():
            if mapping is None:
                continue
            if mapping.get("reverse") or "@context" in mapping or "@nest" in mapping or "@index" in mapping:
                raise _Unsupported(term)
            if not set(mapping.get("@container") or ()) <= {"@language", "@set"}:
                raise _Unsupported(term)
            if mapping.get("@type") == "@json" or str(mapping.get("@id", "")).startswith("@"):
                raise _Unsupported(term)
            if ":" in term:
                self._fast_ids = False
            elif mapping.get("_prefix") and mapping.get("@id"):
                if not mapping["@id"].endswith(("/", "#")):
                    self._fast_ids = False
                prefixes.setdefault(mapping["@id"], []).append(term)
        self._ctx = ctx
        self._plain_base = "@base" not in ctx
        self._prefix_terms = {term for terms in prefixes.values() for term in terms}
        self._context_out = inner
        self._prefixes = prefixes
        self._inverse = proc._get_inverse_context(ctx)
        self._id_key = proc._compact_iri(ctx, "@id")
        self._type_key = proc._compact_iri(ctx, "@type")
        self._none_key = proc._compact_iri(ctx, "@none")
        if (self._id_key, self._type_key, proc._compact_iri(ctx, "@graph")) != ("@id", "@type", "@graph"):
            raise _Unsupported("keyword alias")
        self._types_as_set = "@set" in self._container(self._type_key)
        self._ids: dict[str, str] = {}  # IRI -> compacted as an @id (vocab=False)
        self._types: dict[str, str] = {}  # IRI -> compacted as a type (vocab=True)
        self._literal_rules: dict[tuple, tuple] = {}
        self._node_rules: dict[tuple, tuple] = {}
        self._node_refs: dict[tuple, tuple] = {}
        self._literal_rules_nt: dict[tuple, tuple] = {}
        self._head_prefixes: dict[str, list[tuple[str, int]]] = {}

    def _container(self, term: str) -> list[str]:
        jsonld = self._jsonld
        return jsonld.JsonLdProcessor.arrayify(jsonld.JsonLdProcessor.get_context_value(self._ctx, term, "@container"))

    def compact_id(self, iri: str) -> str:
        """``_compact_iri(iri, vocab=False, base="")``: the shortest usable compact IRI, else pyld's answer."""
        shown = self._ids.get(iri)
        if shown is not None:
            return shown
        best = None
        if self._fast_ids:
            # Every prefix ends in "/" or "#" and no term holds a colon: the candidates pyld scans
            # every term for are the prefixes equal to the IRI up to one of its "/" or "#".
            # Those prefixes all lie within the IRI's head (up to its last "/" or "#" but the final
            # character), and IRIs share few heads: the candidates are worked out once per head.
            last = max(iri.rfind("/", 0, len(iri) - 1), iri.rfind("#", 0, len(iri) - 1))
            head = iri[: last + 1]
            candidates = self._head_prefixes.get(head)
            if candidates is None:
                candidates = self._head_prefixes[head] = [
                    (term, match.end())
                    for match in _IRI_SEPARATOR.finditer(head)
                    for term in self._prefixes.get(head[: match.end()], ())
                ]
            mappings = self._ctx["mappings"]
            for term, cut in candidates:
                curie = term + ":" + iri[cut:]
                if curie not in mappings and (best is None or (len(curie), curie) < (len(best), best)):
                    best = curie
            if best is None and self._plain_base:
                # No compact IRI: pyld refuses an IRI whose scheme is a prefix, else (no @base)
                # gives the IRI back as it is.
                colon = iri.find(":")
                if colon < 0 or iri[:colon] not in self._prefix_terms:
                    best = iri
        if best is None:
            best = self._proc._compact_iri(self._ctx, iri, vocab=False, base="")
        self._ids[iri] = best
        return best

    def compact_type(self, iri: str) -> str:
        shown = self._types.get(iri)
        if shown is None:
            shown = self._types[iri] = self._proc._compact_iri(self._ctx, iri, vocab=True)
        return shown

    def _literal_rule(self, predicate: str, language: str, datatype: str | None) -> tuple:
        """(term, in a language map, as a set, template) for literals of this kind under ``predicate``."""
        key = (predicate, language, datatype)
        rule = self._literal_rules.get(key)
        if rule is None:
            sample: dict[str, str] = {"@value": _SENTINEL}
            if language:
                sample["@language"] = language
            elif datatype is not None:
                sample["@type"] = datatype
            proc = self._proc
            term = proc._compact_iri(self._ctx, predicate, dict(sample), vocab=True)
            shown = proc._compact_value(self._ctx, term, dict(sample), self._options)
            container = self._container(term)
            if shown == _SENTINEL:
                template: dict[str, str] | None = None
            elif type(shown) is dict and list(shown.values()).count(_SENTINEL) == 1 and shown.get("@value") == _SENTINEL:
                template = shown
            else:
                raise _Unsupported(f"value compaction of {key}")
            rule = self._literal_rules[key] = (term, "@language" in container, "@set" in container, template)
        return rule

    def _node_rule(self, predicate: str, obj: str) -> tuple:
        """(term, as a set, compacted reference) for the N-Triples node ``obj`` under the N-Triples
        predicate ``predicate``."""
        found = self._node_refs.get((predicate, obj))
        if found is None:
            target = obj[1:-1] if obj[0] == "<" else obj
            found = self._node_refs[(predicate, obj)] = self._new_node_rule(predicate[1:-1], target)
        return found

    def _new_node_rule(self, predicate: str, target: str) -> tuple:
        is_term = False
        if target in self._inverse:
            # pyld prefers @vocab terms when the target IRI compacts to a term meaning itself.
            term = self.compact_type(target)
            mapping = self._ctx["mappings"].get(term)
            is_term = bool(term is not None and mapping and mapping["@id"] == target)
        key = (predicate, is_term)
        rule = self._node_rules.get(key)
        if rule is None:
            proc = self._proc
            term = proc._compact_iri(self._ctx, predicate, {"@id": target}, vocab=True)
            type_ = self._jsonld.JsonLdProcessor.get_context_value(self._ctx, term, "@type")
            container = self._container(term)
            if "@language" in container:
                raise _Unsupported(f"node reference under a language map: {term}")
            rule = self._node_rules[key] = (term, "@set" in container, type_)
        term, as_set, type_ = rule
        if type_ == "@id":
            return term, as_set, self.compact_id(target)
        if type_ == "@vocab":
            return term, as_set, self.compact_type(target)
        return term, as_set, {"@id": self.compact_id(target)}

    def _literal_rule_nt(self, predicate: str, tail: str) -> tuple:
        """``_literal_rule`` keyed on the N-Triples predicate and what follows a literal's closing
        quote ("", "@lang", "^^<datatype>"); adds the map key (the lower-cased language) last."""
        key = (predicate, tail)
        rule = self._literal_rules_nt.get(key)
        if rule is None:
            language, datatype = "", None
            if tail.startswith("@"):
                language = tail[1:].lower()  # as compact_jsonld lower-cases them
            elif tail:
                datatype = tail[3:-1]
            found = self._literal_rule(predicate[1:-1], language, datatype)
            rule = self._literal_rules_nt[key] = (*found, language or self._none_key)
        return rule

    def compact_lines(self, lines: Sequence[str]) -> dict[str, Any]:
        """Return the compacted document (``@context`` and a top-level ``@graph``) of sorted lines."""
        nodes: dict[str, dict[str, Any]] = {}
        type_as_array = self._types_as_set
        node: dict[str, Any] = {}
        types: list[str] = []
        current = None
        literal_rules, node_refs = self._literal_rules_nt, self._node_refs
        literal_rule, node_rule, add = self._literal_rule_nt, self._node_rule, _add_value
        compact_type, rdf_type, missing = self.compact_type, _RDF_TYPE_NT, _MISSING

        def finish() -> None:
            if types:
                if len(types) == 1:
                    node["@type"] = [types[0]] if type_as_array else types[0]
                else:
                    node["@type"] = list(types)

        for line in lines:
            subject, predicate, obj = line[:-2].split(" ", 2)
            if subject != current:
                if current is not None:
                    finish()
                current = subject
                sid = subject[1:-1] if subject[0] == "<" else subject
                node = nodes[sid] = {"@id": self.compact_id(sid)}
                types = []
            if obj[0] == '"':
                end = obj.rindex('"')  # language tags and IRIs hold no quote
                value = obj[1:end]
                if "\\" in value:
                    value = nt_unescape(value)
                tail = obj[end + 1 :]
                rule = literal_rules.get((predicate, tail)) or literal_rule(predicate, tail)
                term, in_map, as_set, template, map_key = rule
                if in_map:
                    target_map = node.get(term)
                    if target_map is None:
                        target_map = node[term] = {}
                    add(target_map, map_key, value, as_set)
                    continue
                if template is not None:
                    shown = dict(template)
                    shown["@value"] = value
                    value = shown
            elif predicate == rdf_type:
                types.append(compact_type(obj[1:-1] if obj[0] == "<" else obj))
                continue
            else:
                term, as_set, value = node_refs.get((predicate, obj)) or node_rule(predicate, obj)
            # _add_value, inlined: this runs once per triple.
            current_value = node.get(term, missing)
            if current_value is missing:
                node[term] = [value] if as_set else value
            elif type(current_value) is list:
                current_value.append(value)
            else:
                node[term] = [current_value, value]
        if current is not None:
            finish()
        return {"@context": self._context_out, "@graph": [nodes[key] for key in sorted(nodes)]}


def _jsonld_message(err: Exception) -> str:
    message = getattr(err, "message", None) or str(err)
    return " ".join(str(message).split())


def dump_json(document: Any) -> bytes:
    """Serialize JSON deterministically: sorted keys, two-space indent, UTF-8, final newline.

    The bytes of ``json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False)`` plus a
    newline, written by ``_indented_json`` (json's indenting encoder is pure Python and about
    twice as slow); anything that writer does not handle goes to json.dumps.
    """
    try:
        text = _indented_json(document)
    except _NotPlainJson:
        text = json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False)
    return (text + "\n").encode("utf-8")


class _NotPlainJson(Exception):
    pass


def _indented_json(document: Any) -> str:
    """``json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False)`` for documents of
    str-keyed dicts, lists, strings, numbers, booleans and null (else ``_NotPlainJson``)."""
    from json.encoder import encode_basestring as quote  # json's own (C) string encoder

    out: list[str] = []
    append = out.append

    def write(value: Any, pad: str) -> None:
        kind = type(value)
        if kind is str:
            append(quote(value))
        elif kind is dict:
            if not value:
                append("{}")
                return
            inner = pad + "  "
            separator = "{" + inner
            if any(type(key) is not str for key in value):
                raise _NotPlainJson
            for key in sorted(value):
                append(separator)
                append(quote(key))
                append(": ")
                item = value[key]
                if type(item) is str:
                    append(quote(item))
                else:
                    write(item, inner)
                separator = "," + inner
            append(pad + "}")
        elif kind is list:
            if not value:
                append("[]")
                return
            inner = pad + "  "
            separator = "[" + inner
            for item in value:
                append(separator)
                if type(item) is str:
                    append(quote(item))
                else:
                    write(item, inner)
                separator = "," + inner
            append(pad + "]")
        elif kind in (int, float, bool) or value is None:
            append(json.dumps(value))
        else:
            raise _NotPlainJson

    write(document, "\n")
    return "".join(out)


def write_jsonld(triples: Sequence[ox.Triple], context: dict[str, Any] | None, expanded: bool = False) -> bytes:
    """Return JSON-LD: compacted with ``context`` embedded inline, or expanded."""
    if expanded:
        return dump_json(expanded_jsonld(triples))
    return write_jsonld_lines(_nt_lines(triples), context, triples=triples)


def write_jsonld_lines(
    lines: Sequence[str], context: dict[str, Any] | None, triples: Sequence[ox.Triple] | None = None
) -> bytes:
    """Compacted JSON-LD from the triples' sorted N-Triples lines (see ``catalogue_lines``).

    Built by ``DirectCompactor``; a context it does not cover is compacted by pyld instead (from
    ``triples`` when given, else from the lines), with the same result.
    """
    if context is None:
        raise UsageError("a JSON-LD context is needed to compact; use --expanded")
    try:
        compactor = DirectCompactor(context)
    except _Unsupported:
        compactor = None
    if compactor is not None:
        from pyld.jsonld import JsonLdError

        try:
            return dump_json(compactor.compact_lines(lines))
        except _Unsupported:
            pass
        except JsonLdError as err:  # as compact_jsonld reports it
            raise RuntimeFailure(f"JSON-LD compaction failed: {_jsonld_message(err)}") from None
    if triples is None:
        triples = triples_from_lines(lines)
    return dump_json(compact_jsonld(expanded_jsonld(triples), context, from_triples=True))


def write_jsonld_pyld(triples: Sequence[ox.Triple], context: dict[str, Any]) -> bytes:
    """Compacted JSON-LD by pyld's general compaction: the reference ``DirectCompactor`` must match."""
    return dump_json(compact_jsonld(expanded_jsonld(triples), context, from_triples=True))


def context_for(layout: "Layout") -> dict[str, Any]:
    """Return the layout's JSON-LD context, else the one shipped with kzgraph."""
    if layout.context_file.is_file():
        return load_context(layout.context_file)
    from kzgraph.paths import resolve_layout

    return load_context(resolve_layout(None).context_file)


def load_context(path: Path) -> dict[str, Any]:
    """Read a JSON-LD context document (``{"@context": {...}}``); refuse remote references."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("no JSON-LD context file; it ships in ontology/context.jsonld", str(path)) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(f"cannot read the JSON-LD context: {err}", str(path)) from None
    if not isinstance(document, dict) or not isinstance(document.get("@context"), dict):
        raise InputError('the context file must be {"@context": {...}} with the context inline', str(path))
    return document

