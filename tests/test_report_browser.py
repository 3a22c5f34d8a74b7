"""The HTML reports in a real headless browser: Chromium from the distribution's packages, driven by
Playwright.

Checks: the index, a wijk report and the city overview load without console errors; no request leaves the
local files (every request is recorded; anything but file: and data: is blocked and fails the test); the
plotly figures render (a screenshot of each figure is not blank: it has many distinct colours).
Playwright never downloads a browser here: it drives /usr/bin/chromium (``scripts/ensure_chromium.sh``).
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from test_report import _code_by_hand, _corpus, _ingest
from wijkanalyse.config import load_settings
from wijkanalyse.pipeline import run_pipeline

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    base = tmp_path_factory.mktemp("browser")
    settings = load_settings(
        _corpus(base / "corpus"), store_dir=base / "store", private_dir=base / "private", embedder="hashing"
    )
    _ingest(settings)  # then code by hand; coding and discovery run once, in the main job
    _code_by_hand(settings)
    result = run_pipeline(settings, wijken=["Noord"], jobs=2)
    assert result.ok, result.describe()
    return result


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed: run scripts/ensure_chromium.sh (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Page:
    """A page that records console errors and every request, and blocks anything that is not a local file."""

    def __init__(self, browser):
        self.page = browser.new_page(viewport={"width": 1200, "height": 900})
        self.errors: list[str] = []
        self.external: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.route("**/*", self._route)

    def _route(self, route):
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:", "about:")):
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def open(self, path: Path):
        self.page.goto(path.resolve().as_uri(), wait_until="load")
        return self.page

    def close(self):
        self.page.close()


def _distinct_colours(png: bytes) -> int:
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB")
    return len(img.getcolors(maxcolors=1 << 20) or [])


def _figures_render(page) -> list[int]:
    page.wait_for_selector(".plotly-graph-div .main-svg", timeout=15000)
    figs = page.locator(".plotly-graph-div")
    colours = []
    for i in range(figs.count()):
        fig = figs.nth(i)
        fig.scroll_into_view_if_needed()
        assert fig.locator(".main-svg").count() >= 1, f"figure {i} has no svg"
        colours.append(_distinct_colours(fig.screenshot()))
    return colours


def test_index_loads_offline_without_errors(run, browser):
    p = Page(browser)
    page = p.open(run.index)
    links = page.locator("a").all()
    assert {a.get_attribute("href") for a in links} >= {
        "stad/stadsoverzicht.html",
        "wijken/noord/wijkrapport-noord.html",
    }
    assert p.errors == [] and p.external == []
    p.close()


def test_wijk_report_renders_offline_with_figures(run, browser):
    p = Page(browser)
    page = p.open(run.run_dir / "wijken" / "noord" / "wijkrapport-noord.html")
    assert page.title() == "Wijk Noord"
    assert page.locator("h2", has_text="Het goede behouden").count() == 1
    colours = _figures_render(page)
    assert len(colours) >= 2
    assert all(c >= 20 for c in colours), f"a figure looks blank: distinct colours per figure {colours}"
    assert page.evaluate("typeof window.Plotly") == "object"
    assert p.errors == [], p.errors
    assert p.external == [], f"requests left the machine: {p.external}"
    p.close()


def test_city_overview_heatmap_renders_and_links_work(run, browser):
    p = Page(browser)
    page = p.open(run.run_dir / "stad" / "stadsoverzicht.html")
    colours = _figures_render(page)
    assert colours and colours[0] >= 20
    assert page.locator(".plotly-graph-div .heatmaplayer").count() >= 1
    page.locator('a[href="../wijken/noord/wijkrapport-noord.html"]').first.click()
    page.wait_for_load_state("load")
    assert page.title() == "Wijk Noord"
    assert p.errors == [] and p.external == []
    p.close()
