"""The coding widget in a real JupyterLab, driven by headless Chromium: select a span with the mouse, code it,
and find that span in the store.

The test ingests the mini corpus into a store under a temporary folder, writes a notebook that opens the
store and shows :class:`wijkanalyse.explore.coding_widget.CodingWidget` on one segment (the money paragraph of
the Noord session notes), and starts JupyterLab on it (the server set-up of tests/test_lab_browser.py).
Chromium (the distribution's package) runs the notebook; the mouse drags over "Wie beheert het geld
straks?" in the rendered segment, the code is chosen in the dropdown and *Codeer selectie* is clicked.
Checked: the widget's JavaScript reported the selection to Python (the quote appears beside the button), the
span is highlighted, and the store holds exactly that span (offsets worked out from the text) for coder anna.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from conftest import MINI_CORPUS
from test_lab_browser import ARGS, CHROMIUM, jupyterlab_server

GELD = "0f94d36a33379c48"  # "Hoe wordt de financiering geregeld? Wie beheert het geld straks? ..."
QUOTE = "Wie beheert het geld straks?"
NOTEBOOK = "coderen.ipynb"

_MOUSE_TARGETS = """([quote]) => {
  const seg = document.querySelector('.wijk-segment');
  const node = seg.firstChild;  // nothing coded yet: one text node
  const at = node.textContent.indexOf(quote);
  const rect = (a, b) => { const r = document.createRange(); r.setStart(node, a); r.setEnd(node, b);
                           return r.getBoundingClientRect(); };
  const first = rect(at, at + 1), last = rect(at + quote.length - 1, at + quote.length);
  return {x0: first.left + 1, y0: (first.top + first.bottom) / 2,
          x1: last.right - 1, y1: (last.top + last.bottom) / 2};
}"""


@pytest.fixture(scope="module")
def coding_lab(tmp_path_factory):
    """JupyterLab on a free port whose root holds a notebook with the coding widget on the mini corpus."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed: run scripts/ensure_chromium.sh (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api")
    from wijkanalyse.config import load_settings
    from wijkanalyse.update import ingest_store

    base = tmp_path_factory.mktemp("coding_lab")
    settings = load_settings(MINI_CORPUS, store_dir=base / "store", private_dir=base / "private")
    ingest_store(settings)  # as `wijkanalyse ingest`: the codebook's codes join the store
    root = base / "notebooks"
    root.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_code_cell(
            "from wijkanalyse.explore.coding_widget import CodingWidget\n"
            "from wijkanalyse.store import Store\n"
            f"store = Store({str(settings.store_path)!r}, create=False)\n"
            f"widget = CodingWidget(store, 'anna', [{GELD!r}])\n"
            "widget"
        )
    ]
    nbformat.write(nb, root / NOTEBOOK)
    with jupyterlab_server(base, root) as server:
        yield {**server, "store": settings.store_path}


def test_a_span_selected_with_the_mouse_is_coded_and_found_in_the_store(coding_lab):
    from playwright.sync_api import sync_playwright

    from wijkanalyse.review.decisions import span_codings
    from wijkanalyse.store import Store

    with Store(coding_lab["store"], create=False) as store:
        text = store.segment_text_map([GELD])[GELD]
    start = text.index(QUOTE)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(
                f"{coding_lab['url']}/lab/tree/{NOTEBOOK}?token={coding_lab['token']}", wait_until="load"
            )
            page.wait_for_function(
                "() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                " && window.jupyterapp.shell.currentWidget.sessionContext"
                " && window.jupyterapp.shell.currentWidget.sessionContext.session"
                " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel"
                " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle'",
                timeout=90_000,
            )
            page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
            try:
                page.wait_for_selector(".wijk-segment", timeout=90_000)
            except Exception as exc:  # show what the notebook printed instead of a bare timeout
                outputs = page.locator(".jp-OutputArea-output").all_inner_texts()
                log = coding_lab["log"].read_text()[-2000:]
                raise AssertionError(f"no coding widget; outputs: {outputs}\n{log}") from exc
            segment = page.locator(".wijk-segment")
            assert segment.inner_text().startswith("Hoe wordt de financiering geregeld?")
            segment.scroll_into_view_if_needed()
            xy = page.evaluate(_MOUSE_TARGETS, [QUOTE])
            page.mouse.move(xy["x0"], xy["y0"])
            page.mouse.down()
            page.mouse.move(xy["x1"], xy["y1"], steps=12)
            page.mouse.up()
            assert page.evaluate("() => window.getSelection().toString()") == QUOTE
            # the widget's JavaScript sent the offsets to Python, which shows the quote beside the button
            page.wait_for_selector(f"text=Selectie: «{QUOTE}»", timeout=30_000)
            page.locator(".widget-dropdown select").first.select_option(label="Financiering [financiering]")
            button = page.locator("button", has_text="Codeer selectie")
            assert button.is_enabled()
            button.click()
            page.wait_for_selector("text=Gecodeerd: Financiering", timeout=30_000)
            page.wait_for_selector(f".wijk-segment mark:has-text('{QUOTE}')", timeout=30_000)
        finally:
            browser.close()
    with Store(coding_lab["store"], create=False) as store:
        spans = span_codings(store, GELD, "anna")
    assert [(r.code_id, r.span_start, r.span_end, r.quote) for r in spans.itertuples()] == [
        ("financiering", start, start + len(QUOTE), QUOTE)
    ]
