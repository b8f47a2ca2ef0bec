"""Every page of both editions in a real browser: headless Chromium, the network cut off.

A page fails on: a request to any other host (everything must come from the book itself), raw
TeX left untypeset, a raw Markdown table, a cell error or traceback, a missing image, a console
error. The interactive figure of the chapter "Two markets, linked and unlinked" must match the
model at the file's values, and follow the closed form when its sliders move.

Needs Debian's ``chromium`` (``.ci/run`` installs it) and both editions built (``make test``
builds them first). Without chromium the tests skip with a message, except in CI.
"""

from __future__ import annotations

import math
import os
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from book_builds import html_root, pages

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND",
]
LOCAL_SCHEMES = {"file", "data", "blob", "about"}

if CHROMIUM is None:
    message = "chromium is not installed (apt-get install chromium); the browser tests need it"
    if os.environ.get("CI"):
        raise RuntimeError(message)
    pytest.skip(message, allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")

# Visible text outside code, preformatted output and typeset math.
VISIBLE_TEXT = """() => {
  const body = document.querySelector('main') || document.body;
  const copy = body.cloneNode(true);
  copy.querySelectorAll('pre, code, script, style, mjx-container, mjx-assistive-mml, .highlight, textarea')
      .forEach(n => n.remove());
  return copy.textContent;
}"""
ALL_TEXT = "() => (document.querySelector('main') || document.body).innerText"
IMAGES = """() => Array.from(document.images).map(img => ({src: img.currentSrc || img.src,
                                                      ok: img.complete && img.naturalWidth > 0}))"""
WAIT_MATH = """async () => {
  if (!document.querySelector('.math, div.math, span.math')) return 'no math';
  for (let i = 0; i < 200 && !(window.MathJax && MathJax.startup && MathJax.startup.promise); i++)
    await new Promise(r => setTimeout(r, 50));
  if (!(window.MathJax && MathJax.startup && MathJax.startup.promise)) return 'MathJax did not load';
  await MathJax.startup.promise;
  return 'typeset';
}"""


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield browser
        browser.close()


def _page_ids():
    ids = []
    for edition in ("teacher", "student"):
        try:
            root = html_root(edition)
        except (pytest.skip.Exception, pytest.fail.Exception):
            ids.append((edition, None))
            continue
        ids.extend((edition, p.relative_to(root).as_posix()) for p in pages(edition))
    return ids


def open_page(browser, path: Path):
    """Load a page; return it with the problems seen while loading."""
    page = browser.new_page(viewport={"width": 1280, "height": 1600})
    problems = []

    def on_request(request):
        scheme = urlparse(request.url).scheme
        if scheme not in LOCAL_SCHEMES:
            problems.append(f"request to another host: {request.url}")

    page.on("request", on_request)
    page.on("console", lambda msg: msg.type == "error" and problems.append(f"console error: {msg.text}"))
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.goto(path.as_uri(), wait_until="load")
    state = page.evaluate(WAIT_MATH)
    if state == "MathJax did not load":
        problems.append(state)
    page.wait_for_timeout(100)
    return page, problems


@pytest.mark.parametrize("edition,relpath", _page_ids())
def test_page_renders_offline(browser, edition, relpath):
    root = html_root(edition)
    if relpath is None:
        pytest.fail(f"no {edition} build")
    source = (root / relpath).read_text()
    redirect = re.search(r'http-equiv="refresh"[^>]*url=([^"]+)"', source, re.IGNORECASE)
    if redirect:  # index.html only forwards to the first page, which is tested itself
        assert ((root / relpath).parent / redirect.group(1)).is_file(), redirect.group(1)
        return
    page, problems = open_page(browser, root / relpath)
    try:
        visible = page.evaluate(VISIBLE_TEXT)
        for raw in ("\\(", "\\)", "\\[", "\\]", "$$", "\\begin{", "\\frac"):
            if raw in visible:
                at = visible.index(raw)
                problems.append(f"raw TeX {raw!r}: ...{visible[max(0, at - 60):at + 60]!r}")
        compact = visible.replace(" ", "")
        if "|---" in compact or "|:---" in compact:
            problems.append("a raw Markdown table (|---|) in the text")
        text = page.evaluate(ALL_TEXT)
        if "Traceback (most recent call last)" in text:
            problems.append("a traceback in the page")
        errors = page.locator(".output.error, .output.traceback, .cell_output .traceback").count()
        if errors:
            problems.append(f"{errors} cell error output(s)")
        for image in page.evaluate(IMAGES):
            if not image["ok"]:
                url = urlparse(image["src"])
                missing = url.scheme != "file" or not Path(unquote(url.path)).is_file()
                if missing:
                    problems.append(f"missing image: {image['src']}")
    finally:
        page.close()
    assert not problems, f"{edition} {relpath}:\n" + "\n".join(problems)


# --- the interactive figure --------------------------------------------------------------------


def closed_form(bau, cap, slope):
    """The widget's formulas, written again in Python."""
    need = [b - c for b, c in zip(bau, cap, strict=True)]
    autarky = [max(0.0, s * n) for s, n in zip(slope, need, strict=True)]
    price = max(0.0, sum(need) / sum(1 / s for s in slope))
    gains = []
    for i in range(2):
        q_aut = max(0.0, need[i])
        cost_aut = 0.5 * slope[i] * q_aut**2 + autarky[i] * (need[i] - q_aut)
        q_link = price / slope[i]
        cost_link = 0.5 * slope[i] * q_link**2 + price * (need[i] - q_link)
        gains.append(cost_aut - cost_link)
    return {"autarky-a": autarky[0], "autarky-b": autarky[1], "price": price,
            "flow": need[0] - price / slope[0], "gain-a": gains[0], "gain-b": gains[1],
            "gain-total": gains[0] + gains[1]}


def _shown(page) -> dict:
    return {key: float(page.locator(f'.linking-widget td[data-out="{key}"]').get_attribute("data-value"))
            for key in ("autarky-a", "autarky-b", "price", "flow", "gain-a", "gain-b", "gain-total")}


def _close(a, b):
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-6)


@pytest.mark.parametrize("edition", ["teacher", "student"])
def test_linking_widget_matches_model_and_closed_form(browser, edition):
    page, problems = open_page(browser, html_root(edition) / "chapters" / "linking.html")
    try:
        widget = page.locator(".linking-widget")
        assert widget.count() == 1 and widget.get_attribute("data-ready") == "true"
        data = {k: float(widget.get_attribute(f"data-{k}")) for k in (
            "bau-a", "bau-b", "cap-a", "cap-b", "slope-a", "slope-b", "model-price",
            "model-autarky-a", "model-autarky-b", "model-flow", "model-gain-a", "model-gain-b")}
        shown = _shown(page)
        # At the file's values: the page shows the model's numbers.
        for key, model_key in [("price", "model-price"), ("autarky-a", "model-autarky-a"),
                               ("autarky-b", "model-autarky-b"), ("flow", "model-flow"),
                               ("gain-a", "model-gain-a"), ("gain-b", "model-gain-b")]:
            assert _close(shown[key], data[model_key]), (key, shown[key], data[model_key])
        # Move the sliders: the page follows the closed form.
        bau = [data["bau-a"], data["bau-b"]]
        moves = [({"cap-a": 700}, None), ({"slope-b": 0.1}, None), ({"cap-b": 1500, "slope-a": 0.3}, None),
                 ({"cap-a": 1100, "cap-b": 2300}, "slack")]
        state = {"cap-a": data["cap-a"], "cap-b": data["cap-b"], "slope-a": data["slope-a"], "slope-b": data["slope-b"]}
        before = shown["price"]
        for change, note in moves:
            for name, value in change.items():
                page.locator(f"#linking-{name}").fill(str(value))
                state[name] = value
            expected = closed_form(bau, [state["cap-a"], state["cap-b"]], [state["slope-a"], state["slope-b"]])
            shown = _shown(page)
            for key, value in expected.items():
                assert _close(shown[key], value), (change, key, shown[key], value)
            if note == "slack":
                assert shown["price"] == 0
            else:
                assert shown["price"] != before
            before = shown["price"]
    finally:
        page.close()
    assert not problems, "\n".join(problems)
