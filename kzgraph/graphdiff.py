"""A semantic diff of two versions of the graph: entries added and removed, facts per entry.

Each side is a folder (a checkout, or any folder of RDF files) or a git revision of a checkout;
a revision is read with ``git archive`` into a temporary folder, so the work tree is never touched.
Triples are compared as RDF terms, not as text: formatting, order and prefixes never show up.
Blank nodes (only in the ontology's OWL axioms) are compared after canonical labelling
(rdflib's ``to_canonical_graph``), so the same structure on both sides has the same labels.

Facts are grouped by the entry they describe: the entry's own node and the nodes named after it
(``id:{entry}-…``: its assessment, publications, accounts). Every other node (organizations,
vocabulary concepts, ontology terms) is grouped under itself.
"""

from __future__ import annotations

import subprocess
import tarfile
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox

from kzgraph import iris
from kzgraph.errors import InputError, RuntimeFailure, UsageError

_RDF_TYPE = iris.RDF + "type"
_SOURCE = iris.KZG + "Source"
_LABEL = iris.RDFS + "label"
# the folders of a checkout that hold the graph (git archive reads only these)
GRAPH_FOLDERS = ("ontology", "data", "shapes")


@dataclass
class NodeChange:
    """What changed about one node (or one entry with its nodes)."""

    added: list[tuple[str, str, str]] = field(default_factory=list)  # (subject, predicate, object)
    removed: list[tuple[str, str, str]] = field(default_factory=list)
    changed: list[tuple[str, str, str, str]] = field(default_factory=list)  # (s, p, old, new)

    def to_dict(self) -> dict:
        return {
            "added": [list(t) for t in self.added],
            "removed": [list(t) for t in self.removed],
            "changed": [{"subject": s, "predicate": p, "old": o, "new": n} for s, p, o, n in self.changed],
        }


@dataclass
class GraphDiff:
    """The difference between two graphs."""

    old: str
    new: str
    entries_added: list[str] = field(default_factory=list)
    entries_removed: list[str] = field(default_factory=list)
    entries: dict[str, NodeChange] = field(default_factory=dict)  # entry IRI -> changes (kept entries)
    nodes: dict[str, NodeChange] = field(default_factory=dict)  # other subject -> changes
    labels: dict[str, str] = field(default_factory=dict)  # entry IRI -> English label (new, else old)
    added_facts: dict[str, NodeChange] = field(default_factory=dict)  # facts of added/removed entries
    removed_facts: dict[str, NodeChange] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.entries_added or self.entries_removed or self.entries or self.nodes)

    def summary(self) -> str:
        def n(count: int, word: str) -> str:
            return f"{count} {word if count == 1 else word[:-1] + 'ies' if word.endswith('y') else word + 's'}"

        facts = sum(len(c.added) + len(c.removed) + len(c.changed)
                    for c in (*self.entries.values(), *self.nodes.values()))
        return (f"{n(len(self.entries_added), 'entry')} added, {n(len(self.entries_removed), 'entry')} removed, "
                f"{n(len(self.entries), 'entry')} changed, {n(len(self.nodes), 'other node')} changed "
                f"({n(facts, 'fact')} added, removed or changed)")

    def to_dict(self) -> dict:
        return {
            "old": self.old,
            "new": self.new,
            "summary": self.summary(),
            "entries": {
                "added": [{"entry": e, "label": self.labels.get(e)} for e in self.entries_added],
                "removed": [{"entry": e, "label": self.labels.get(e)} for e in self.entries_removed],
                "changed": {e: {"label": self.labels.get(e), **c.to_dict()} for e, c in self.entries.items()},
            },
            "nodes": {s: c.to_dict() for s, c in self.nodes.items()},
        }


# ------------------------------------------------------------------ reading a side


def is_revision(text: str, repo: Path) -> bool:
    """Tell whether ``text`` names a commit of the git checkout ``repo``."""
    try:
        done = subprocess.run(["git", "-C", str(repo), "rev-parse", "--verify", "--quiet", f"{text}^{{commit}}"],
                              capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def commit_of(revision: str, repo: Path) -> str:
    """Return the full commit hash ``revision`` names."""
    done = subprocess.run(["git", "-C", str(repo), "rev-parse", "--verify", f"{revision}^{{commit}}"],
                          capture_output=True, text=True, timeout=30)
    if done.returncode != 0:
        raise UsageError(f"{revision!r} is neither a folder nor a git revision of {repo}")
    return done.stdout.strip()


@contextmanager
def revision_tree(revision: str, repo: Path) -> Iterator[Path]:
    """Yield a temporary folder holding the graph's folders as they are at ``revision``.

    ``git archive`` writes the tree to a tar stream: the work tree and the index are never touched.
    """
    commit = commit_of(revision, repo)
    listed = subprocess.run(["git", "-C", str(repo), "ls-tree", "--name-only", commit],
                            capture_output=True, text=True, timeout=30)
    folders = [name for name in GRAPH_FOLDERS if name in listed.stdout.split()]
    if not folders:
        raise UsageError(f"revision {revision} of {repo} has none of the folders {', '.join(GRAPH_FOLDERS)}")
    with tempfile.TemporaryDirectory(prefix="kzgraph-diff-") as tmp:
        archive = Path(tmp) / "tree.tar"
        with open(archive, "wb") as out:
            done = subprocess.run(["git", "-C", str(repo), "archive", "--format=tar", commit, *folders],
                                  stdout=out, stderr=subprocess.PIPE, timeout=300)
        if done.returncode != 0:
            raise RuntimeFailure(f"git archive {revision} failed: {done.stderr.decode(errors='replace').strip()}")
        root = Path(tmp) / "tree"
        with tarfile.open(archive) as tar:
            tar.extractall(root, filter="data")
        yield root


def load_side(path: Path) -> list[ox.Quad]:
    """Load a folder: a graph root (ontology/, data/) by its layout, else every RDF file in it."""
    from kzgraph.load import load_catalogue, load_files
    from kzgraph.paths import Layout

    if (path / "ontology").is_dir() or (path / "data").is_dir():
        return list(load_catalogue(Layout(path), store=False).quads)
    return list(load_files([path]).quads)


@contextmanager
def side(text: str, repo: Path | None) -> Iterator[tuple[list[ox.Quad], str]]:
    """Yield the triples of one side of a diff and how to name it."""
    path = Path(text)
    if path.is_dir():
        yield load_side(path), text
        return
    if repo is None or not is_revision(text, repo):
        where = f" of the checkout {repo}" if repo is not None else ""
        raise UsageError(f"{text!r} is neither a folder nor a git revision{where}; give a folder or a commit, tag or branch")
    with revision_tree(text, repo) as tree:
        yield load_side(tree), f"{text} ({commit_of(text, repo)[:12]})"


# ------------------------------------------------------------------ comparing


def _key(term: object) -> str:
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, ox.NamedNode):
        return term.value
    return str(term)


def _canonical(quads: list[ox.Quad]) -> set[tuple[str, str, str]]:
    """The triples as (subject, predicate, object) keys; blank nodes canonically labelled."""
    if not any(isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode) for q in quads):
        return {(_key(q.subject), q.predicate.value, _key(q.object) if isinstance(q.object, (ox.NamedNode, ox.BlankNode))
                 else str(q.object)) for q in quads}
    from rdflib.compare import to_canonical_graph

    from kzgraph.load import from_rdflib, to_rdflib

    canonical = to_canonical_graph(to_rdflib(quads))
    return {(_key(t.subject), t.predicate.value, _key(t.object) if isinstance(t.object, (ox.NamedNode, ox.BlankNode))
             else str(t.object)) for t in from_rdflib(canonical)}


def _owner(subject: str, entries: set[str]) -> str:
    """The entry a node belongs to: itself, or the entry it is named after (id:{entry}-…)."""
    if subject in entries or not subject.startswith(iris.ID):
        return subject
    name = subject
    while "-" in name[len(iris.ID):]:
        name = name.rsplit("-", 1)[0]
        if name in entries:
            return name
    return subject


def compare(old: list[ox.Quad], new: list[ox.Quad], old_name: str = "old", new_name: str = "new") -> GraphDiff:
    """Return the semantic diff of two graphs."""
    before, after = _canonical(old), _canonical(new)
    old_entries = {s for s, p, o in before if p == _RDF_TYPE and o == _SOURCE}
    new_entries = {s for s, p, o in after if p == _RDF_TYPE and o == _SOURCE}
    everyone = old_entries | new_entries
    diff = GraphDiff(old=old_name, new=new_name)
    diff.entries_added = sorted(new_entries - old_entries)
    diff.entries_removed = sorted(old_entries - new_entries)
    for quads in (old, new):  # the new label wins
        for q in quads:
            if (q.predicate.value == _LABEL and isinstance(q.object, ox.Literal) and q.object.language == "en"
                    and _key(q.subject) in everyone):
                diff.labels[_key(q.subject)] = q.object.value
    changes: dict[str, NodeChange] = {}
    gone = sorted(before - after)
    came = sorted(after - before)
    by_pair_gone: dict[tuple[str, str], list[str]] = {}
    by_pair_came: dict[tuple[str, str], list[str]] = {}
    for s, p, o in gone:
        by_pair_gone.setdefault((s, p), []).append(o)
    for s, p, o in came:
        by_pair_came.setdefault((s, p), []).append(o)
    for pair in sorted(set(by_pair_gone) | set(by_pair_came)):
        s, p = pair
        change = changes.setdefault(_owner(s, everyone), NodeChange())
        olds, news = by_pair_gone.get(pair, []), by_pair_came.get(pair, [])
        if len(olds) == 1 and len(news) == 1:  # one value replaced by another
            change.changed.append((s, p, olds[0], news[0]))
            continue
        change.removed += [(s, p, o) for o in olds]
        change.added += [(s, p, o) for o in news]
    for owner, change in sorted(changes.items()):
        if owner in diff.entries_added:
            diff.added_facts[owner] = change
        elif owner in diff.entries_removed:
            diff.removed_facts[owner] = change
        elif owner in everyone:
            diff.entries[owner] = change
        else:
            diff.nodes[owner] = change
    return diff


def diff_sides(old: str, new: str, repo: Path | None) -> GraphDiff:
    """Compare two sides (folders or git revisions of ``repo``)."""
    with side(old, repo) as (old_quads, old_name), side(new, repo) as (new_quads, new_name):
        return compare(old_quads, new_quads, old_name, new_name)


# ------------------------------------------------------------------ showing


def render_text(diff: GraphDiff) -> str:
    """Return the readable diff: the summary, entries added and removed, then changes per node."""
    from kzgraph.validate import compact, compact_value

    def term(value: str) -> str:
        return compact_value(value) if value.startswith(("<", '"')) or "://" not in value else compact(value)

    def fact(s: str, p: str, o: str, owner: str) -> str:
        where = "" if s == owner else f"{compact(s)} "
        return f"{where}{compact(p)} {term(o)}"

    lines = [f"{diff.old} → {diff.new}: {diff.summary()}"]
    for title, entries in (("added", diff.entries_added), ("removed", diff.entries_removed)):
        if entries:
            lines += ["", f"Entries {title}:"]
            sign = "+" if title == "added" else "-"
            lines += [f"  {sign} {compact(e)}" + (f" ({diff.labels[e]})" if e in diff.labels else "") for e in entries]
    for title, group in (("Entries changed", diff.entries), ("Other nodes changed", diff.nodes)):
        if not group:
            continue
        lines += ["", f"{title}:"]
        for owner, change in group.items():
            label = f" ({diff.labels[owner]})" if owner in diff.labels else ""
            lines.append(f"  ~ {compact(owner)}{label}")
            lines += [f"      + {fact(s, p, o, owner)}" for s, p, o in change.added]
            lines += [f"      - {fact(s, p, o, owner)}" for s, p, o in change.removed]
            lines += [f"      ~ {fact(s, p, a, owner)} → {term(b)}" for s, p, a, b in change.changed]
    return "\n".join(lines) + "\n"
