"""book/_ext/editions.py: taking the solutions out of a notebook (no build needed)."""

import sys
from pathlib import Path

import jupytext
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "book" / "_ext"))
import editions  # noqa: E402

CHAPTERS = sorted((ROOT / "book" / "chapters").glob("*.md"))

SOURCE = """\
Intro text.

```{exercise-start}
:label: ex1
```

Do it.

```{exercise-end}
```

```{solution-start} ex1
:class: dropdown
```

SECRET prose of the solution.

```{code-cell} ipython3
secret_code = 1
```

More SECRET words.

```{solution-end}
```

After the solution.

:::{solution} ex1
SECRET in a one-block solution.
:::

The end.
"""


def _text(notebook):
    return "\n".join(c["source"] if isinstance(c["source"], str) else "".join(c["source"]) for c in notebook["cells"])


def test_strip_solutions_removes_gated_and_one_block_solutions():
    notebook = jupytext.reads(SOURCE, fmt="md:myst")
    assert editions.solution_count(notebook) == 2
    student = editions.strip_solutions(notebook)
    text = _text(student)
    assert "SECRET" not in text and "secret_code" not in text and "{solution" not in text
    for kept in ("Intro text.", "Do it.", "{exercise-end}", "After the solution.", "The end."):
        assert kept in text
    assert editions.solution_count(student) == 0


def test_unclosed_solution_is_an_error():
    notebook = jupytext.reads("```{solution-start} ex1\n```\n\nno end\n", fmt="md:myst")
    with pytest.raises(ValueError):
        editions.strip_solutions(notebook)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_chapter_loses_all_its_solutions_and_keeps_its_exercises(path):
    notebook = jupytext.read(path)
    assert editions.solution_count(notebook) > 0
    student = editions.strip_solutions(notebook)
    text = _text(student)
    assert "{solution" not in text
    assert text.count("{exercise-start}") == path.read_text().count("{exercise-start}")
    code = [c for c in student["cells"] if c["cell_type"] == "code"]
    assert 0 < len(code) < sum(c["cell_type"] == "code" for c in notebook["cells"])
