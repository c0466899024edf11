"""Generate a catalogue-shaped synthetic graph N times the size of the shipped one.

    python benchmarks/generate.py --scale 100 --out /tmp/kzbench/x100

The output folder is a kzgraph checkout (``kzgraph --root DIR ...`` works on it): the real
``ontology/`` and ``shapes/`` are copied, and ``data/`` holds the shipped data files plus
renamed, perturbed clones of them, one Turtle file per entry as in the real layout.

Scale is measured in triples: ``--scale N`` makes the whole graph (ontology, vocabularies and
data) about N times as many triples as the shipped one. The ontology and vocabularies are not
cloned (a bigger catalogue uses the same terms), so the data is cloned as many times as needed.

Each clone ``k`` renames every node ``id:{slug}…`` described in the data to ``id:{slug}-c{k}…``
(inside the file of entry ``slug``, so the file naming rule holds) and every reference to it,
and perturbs values the way real entries differ, keeping them valid under the shapes:

- labels and titles get `` (copy k)``; review item numbers get a ``{1000+k}.`` first part;
- web addresses (homepages, landing pages, account URLs, evidence) get a ``#ck`` fragment;
- every xsd:gYear in the file (founding, issue, wave and flag years) shifts by the same
  random 0..8 years back, so their order is kept;
- one topic (dcat:theme) of an entry may be swapped for another topic the data uses;
- the language codes of a file may be swapped pairwise (consistently across primary,
  occasional and exclusive languages, so their rules hold);
- the statuses of an entry with a single assessment may be redrawn.

The catalogue record (``data/catalogue.ttl``) lists every clone's entries; the review is shared.
The seed is fixed, so the same scale always gives the same files.
"""

from __future__ import annotations

import argparse
import math
import random
import shutil
import sys
import time
from pathlib import Path

import pyoxigraph as ox

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kzgraph import iris  # noqa: E402

ID = iris.ID
XSD_GYEAR = iris.XSD + "gYear"
RDF_TYPE = iris.RDF + "type"
LABEL_PREDICATES = {iris.RDFS + "label", iris.FOAF + "name", iris.DCTERMS + "title"}
THEME = iris.DCAT + "theme"
LANGUAGE_PREDICATES = {
    iris.KZG + "primaryLanguage",
    iris.KZG + "occasionalLanguage",
    iris.KZG + "exclusiveLanguage",
}
STATUS_PREDICATES = {iris.KZG + "methodologyStatus", iris.KZG + "dataCollectionStatus"}
ASSESSMENT = iris.KZG + "Assessment"
CATALOGUE_RESOURCE = iris.DCAT + "resource"
REVIEW_ITEM = iris.KZG + "reviewItem"
# Web addresses of the things described (not vocabulary terms or licences): cloned entries
# get their own.
URL_PREDICATES = {
    iris.FOAF + "homepage",
    iris.DCAT + "landingPage",
    iris.KZG + "accountUrl",
    iris.KZG + "evidence",
    iris.DCAT + "accessURL",
    iris.DCAT + "downloadURL",
}
# Not cloned: one catalogue record, one review, one project.
SHARED_FILES = ("catalogue.ttl", "review.ttl")
DEFAULT_SEED = 8
# "vocab:" would shadow the scheme prefixes (topic:, status:, ...) in the written Turtle.
PREFIXES = {name: ns for name, ns in iris.PREFIXES.items() if name != "vocab"}


def parse(path: Path) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(path=str(path), base_iri=path.as_uri())]


def count_triples(paths: list[Path]) -> int:
    return sum(len(parse(p)) for p in paths)


class Template:
    """One shipped data file, parsed once and cloned many times."""

    def __init__(self, path: Path, data_dir: Path) -> None:
        self.path = path
        self.rel = path.relative_to(data_dir)
        self.slug = path.stem
        self.triples = parse(path)
        self.subjects = sorted(
            {t.subject.value for t in self.triples if isinstance(t.subject, ox.NamedNode)}
        )
        self.single_assessment = (
            sum(
                1
                for t in self.triples
                if t.predicate.value == RDF_TYPE and t.object.value == ASSESSMENT
            )
            == 1
        )

    def renamed(self, iri: str, k: int) -> str:
        local = iri[len(ID):]
        if local.startswith(self.slug):
            return f"{ID}{self.slug}-c{k}{local[len(self.slug):]}"
        return f"{ID}{local}-c{k}"


class Generator:
    def __init__(self, repo: Path, seed: int) -> None:
        self.repo = repo
        self.seed = seed
        self.data_dir = repo / "data"
        files = sorted(self.data_dir.rglob("*.ttl"), key=lambda p: p.relative_to(self.data_dir).as_posix())
        self.shared = [p for p in files if p.relative_to(self.data_dir).as_posix() in SHARED_FILES]
        self.templates = [Template(p, self.data_dir) for p in files if p not in self.shared]
        # Which template describes each node, for renaming references across files.
        self.owner: dict[str, Template] = {}
        for template in self.templates:
            for subject in template.subjects:
                if subject.startswith(ID):
                    self.owner[subject] = template
        self.topics = sorted(
            {t.object.value for tpl in self.templates for t in tpl.triples if t.predicate.value == THEME}
        )
        self.languages = sorted(
            {
                t.object.value
                for tpl in self.templates
                for t in tpl.triples
                if t.predicate.value in LANGUAGE_PREDICATES
            }
        )
        self.statuses = sorted(
            {
                t.object.value
                for tpl in self.templates
                for t in tpl.triples
                if t.predicate.value in STATUS_PREDICATES
            }
        )

    # ------------------------------------------------------------------ sizes

    def base_files(self) -> list[Path]:
        ontology = self.repo / "ontology"
        return [ontology / "kzg.ttl", *sorted((ontology / "vocab").glob("*.ttl"))]

    def copies_for(self, scale: float) -> tuple[int, int, int]:
        """Return (copies of the data, shipped triples, shipped data triples) for ``scale``."""
        base = count_triples(self.base_files())
        data = sum(len(t.triples) for t in self.templates) + count_triples(self.shared)
        clone = sum(len(t.triples) for t in self.templates)
        shipped = base + data
        extra = max(0.0, scale * shipped - shipped)
        # Each clone adds its files plus one dcat:resource per entry in the catalogue record.
        return 1 + math.ceil(extra / (clone + self._entries_per_copy())), shipped, data

    def _entries_per_copy(self) -> int:
        return sum(1 for t in self.shared_triples() if t.predicate.value == CATALOGUE_RESOURCE)

    def shared_triples(self) -> list[ox.Triple]:
        return [t for p in self.shared for t in parse(p)]

    # ------------------------------------------------------------------ cloning

    def clone(self, template: Template, k: int) -> list[ox.Triple]:
        rng = random.Random(f"{self.seed}:{k}:{template.rel.as_posix()}")
        shift = rng.randint(-8, 0)
        swap_topic = rng.random() < 0.5 and len(self.topics) > 1
        themes = [t.object.value for t in template.triples if t.predicate.value == THEME]
        old_topic = rng.choice(themes) if swap_topic and themes else None
        new_topic = rng.choice(self.topics) if old_topic else None
        languages: dict[str, str] = {}
        if rng.random() < 0.3 and len(self.languages) > 1:
            a, b = rng.sample(self.languages, 2)
            languages = {a: b, b: a}
        statuses: dict[str, str] = {}
        if template.single_assessment and rng.random() < 0.3:
            statuses = {p: rng.choice(self.statuses) for p in sorted(STATUS_PREDICATES)}
        label_suffix = f" (copy {k})"
        fragment = f"c{k}"

        def node(term):
            if isinstance(term, ox.NamedNode):
                owner = self.owner.get(term.value)
                if owner is not None:
                    return ox.NamedNode(owner.renamed(term.value, k))
            return term

        out: list[ox.Triple] = []
        for t in template.triples:
            s, p, o = node(t.subject), t.predicate, node(t.object)
            pv = p.value
            if isinstance(o, ox.Literal):
                if o.datatype.value == XSD_GYEAR and shift:
                    o = ox.Literal(_shift_year(o.value, shift), datatype=o.datatype)
                elif pv in LABEL_PREDICATES and o.language:
                    o = ox.Literal(o.value + label_suffix, language=o.language)
                elif pv == REVIEW_ITEM:
                    # Unique within a section, still "as printed" (digits and dots); shipped
                    # item numbers are small, so a first part from 1001 on never collides.
                    o = ox.Literal(f"{1000 + k}.{o.value}", datatype=o.datatype)
            elif isinstance(o, ox.NamedNode):
                if pv in URL_PREDICATES:
                    sep = "-" if "#" in o.value else "#"
                    o = ox.NamedNode(f"{o.value}{sep}{fragment}")
                elif pv == THEME and o.value == old_topic:
                    o = ox.NamedNode(new_topic)
                elif pv in LANGUAGE_PREDICATES and o.value in languages:
                    o = ox.NamedNode(languages[o.value])
                elif pv in statuses:
                    o = ox.NamedNode(statuses[pv])
            out.append(ox.Triple(s, p, o))
        return out

    def expand_shared(self, path: Path, copies: int) -> list[ox.Triple]:
        """Return a shared file's triples, its catalogue record listing every clone's entries."""
        out: list[ox.Triple] = []
        for t in parse(path):
            out.append(t)
            if t.predicate.value == CATALOGUE_RESOURCE and t.object.value in self.owner:
                owner = self.owner[t.object.value]
                for k in range(1, copies):
                    out.append(ox.Triple(t.subject, t.predicate, ox.NamedNode(owner.renamed(t.object.value, k))))
        return out

    # ------------------------------------------------------------------ output

    def write(self, scale: float, out: Path) -> dict:
        copies, shipped, data_triples = self.copies_for(scale)
        if out.exists():
            shutil.rmtree(out)
        out.mkdir(parents=True)
        for folder in ("ontology", "shapes"):
            if (self.repo / folder).is_dir():
                shutil.copytree(self.repo / folder, out / folder)
        data_out = out / "data"
        triples = count_triples(self.base_files())
        files = 0
        for template in self.templates:
            target = data_out / template.rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(template.path, target)
            triples += len(template.triples)
            files += 1
            for k in range(1, copies):
                clone = self.clone(template, k)
                name = target.with_name(f"{template.slug}-c{k}{target.suffix}")
                name.write_bytes(_turtle(clone))
                triples += len(clone)
                files += 1
        for path in self.shared:
            target = data_out / path.relative_to(self.data_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            if copies == 1:
                shutil.copyfile(path, target)
                triples += len(parse(path))
            else:
                record = self.expand_shared(path, copies)
                target.write_bytes(_turtle(record))
                triples += len(record)
            files += 1
        return {
            "scale": scale,
            "copies": copies,
            "files": files,
            "triples": triples,
            "shipped_triples": shipped,
            "shipped_data_triples": data_triples,
            "seed": self.seed,
        }


def _shift_year(value: str, shift: int) -> str:
    try:
        return f"{int(value) + shift:04d}"
    except ValueError:
        return value


def _turtle(triples: list[ox.Triple]) -> bytes:
    iris_used = {
        term.value
        for t in triples
        for term in (t.subject, t.predicate, t.object)
        if isinstance(term, ox.NamedNode)
    } | {t.object.datatype.value for t in triples if isinstance(t.object, ox.Literal)}
    prefixes = {
        name: ns for name, ns in PREFIXES.items() if any(iri.startswith(ns) for iri in iris_used)
    }
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, required=True, help="size as a multiple of the shipped graph's triples")
    parser.add_argument("--out", type=Path, required=True, help="folder to (re)create")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--repo", type=Path, default=REPO, help="the kzgraph checkout to clone (default: this one)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    info = Generator(args.repo, args.seed).write(args.scale, args.out)
    info["seconds"] = round(time.perf_counter() - started, 1)
    print(
        f"{args.out}: scale {info['scale']:g}x, {info['copies']} copies of the data, "
        f"{info['files']} data files, {info['triples']} triples ({info['seconds']} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
