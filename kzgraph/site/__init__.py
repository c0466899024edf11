"""`kzgraph site`: the catalogue as a static, multilingual website (see docs/SITE.md).

``build_site(catalogue, layout, out_dir)`` renders every page in English, Russian and Kazakh
from the graph (Jinja2 templates in ``kzgraph/site/templates``, static files in
``kzgraph/site/static``) and puts the folder in place whole; ``build`` returns the files in
memory.
"""

from __future__ import annotations

from kzgraph.site.build import BuildResult, build, build_site

__all__ = ["BuildResult", "build", "build_site"]
