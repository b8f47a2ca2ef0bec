"""Small fixes to the theme's pages, so that they load without a console error.

* sphinx-thebe registers its configuration script twice with this Sphinx; the second copy
  declares ``const THEBE_JS_URL`` again and throws. Keep one copy of each inline script.
* pydata-sphinx-theme logs an error on a first visit when no colour mode is stored and no
  ``default_mode`` is set; the book sets it (``html_context: default_mode: auto``), as a
  default here too.
"""

from __future__ import annotations

from sphinx.application import Sphinx


def unique_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, kept = set(), []
    for script in scripts:
        filename = getattr(script, "filename", script) or ""  # None or "" for an inline script
        key = (str(filename), str(getattr(script, "attributes", {}).get("body", "")))
        if key in seen:
            continue
        seen.add(key)
        kept.append(script)
    context["script_files"] = kept
    context.setdefault("default_mode", "auto")
    if not context.get("default_mode"):
        context["default_mode"] = "auto"


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", unique_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
