"""``kzgraph release VERSION``: a versioned, checksummed, reproducible release of the catalogue.

A release

1. sets the version everywhere it is stated: ``owl:versionInfo`` and ``owl:versionIRI`` of the
   ontology (``ontology/kzg.ttl``), ``dcat:version`` and ``owl:versionInfo`` of the catalogue
   record (``data/catalogue.ttl``), and the record's ``dcterms:modified``, a date taken from the
   data's last commit (or, outside git, the latest ``kzg:curatedOn``), never from the clock;
2. validates the graph so versioned (a violation stops the release);
3. writes the dumps of ``export --all``, a DCAT record of the release (``release.ttl``: one
   ``dcat:Distribution`` per dump with its byte size and ``spdx:checksum``) and ``SHA256SUMS``;
4. puts an entry on top of ``CHANGELOG.md``, made by ``kzgraph diff`` from the previous release
   (the commit that set the version being replaced) to this one.

The same inputs give the same bytes. A version not newer than the current one is refused.
The work happens on a temporary copy; the checkout is changed only once everything succeeded.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kzgraph import iris
from kzgraph.errors import InputError, NotConforming, UsageError

VERSION = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")
SPDX = "http://spdx.org/rdf/terms#"
ONTOLOGY_IRI = "https://w3id.org/kzgraph/ontology"
CATALOGUE = iris.ID + "catalogue"
CHANGELOG = "CHANGELOG.md"
RELEASE_RECORD = "release.ttl"
SUMS = "SHA256SUMS"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# dump suffix -> (EU file type, IANA media type)
_DUMP_TYPES = {
    ".ttl": ("RDF_TURTLE", "text/turtle"),
    ".nt": ("RDF_N_TRIPLES", "application/n-triples"),
    ".nq": ("RDF_N_QUADS", "application/n-quads"),
    ".trig": ("RDF_TRIG", "application/trig"),
    ".rdf": ("RDF_XML", "application/rdf+xml"),
    ".jsonld": ("JSON_LD", "application/ld+json"),
}


@dataclass(frozen=True)
class Release:
    """What ``make_release`` wrote."""

    version: str
    previous: str
    date: str
    directory: Path
    files: list[str]
    changelog_entry: str


def parse_version(text: str) -> tuple[int, int, int]:
    match = VERSION.fullmatch(text.strip())
    if match is None:
        raise UsageError(f"version {text!r} is not MAJOR.MINOR.PATCH (e.g. 0.2.0)")
    return tuple(int(part) for part in match.groups())  # type: ignore[return-value]


def _objects(quads, subject: str, predicate: str) -> list[ox.Literal | ox.NamedNode]:
    return [q.object for q in quads if q.subject.value == subject and q.predicate.value == predicate]


def current_version(catalogue_file: Path) -> str:
    """The catalogue's version (``dcat:version`` of ``id:catalogue``)."""
    from kzgraph.load import load_files

    found = _objects(load_files([catalogue_file]).quads, CATALOGUE, iris.DCAT + "version")
    if len(found) != 1 or not isinstance(found[0], ox.Literal):
        raise InputError("the catalogue record needs exactly one dcat:version \"MAJOR.MINOR.PATCH\"",
                         str(catalogue_file))
    return found[0].value


def _git(repo: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def in_git(root: Path) -> bool:
    return _git(root, "rev-parse", "--is-inside-work-tree") == "true"


def previous_release_commit(root: Path, catalogue_file: Path, version: str) -> str | None:
    """The commit that set ``dcat:version "version"`` in the catalogue record (the last release)."""
    if not in_git(root):
        return None
    relative = catalogue_file.resolve().relative_to(Path(_git(root, "rev-parse", "--show-toplevel") or root).resolve())
    found = _git(root, "log", "-1", "--format=%H", "-S", f'dcat:version "{version}"', "--", relative.as_posix())
    return found or None


def release_date(root: Path, quads) -> str:
    """The release's date: the last commit's date (in git), else the latest kzg:curatedOn."""
    if in_git(root):
        date = _git(root, "log", "-1", "--format=%cs")
        if date and _DATE.fullmatch(date):
            return date
    dates = sorted(q.object.value for q in quads if q.predicate.value == iris.KZG + "curatedOn"
                   and isinstance(q.object, ox.Literal) and _DATE.fullmatch(q.object.value))
    if not dates:
        raise InputError("no date to release on: not a git checkout and no kzg:curatedOn in the data; give --date")
    return dates[-1]


# ------------------------------------------------------------------ versioning the sources


def versioned_catalogue(path: Path, version: str, date: str) -> str:
    """The catalogue record's canonical text with its version and modification date set."""
    from kzgraph.export.canonical import leading_comments, render
    from kzgraph.load import load_files

    replaced = {iris.DCAT + "version": ox.Literal(version), iris.OWL + "versionInfo": ox.Literal(version),
                iris.DCTERMS + "modified": ox.Literal(date, datatype=ox.NamedNode(iris.XSD + "date"))}
    record = ox.NamedNode(CATALOGUE)
    quads = [q for q in load_files([path]).quads if not (q.subject == record and q.predicate.value in replaced)]
    quads += [ox.Quad(record, ox.NamedNode(p), o, ox.DefaultGraph()) for p, o in replaced.items()]
    text = path.read_text(encoding="utf-8-sig")
    comments = None
    if "#" in text:
        from kzgraph.export.canonical import _header_end
        from kzgraph.load.triple_lines import scan_triple_lines

        header = leading_comments(text)
        comments = scan_triple_lines(text, base=path.resolve().as_uri(), comments=True,
                                     skip_lines=_header_end(text, header)).comments
    return render(quads, main_subject=CATALOGUE, header=leading_comments(text), comments=comments)


_VERSION_INFO = re.compile(r'(owl:versionInfo\s+)"[^"]*"')
_VERSION_IRI = re.compile(r"(owl:versionIRI\s+<" + re.escape(ONTOLOGY_IRI) + r"/)[^>]*(>)")


def versioned_ontology(path: Path, version: str) -> str:
    """The ontology's text with owl:versionInfo and owl:versionIRI set (the rest kept as written)."""
    from kzgraph.load import load_files

    text = path.read_text(encoding="utf-8")
    new, infos = _VERSION_INFO.subn(lambda m: f'{m[1]}"{version}"', text)
    new, iris_found = _VERSION_IRI.subn(lambda m: f"{m[1]}{version}{m[2]}", new)
    if infos != 1 or iris_found != 1:
        raise InputError(f"the ontology needs one owl:versionInfo \"…\" and one owl:versionIRI <{ONTOLOGY_IRI}/…> "
                         "to set the version in", str(path))
    with tempfile.TemporaryDirectory(prefix="kzgraph-release-") as tmp:
        check = Path(tmp) / path.name
        check.write_text(new, encoding="utf-8")
        quads = load_files([check]).quads
    if [o.value for o in _objects(quads, ONTOLOGY_IRI, iris.OWL + "versionInfo")] != [version] or [
        o.value for o in _objects(quads, ONTOLOGY_IRI, iris.OWL + "versionIRI")
    ] != [f"{ONTOLOGY_IRI}/{version}"]:
        raise InputError(f"owl:versionInfo and owl:versionIRI are not on <{ONTOLOGY_IRI}>", str(path))
    return new


# ------------------------------------------------------------------ the files of a release


def export_all(layout) -> dict[str, bytes]:
    """The files ``kzgraph export --all`` writes, for ``layout``."""
    from kzgraph import export as ex
    from kzgraph.export import profiles
    from kzgraph.load import load_catalogue

    catalogue = load_catalogue(layout, store=False)
    lines = ex.catalogue_lines(catalogue)
    triples = ex.triples_from_lines(lines) if lines is not None else ex.prepare(ex.catalogue_triples(catalogue))
    views = {name: ex.prepare(profiles.view(triples, name)) for name in profiles.PROFILES}
    return ex.build_all(triples, views, ex.context_for(layout))


def release_record(files: dict[str, bytes], version: str, date: str) -> str:
    """The DCAT record of the release: a distribution per dump with its size and SHA-256."""
    from kzgraph.export.canonical import render

    n, lit = ox.NamedNode, ox.Literal
    record = n(CATALOGUE)
    triples = []

    def add(s, p, o):
        triples.append(ox.Triple(s, n(p), o))

    for name in sorted(files):
        suffix = Path(name).suffix
        if suffix not in _DUMP_TYPES:
            continue  # README.md, VERSION
        data = files[name]
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        dist = n(f"{iris.ID}catalogue-{version}-{slug}")
        checksum = n(f"{iris.ID}catalogue-{version}-{slug}-sha256")
        filetype, media = _DUMP_TYPES[suffix]
        if name == "context.jsonld":
            filetype, media = "JSON_LD", "application/ld+json"
        add(record, iris.DCAT + "distribution", dist)
        add(dist, iris.RDF + "type", n(iris.DCAT + "Distribution"))
        add(dist, iris.DCTERMS + "title", lit(f"kzgraph {version}: {name}", language="en"))
        add(dist, iris.DCTERMS + "identifier", lit(name))
        add(dist, iris.DCTERMS + "issued", lit(date, datatype=n(iris.XSD + "date")))
        add(dist, iris.DCTERMS + "license", n("https://creativecommons.org/licenses/by/4.0/"))
        add(dist, iris.DCTERMS + "format", n(iris.FILETYPE + filetype))
        add(dist, iris.DCAT + "mediaType", n("https://www.iana.org/assignments/media-types/" + media))
        add(dist, iris.DCAT + "byteSize", lit(str(len(data)), datatype=n(iris.XSD + "nonNegativeInteger")))
        add(dist, SPDX + "checksum", checksum)
        add(checksum, iris.RDF + "type", n(SPDX + "Checksum"))
        add(checksum, SPDX + "algorithm", n(SPDX + "checksumAlgorithm_sha256"))
        add(checksum, SPDX + "checksumValue", lit(hashlib.sha256(data).hexdigest(), datatype=n(iris.XSD + "hexBinary")))
    add(record, iris.DCAT + "version", lit(version))
    header = (f"# The DCAT record of kzgraph release {version}: one dcat:Distribution per file of this folder,\n"
              "# with its size and SHA-256 (kept beside the dumps: a dump cannot hold its own checksum).\n")
    return render(triples, main_subject=CATALOGUE, header=header)


def sha256sums(files: dict[str, bytes]) -> bytes:
    """``sha256sum``-style lines for every file, sorted by name (``sha256sum -c SHA256SUMS`` checks them)."""
    return "".join(f"{hashlib.sha256(files[name]).hexdigest()}  {name}\n" for name in sorted(files)).encode()


def changelog_entry(version: str, date: str, previous: str, diff) -> str:
    """The CHANGELOG.md entry of a release, from the diff against the previous one."""
    from kzgraph.validate import compact

    def named(entry: str) -> str:
        label = diff.labels.get(entry)
        return f"{compact(entry)} ({label})" if label else compact(entry)

    lines = [f"## {version} — {date}", "", f"Compared with {previous}: {diff.summary()}.", ""]
    for title, entries in (("Added", diff.entries_added), ("Removed", diff.entries_removed)):
        lines += [f"- {title}: {named(e)}" for e in entries]
    for entry, change in diff.entries.items():
        count = len(change.added) + len(change.removed) + len(change.changed)
        lines.append(f"- Changed: {named(entry)}, {count} fact{'' if count == 1 else 's'}")
    if diff.nodes:
        lines.append(f"- Other nodes changed: {', '.join(compact(node) for node in list(diff.nodes)[:20])}"
                     + (", …" if len(diff.nodes) > 20 else ""))
    if lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"


def updated_changelog(path: Path, entry: str) -> str:
    """CHANGELOG.md with ``entry`` on top (below the title)."""
    title = "# Changelog\n\nEach release of the catalogue, newest first, written by `kzgraph release`.\n"
    old = path.read_text(encoding="utf-8") if path.is_file() else title
    if not old.startswith("# Changelog"):
        old = title + "\n" + old
    head, sep, rest = old.partition("\n## ")
    return head.rstrip("\n") + "\n\n" + entry + ("\n## " + rest if sep else "")


# ------------------------------------------------------------------ the command's work


def make_release(layout, version: str, output: Path | None = None, previous: str | None = None,
                 date: str | None = None) -> Release:
    """Make release ``version`` of the graph at ``layout``; see the module docstring."""
    from kzgraph.output import write_file
    from kzgraph.graphdiff import compare, side
    from kzgraph.load import load_catalogue, load_shapes
    from kzgraph.paths import Layout, display_path
    from kzgraph.validate import validate

    from kzgraph.paths import CATALOGUE_DIR

    root = layout.root
    if Path(root).resolve() == CATALOGUE_DIR.resolve():
        raise UsageError("this is the copy of the graph installed with kzgraph; release a checkout "
                         "(cd into it, or give --root DIR)")
    catalogue_file = layout.data_dir / "catalogue.ttl"
    if not catalogue_file.is_file():
        raise InputError("no catalogue record to release", display_path(catalogue_file))
    last = current_version(catalogue_file)
    wanted = parse_version(version)
    try:
        newer = wanted > parse_version(last)
    except UsageError:
        newer = True  # a malformed old version: any well-formed one replaces it
    if not newer:
        raise UsageError(f"version {version} is not newer than the last release, {last} "
                         "(dcat:version in data/catalogue.ttl); give a higher version")
    directory = Path(output) if output is not None else root / "dist" / version
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise UsageError(f"{display_path(directory)} exists and is not empty; give another -o DIR or remove it")
    if date is not None and not _DATE.fullmatch(date):
        raise UsageError(f"--date {date!r} is not YYYY-MM-DD")

    repo = root if in_git(root) else None
    given = previous
    if previous is None:
        commit = previous_release_commit(root, catalogue_file, last)
        previous = commit
    with tempfile.TemporaryDirectory(prefix="kzgraph-release-") as tmp:
        work = Path(tmp) / "graph"
        for folder in (layout.ontology_dir, layout.data_dir, layout.shapes_dir):
            shutil.copytree(folder, work / folder.name)
        staged = Layout(work)
        quads = load_catalogue(staged, store=False).quads
        when = date or release_date(root, quads)
        new_catalogue = versioned_catalogue(staged.data_dir / "catalogue.ttl", version, when)
        new_ontology = versioned_ontology(staged.ontology_file, version)
        (staged.data_dir / "catalogue.ttl").write_text(new_catalogue, encoding="utf-8")
        staged.ontology_file.write_text(new_ontology, encoding="utf-8")

        report = validate(load_catalogue(staged), load_shapes(staged), data_dir=staged.data_dir)
        violations = report.count("Violation")
        if violations:
            raise NotConforming(f"release {version} refused: {report.summary()}; run kzgraph validate --quiet and fix them")

        files = export_all(staged)
        files[RELEASE_RECORD] = release_record(files, version, when).encode("utf-8")
        files[SUMS] = sha256sums(files)

        if previous is not None:
            with side(previous, repo) as (old_quads, old_name):
                diff = compare(old_quads, load_catalogue(staged, store=False).quads, old_name, version)
            named = f"{last} (commit {commit[:12]})" if given is None else f"{last} ({old_name})"
        else:
            diff = compare([], load_catalogue(staged, store=False).quads, "nothing", version)
            named = "nothing (the first release)"
        entry = changelog_entry(version, when, named, diff)

        # everything is ready: write the release folder, then the versioned sources
        directory.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".kzgraph-release-", dir=directory.parent))
        try:
            for name, data in files.items():
                (staging / name).write_bytes(data)
            if directory.exists():
                directory.rmdir()
            staging.rename(directory)
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
        write_file(catalogue_file, new_catalogue.encode("utf-8"))
        write_file(layout.ontology_file, new_ontology.encode("utf-8"))
        write_file(root / CHANGELOG, updated_changelog(root / CHANGELOG, entry).encode("utf-8"))
    return Release(version, last, when, directory, sorted(files), entry)
