"""Serve MathJax from the book itself, so that formulas typeset offline.

MathJax 3 comes from the PyPI package ``django-static-mathjax`` (pinned in pyproject.toml's
``book`` extra; it ships MathJax's ``es5`` build and its Apache 2.0 licence under
``mathjax/static/mathjax``). This extension copies that build into ``_static/mathjax/`` of the
HTML output and points Sphinx's ``mathjax_path`` at it, so no page asks a CDN for anything.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

# The MathJax version the pinned package ships; a different one fails the build, so an update
# of the package is a deliberate change.
MATHJAX_VERSION = "3.2.2"
# The component the pages load: TeX and MathML input, CommonHTML output (Sphinx's default).
COMPONENT = "tex-mml-chtml.js"
TARGET = "mathjax"  # inside _static


def mathjax_source() -> Path:
    """The folder of the installed MathJax package (with ``es5/`` and ``LICENSE``)."""
    spec = importlib.util.find_spec("mathjax")
    if spec is None or spec.origin is None:
        raise ExtensionError(
            "MathJax is not installed: the book serves MathJax itself and takes it from the PyPI package "
            "django-static-mathjax (pip install -e '.[book]')."
        )
    folder = Path(spec.origin).parent / "static" / "mathjax"
    version = json.loads((folder / "package.json").read_text())["version"]
    if version != MATHJAX_VERSION:
        raise ExtensionError(f"MathJax {version} installed, the book expects {MATHJAX_VERSION} (book/_ext/offline_mathjax.py)")
    return folder


def set_path(app: Sphinx, config) -> None:
    mathjax_source()  # fail early, with a clear message, when the package is missing
    # A path without a scheme is relative to _static (Sphinx's add_js_file).
    config.mathjax_path = f"{TARGET}/{COMPONENT}"


def copy_files(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    source = mathjax_source()
    target = Path(app.outdir) / "_static" / TARGET
    stamp = target / ".version"
    if stamp.is_file() and stamp.read_text() == MATHJAX_VERSION and (target / COMPONENT).is_file():
        return
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source / "es5", target)
    shutil.copy2(source / "LICENSE", target / "LICENSE")
    (target / "README").write_text(
        f"MathJax {MATHJAX_VERSION} (https://www.mathjax.org), Apache License 2.0 (LICENSE), copied at build time\n"
        "from the PyPI package django-static-mathjax by book/_ext/offline_mathjax.py.\n"
    )
    stamp.write_text(MATHJAX_VERSION)


def setup(app: Sphinx) -> dict:
    app.setup_extension("sphinx.ext.mathjax")
    app.connect("config-inited", set_path, priority=900)
    app.connect("build-finished", copy_files)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
