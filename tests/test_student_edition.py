"""The student edition has no solution text, in its pages or in any download.

Needs both editions built (``make test`` builds them first). The teacher's edition is the
control: the same solution snippets must be found there, so the search really looks.
"""

from __future__ import annotations

import html
import json
import re
import sys
from functools import cache
from pathlib import Path

import jupytext
import pytest
from book_builds import CHAPTERS, ROOT, html_root, pages

sys.path.insert(0, str(ROOT / "book" / "_ext"))
import editions  # noqa: E402

MARKUP = re.compile(r"[$`{}*_\[\]|\\<>]")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _cells_text(notebook: dict) -> str:
    parts = []
    for cell in notebook["cells"]:
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        parts.append(source)
        for output in cell.get("outputs", []):
            for value in (output.get("text"), *output.get("data", {}).values()):
                if isinstance(value, str):
                    parts.append(value)
                elif isinstance(value, list):
                    parts.append("".join(v for v in value if isinstance(v, str)))
    return "\n".join(parts)


@cache
def _kept_everywhere() -> str:
    """The text every chapter keeps in the student edition (a line of one chapter's solution that
    another chapter shows in its main text is no leak)."""
    return "\n".join(_norm(_cells_text(editions.strip_solutions(jupytext.read(path))))
                     for path in sorted((ROOT / "book" / "chapters").glob("*.md")))


@cache
def solution_snippets(chapter: str) -> tuple[str, ...]:
    """Plain lines (prose without markup, and code) found only inside the chapter's solutions."""
    notebook = jupytext.read(ROOT / "book" / "chapters" / f"{chapter}.md")
    kept = _kept_everywhere()
    snippets = set()
    for cell in notebook["cells"]:
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        for line in source.splitlines():
            line = _norm(line)
            if len(line) >= 35 and not MARKUP.search(line) and not line.startswith(("#", ":")) and line not in kept:
                snippets.add(line)
    return tuple(sorted(snippets))


def page_text(path: Path) -> str:
    raw = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".ipynb":
        return _norm(_cells_text(json.loads(raw)))
    if path.suffix == ".html":
        raw = re.sub(r"<[^>]+>", " ", raw)
        raw = re.sub(r"\s+", " ", html.unescape(raw))
        # Highlighted code splits a line into spans: compare with the spaces the tags left.
        return _norm(raw)
    return _norm(html.unescape(raw))


def _loose(text: str) -> str:
    return re.sub(r"\s+", "", text)


@cache
def edition_text(edition: str) -> str:
    root = html_root(edition)
    texts = [page_text(p) for p in sorted(root.rglob("*"))
             if p.is_file() and p.suffix in {".html", ".ipynb", ".js", ".txt", ".json", ".md"}
             and "_static/mathjax" not in p.as_posix()]
    return _loose("\n".join(texts))


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_student_edition_has_no_solution_text(chapter):
    snippets = solution_snippets(chapter)
    assert len(snippets) >= 2, f"too few solution snippets in {chapter} to test"
    teacher, student = edition_text("teacher"), edition_text("student")
    found = [s for s in snippets if _loose(s) in teacher]
    assert len(found) >= 0.8 * len(snippets), f"control: teacher edition lacks {set(snippets) - set(found)}"
    leaked = [s for s in snippets if _loose(s) in student]
    assert not leaked, f"solution text of {chapter} in the student edition: {leaked[:3]}"


def test_student_pages_have_no_solutions_and_no_sources():
    root = html_root("student")
    assert not (root / "_sources").exists(), "the .md sources (with solutions) are copied"
    for page in pages("student"):
        text = page.read_text()
        assert 'class="solution' not in text and "solution-content" not in text, page
        assert "_sources/" not in text, page


@pytest.mark.parametrize("edition", ["teacher", "student"])
def test_every_chapter_offers_its_notebooks(edition):
    root = html_root(edition)
    for chapter in CHAPTERS:
        page = (root / "chapters" / f"{chapter}.html").read_text()
        student_nb = root / "_notebooks" / "chapters" / f"{chapter}-student.ipynb"
        full_nb = root / "_notebooks" / "chapters" / f"{chapter}.ipynb"
        assert student_nb.is_file() and f"_notebooks/chapters/{chapter}-student.ipynb" in page
        notebook = json.loads(student_nb.read_text())
        assert editions.solution_count(notebook) == 0
        assert any(c.get("outputs") for c in notebook["cells"] if c["cell_type"] == "code"), "not executed"
        if edition == "teacher":
            assert full_nb.is_file() and f"_notebooks/chapters/{chapter}.ipynb" in page
            assert editions.solution_count(json.loads(full_nb.read_text())) > 0
        else:
            assert not full_nb.exists() and f"_notebooks/chapters/{chapter}.ipynb" not in page


def test_teacher_edition_keeps_solutions():
    page = (html_root("teacher") / "chapters" / "linking.html").read_text()
    assert "solution-content" in page and "Solution to" in page
