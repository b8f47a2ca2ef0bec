"""The teacher's and the student's edition of the book, and the notebooks to take away.

``BOOK_EDITION=student jupyter-book build book ...`` (``make book-student``) builds the student
edition: every solution is *removed* from the pages (not collapsed), from the search index and
from every download; the ``.md`` sources are not copied. Without the variable (``make book``)
the teacher's edition keeps the solutions.

In both editions each notebook page offers, through its download button, the chapter as a
notebook: the executed ``.ipynb`` (teacher's edition only, with the solutions) and a student
``.ipynb`` (executed, the solutions taken out). They are written to ``_notebooks/`` of the
HTML output from the notebooks myst-nb executed.

sphinx-exercise's own ``hide_solutions`` cannot be used: it drops the ``solution-start`` nodes
and leaves their ``solution-end`` nodes behind, which the HTML writer cannot handle.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.transforms import SphinxTransform
from sphinx_exercise.nodes import solution_end_node, solution_node, solution_start_node

EDITIONS = ("teacher", "student")
NOTEBOOKS = "_notebooks"  # folder of the HTML output that holds the notebooks to download

# A fence that opens a directive: ```{name} or :::{name}, with three or more characters.
_OPEN = re.compile(r"^\s*(?P<fence>`{3,}|:{3,})\{(?P<name>[\w:-]+)\}")
_CLOSE = re.compile(r"^\s*(?P<fence>`{3,}|:{3,})\s*$")


def edition() -> str:
    """The edition to build, from the environment variable BOOK_EDITION (default: teacher)."""
    value = os.environ.get("BOOK_EDITION", "teacher").strip().lower() or "teacher"
    if value not in EDITIONS:
        raise ExtensionError(f"BOOK_EDITION={value!r}: expected one of {', '.join(EDITIONS)}")
    return value


# --- solutions out of a notebook --------------------------------------------------------------


def _closes(line: str, fence: str) -> bool:
    match = _CLOSE.match(line)
    return bool(match) and match["fence"][0] == fence[0] and len(match["fence"]) >= len(fence)


def strip_solutions(notebook: dict) -> dict:
    """The notebook (nbformat 4 as a dict) without its solutions.

    Removes gated solutions (from a ``{solution-start}`` fence to the end of the
    ``{solution-end}`` block, code cells between them included) and one-block ``{solution}``
    directives. Markdown cells left empty are dropped.
    """
    cells = []
    in_gated = False  # between solution-start and solution-end (across cells)
    for cell in notebook["cells"]:
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        if cell["cell_type"] != "markdown":
            if not in_gated:
                cells.append(cell)
            continue
        kept: list[str] = []
        skip_fence = None  # the fence whose closing line ends the block being dropped
        ends_gated = False
        for line in source.splitlines(keepends=True):
            if skip_fence is not None:
                if _closes(line, skip_fence):
                    skip_fence = None
                    if ends_gated:
                        in_gated, ends_gated = False, False
                continue
            opened = _OPEN.match(line)
            name = opened["name"] if opened else None
            if in_gated:
                if name == "solution-end":
                    skip_fence, ends_gated = opened["fence"], True
                continue
            if name == "solution-start":
                in_gated = True
                skip_fence = opened["fence"]  # its options block; the content follows it
                continue
            if name == "solution":
                skip_fence = opened["fence"]
                continue
            kept.append(line)
        text = "".join(kept)
        if text.strip():
            cells.append({**cell, "source": text})
    if in_gated:
        raise ValueError("a {solution-start} without its {solution-end}")
    return {**notebook, "cells": cells}


def solution_count(notebook: dict) -> int:
    """How many solutions a notebook has (both forms)."""
    count = 0
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            count += sum(1 for line in source.splitlines() if (m := _OPEN.match(line))
                         and m["name"] in ("solution", "solution-start"))
    return count


# --- solutions out of the pages ---------------------------------------------------------------


class RemoveSolutions(SphinxTransform):
    """Student edition: take every solution out of the document.

    Runs after sphinx-exercise has merged gated solutions into one ``solution_node`` (priority
    10), before the document's labels, search words and images are collected.
    """

    default_priority = 11

    def apply(self, **kwargs) -> None:
        if self.config.book_edition != "student":
            return
        for node in list(self.document.findall(solution_node)):
            node.parent.remove(node)
        # Gated solutions whose end was not found are left as start/end nodes: drop them and
        # everything between them.
        for start in list(self.document.findall(solution_start_node)):
            parent = start.parent
            index = parent.index(start)
            for child in list(parent.children[index:]):
                parent.remove(child)
                if isinstance(child, solution_end_node):
                    break
        for end in list(self.document.findall(solution_end_node)):
            end.parent.remove(end)


# --- configuration and downloads --------------------------------------------------------------


def configure(app: Sphinx, config) -> None:
    config.book_edition = edition()
    if config.book_edition == "student":
        # The .md sources hold the solutions: do not copy them into the HTML output.
        config.html_copy_source = False
        config.html_show_sourcelink = False
        if config.html_title:
            config.html_title = f"{config.html_title} (student edition)"
        # The student build executes the same notebooks: share the teacher's execution cache.
        shared = os.environ.get("BOOK_EXECUTION_CACHE")
        if shared:
            config.nb_execution_cache_path = shared


def _executed(app: Sphinx, docname: str) -> Path:
    return Path(app.outdir).parent / "jupyter_execute" / f"{docname}.ipynb"


def _is_notebook(app: Sphinx, docname: str) -> bool:
    """A page that myst-nb executed as a notebook (it has a kernel and code cells)."""
    path = _executed(app, docname)
    if not path.is_file():
        return False
    return any(c["cell_type"] == "code" for c in json.loads(path.read_text())["cells"])


def executed_notebook(app: Sphinx, docname: str) -> dict:
    """The page as a notebook with its outputs.

    myst-nb writes ``jupyter_execute/<page>.ipynb`` without the outputs when they come from its
    execution cache, so the outputs are merged here from that cache (as myst-nb does for the
    page). Without a cached execution, the notebook myst-nb wrote.
    """
    notebook = json.loads(_executed(app, docname).read_text())
    cache_path = app.config.nb_execution_cache_path or str(Path(app.outdir).parent / ".jupyter_cache")
    if not Path(cache_path).is_dir():
        return notebook
    import nbformat
    from jupyter_cache import get_cache

    try:
        _, merged = get_cache(cache_path).merge_match_into_notebook(nbformat.from_dict(notebook))
    except KeyError:
        return notebook
    return json.loads(nbformat.writes(merged))


def notebook_names(docname: str) -> dict[str, str]:
    """The download paths (inside the HTML output) of a page's notebooks."""
    return {"executed": f"{NOTEBOOKS}/{docname}.ipynb", "student": f"{NOTEBOOKS}/{docname}-student.ipynb"}


def write_notebooks(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    for docname in sorted(app.env.found_docs):
        if not _is_notebook(app, docname):
            continue
        notebook = executed_notebook(app, docname)
        names = notebook_names(docname)
        files = {"student": strip_solutions(notebook)}
        if app.config.book_edition == "teacher":
            files["executed"] = notebook
        for kind, content in files.items():
            target = out / names[kind]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(content, indent=1, ensure_ascii=False) + "\n")
        stale = out / names["executed"]
        if app.config.book_edition == "student" and stale.exists():
            stale.unlink()


def download_buttons(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Replace the theme's download menu: the notebooks, the source (teacher only), print."""
    groups = [b for b in context.get("header_buttons", []) if b.get("label") == "download-buttons"]
    if not groups:
        return
    pathto = context["pathto"]
    student = app.config.book_edition == "student"
    buttons = []
    if _is_notebook(app, pagename):
        names = notebook_names(pagename)
        if not student:
            buttons.append({"type": "link", "url": pathto(names["executed"], 1), "text": ".ipynb",
                            "tooltip": "Download the executed notebook (with the solutions)",
                            "icon": "fas fa-code", "label": "download-notebook-button"})
        buttons.append({"type": "link", "url": pathto(names["student"], 1),
                        "text": ".ipynb (student)" if not student else ".ipynb",
                        "tooltip": "Download the notebook without the solutions",
                        "icon": "fas fa-code", "label": "download-student-notebook-button"})
    for button in groups[0]["buttons"]:
        if button.get("label") == "download-source-button" and not student:
            buttons.append(button)
        elif button.get("label") == "download-pdf-button":
            buttons.append(button)
    groups[0]["buttons"] = buttons


def setup(app: Sphinx) -> dict:
    app.add_config_value("book_edition", "teacher", "env")
    app.connect("config-inited", configure, priority=900)
    app.add_transform(RemoveSolutions)
    app.connect("html-page-context", download_buttons, priority=600)
    app.connect("build-finished", write_notebooks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
