"""Where the two editions of the book are built, for the tests that read the built HTML.

``make test`` builds both editions before it runs those tests and sets
BOOK_TESTS_REQUIRE_BUILD=1, so a missing build fails there; run alone (plain ``pytest``) the
tests skip with a message instead.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EDITIONS = {
    "teacher": ROOT / "book" / "_build" / "html",
    "student": ROOT / "book" / "_build" / "student" / "_build" / "html",
}
CHAPTERS = sorted(p.stem for p in (ROOT / "book" / "chapters").glob("*.md"))


def html_root(edition: str) -> Path:
    root = EDITIONS[edition]
    if not (root / "index.html").is_file():
        target = "make book-strict" if edition == "teacher" else "make book-student-strict"
        message = f"the {edition} edition is not built ({root}); run `{target}` first"
        if os.environ.get("BOOK_TESTS_REQUIRE_BUILD"):
            pytest.fail(message)
        pytest.skip(message)
    return root


def pages(edition: str) -> list[Path]:
    """Every HTML page of an edition (not search or genindex)."""
    root = html_root(edition)
    return sorted(p for p in root.rglob("*.html")
                  if not p.relative_to(root).parts[0].startswith("_") and p.name not in {"search.html", "genindex.html"})
