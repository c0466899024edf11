"""Where the graph's files are: every path kzgraph uses is defined here, once."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from kzgraph.errors import UsageError

PACKAGE_DIR = Path(__file__).resolve().parent
# Named SPARQL queries ship as package files next to the code.
QUERIES_DIR = PACKAGE_DIR / "queries"
# Quality checks (`*-violation.rq`, run by validate) and the export profiles (CONSTRUCT views).
CHECKS_DIR = PACKAGE_DIR / "checks"
PROFILES_DIR = PACKAGE_DIR / "profiles"
# Views of the graph for people (which statements go where, under which label): entry.ttl for show.
VIEWS_DIR = PACKAGE_DIR / "views"
# The wheel carries a copy of ontology/, data/ and shapes/ here (pyproject.toml, force-include).
CATALOGUE_DIR = PACKAGE_DIR / "_catalogue"

ONTOLOGY_DIRNAME = "ontology"
VOCAB_DIRNAME = "vocab"
DATA_DIRNAME = "data"
SHAPES_DIRNAME = "shapes"
ONTOLOGY_FILENAME = "kzg.ttl"
AXIOMS_FILENAME = "axioms.ttl"
CONTEXT_FILENAME = "context.jsonld"
TURTLE_GLOB = "*.ttl"


@dataclass(frozen=True)
class Layout:
    """The files of one copy of the graph, rooted at ``root``."""

    root: Path

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(self.root))

    @property
    def ontology_dir(self) -> Path:
        return self.root / ONTOLOGY_DIRNAME

    @property
    def vocab_dir(self) -> Path:
        return self.ontology_dir / VOCAB_DIRNAME

    @property
    def data_dir(self) -> Path:
        return self.root / DATA_DIRNAME

    @property
    def shapes_dir(self) -> Path:
        return self.root / SHAPES_DIRNAME

    @property
    def ontology_file(self) -> Path:
        return self.ontology_dir / ONTOLOGY_FILENAME

    @property
    def axioms_file(self) -> Path:
        """Standards' axioms used only when reasoning; not part of the normal graph."""
        return self.ontology_dir / AXIOMS_FILENAME

    @property
    def context_file(self) -> Path:
        return self.ontology_dir / CONTEXT_FILENAME

    @property
    def queries_dir(self) -> Path:
        return QUERIES_DIR

    def graph_files(self) -> list[Path]:
        """Return the ontology, vocabulary and data files, in a fixed order."""
        files = [self.ontology_file]
        files += _sorted_glob(self.vocab_dir, TURTLE_GLOB, recursive=False)
        files += _sorted_glob(self.data_dir, TURTLE_GLOB, recursive=True)
        return files

    def shape_files(self) -> list[Path]:
        """Return the SHACL shapes files, sorted."""
        return _sorted_glob(self.shapes_dir, TURTLE_GLOB, recursive=False)


def _sorted_glob(directory: Path, pattern: str, *, recursive: bool) -> list[Path]:
    if not directory.is_dir():
        return []
    found = directory.rglob(pattern) if recursive else directory.glob(pattern)
    # Sort on the relative POSIX path so the order is the same on every OS. The globbed paths
    # start with the folder's own text, so the relative path is a slice of theirs (pathlib's
    # relative_to costs more than the rest of the walk).
    prefix = os.path.join(str(directory), "")

    def relative(path: Path) -> str:
        text = str(path)
        if text.startswith(prefix):
            return text[len(prefix) :].replace(os.sep, "/")
        return path.relative_to(directory).as_posix()

    return sorted((p for p in found if p.is_file()), key=relative)


def _is_graph_root(path: Path) -> bool:
    return (path / ONTOLOGY_DIRNAME / ONTOLOGY_FILENAME).is_file()


def _is_checkout(path: Path) -> bool:
    """Tell whether ``path`` is a checkout of the kzgraph project (not just any graph folder)."""
    if not _is_graph_root(path):
        return False
    try:
        project = (path / "pyproject.toml").read_text(encoding="utf-8")
    except OSError:
        return False
    return 'name = "kzgraph"' in project


def _checkout_around_cwd() -> Path | None:
    try:
        here = Path.cwd().resolve()
    except OSError:
        return None
    for folder in (here, *here.parents):
        if _is_checkout(folder):
            return folder
    return None


def resolve_layout(root: str | Path | None = None) -> Layout:
    """Return the layout for ``root``, else the checkout around the working directory, else the
    checkout kzgraph is installed from (editable install), else the copy installed with kzgraph.

    A curator who runs kzgraph inside a checkout works on that checkout's files, whichever way
    kzgraph was installed."""
    if root is not None:
        path = Path(root).expanduser()
        if not path.is_dir():
            raise UsageError(f"--root {path}: no such directory")
        if not _is_graph_root(path):
            raise UsageError(
                f"--root {path}: missing {ONTOLOGY_DIRNAME}/{ONTOLOGY_FILENAME}; "
                "point --root at a checkout of kzgraph"
            )
        return Layout(path.resolve())
    around = _checkout_around_cwd()
    if around is not None:
        return Layout(around)
    checkout = PACKAGE_DIR.parent
    if _is_graph_root(checkout) and (checkout / "pyproject.toml").is_file():
        return Layout(checkout)
    if _is_graph_root(CATALOGUE_DIR):
        return Layout(CATALOGUE_DIR)
    raise UsageError(
        f"no graph found: neither {checkout} nor {CATALOGUE_DIR} has "
        f"{ONTOLOGY_DIRNAME}/{ONTOLOGY_FILENAME}; reinstall kzgraph or pass --root"
    )


def display_path(path: str | Path) -> str:
    """Return ``path`` relative to the working directory when it lies below it, for messages."""
    path = Path(path)
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return str(path)
