"""The search notebook in a real JupyterLab, driven by headless Chromium.

JupyterLab is started on a free local port with a random token, its root a temporary copy of
``notebooks/explore/02_zoeken.ipynb`` whose parameters point at the mini corpus with the fast hashing embedder
and PCA. Chromium (the distribution's package, never one downloaded by Playwright) opens the notebook, runs
all cells through JupyterLab's own command (``notebook:run-all-cells``) and waits for the kernel to be idle.
Checked: no cell has an error output (in the notebook model and in the rendered page), the theme map's plotly
figure is drawn with a non-zero size and a screenshot that is not blank, and the search panel's widgets
render. The server is shut down afterwards, also when the test fails.
"""

from __future__ import annotations

import io
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from conftest import MINI_CORPUS

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = "02_zoeken.ipynb"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _set_parameters(path: Path, values: dict[str, object]) -> None:
    """Rewrite the assignments of the cell tagged ``parameters`` (a copy of the notebook, never the
    original)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
    lines = "".join(cell["source"]).splitlines()
    for name, value in values.items():
        idx = next(i for i, ln in enumerate(lines) if ln.split("=")[0].strip() == name)
        lines[idx] = f"{name} = {value!r}"
    cell["source"] = "\n".join(lines)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding="utf-8")


def _wait_for_server(url: str, proc: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"JupyterLab exited early with code {proc.returncode}:\n{log.read_text()[-3000:]}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"JupyterLab did not answer at {url} within {timeout} s")


@contextmanager
def jupyterlab_server(base: Path, root: Path) -> Iterator[dict[str, Any]]:
    """Run JupyterLab on a free port with ``root`` as its folder (its settings, config and runtime under
    ``base``); yield its url, token and log file, and stop it (and its kernels) afterwards."""
    # every cell in the DOM (JupyterLab 4 otherwise only renders the cells in view)
    settings_dir = base / "lab-settings" / "@jupyterlab" / "notebook-extension"
    settings_dir.mkdir(parents=True)
    (settings_dir / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    config = base / "config"
    config.mkdir()
    (config / "jupyter_lab_config.py").write_text(
        "c.LabApp.news_url = None\n"  # no announcements fetched from the internet
        "c.LabApp.check_for_updates_class = 'jupyterlab.NeverCheckForUpdate'\n"
        "c.LabApp.extension_manager = 'readonly'\n"  # no extension search on PyPI
        "c.LabApp.expose_app_in_browser = True\n"  # window.jupyterapp, to run JupyterLab's own commands
    )
    env = {
        **os.environ,
        "WIJKANALYSE_HOME": str(base / "home"),
        "JUPYTERLAB_SETTINGS_DIR": str(base / "lab-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces"),
        "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
        "JUPYTER_CONFIG_DIR": str(config),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }
    port, token = _free_port(), secrets.token_hex(16)
    cmd = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.open_browser=False",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}", "--ServerApp.port_retries=0",
        *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),  # CI containers: root
    ]  # fmt: skip
    log = (base / "lab.log").open("wb")
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_server(f"{url}/api/status?token={token}", proc, base / "lab.log")
        yield {"url": url, "token": token, "log": base / "lab.log"}
    finally:
        try:  # ask the server to shut down (it stops its kernels), then make sure it is gone
            req = urllib.request.Request(
                f"{url}/api/shutdown", method="POST", headers={"Authorization": f"token {token}"}
            )
            urllib.request.urlopen(req, timeout=5).close()
        except OSError:
            pass
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a free port, its root a temporary folder with the search notebook."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed: run scripts/ensure_chromium.sh (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api")
    pytest.importorskip("jupyterlab")
    base = tmp_path_factory.mktemp("lab")
    root = base / "notebooks"
    root.mkdir()
    shutil.copy(REPO / "notebooks" / "explore" / NOTEBOOK, root / NOTEBOOK)
    _set_parameters(
        root / NOTEBOOK,
        {
            "corpus": str(MINI_CORPUS),
            "embedder": "hashing",
            "store_dir": str(base / "store"),
            "projection": "pca",
        },
    )
    with jupyterlab_server(base, root) as server:
        yield {**server, "root": root}


_RUN_STATE = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  if (!panel || !panel.content || !panel.content.model) return null;
  const cells = [];
  const model = panel.content.model;
  for (let i = 0; i < model.cells.length; i++) {
    const c = model.cells.get(i);
    if (c.type !== 'code') continue;
    const outs = [];
    for (let j = 0; j < c.outputs.length; j++) {
      const o = c.outputs.get(j).toJSON();
      outs.push({type: o.output_type, name: o.name || '', ename: o.ename || '', evalue: o.evalue || '',
                 text: typeof o.text === 'string' ? o.text : (o.text || []).join('')});
    }
    cells.push({count: c.executionCount, outputs: outs});
  }
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  return {kernel: kernel ? kernel.status : 'none', cells: cells};
}"""


def _distinct_colours(png: bytes) -> int:
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB")
    return len(img.getcolors(maxcolors=1 << 20) or [])


def test_search_notebook_runs_in_jupyterlab_and_the_theme_map_renders(lab):
    from playwright.sync_api import sync_playwright

    started = time.monotonic()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{lab['url']}/lab/tree/{NOTEBOOK}?token={lab['token']}", wait_until="load")
            page.wait_for_function(
                "() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                " && window.jupyterapp.shell.currentWidget.sessionContext"
                " && window.jupyterapp.shell.currentWidget.sessionContext.session"
                " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel"
                " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle'",
                timeout=60_000,
            )
            page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
            # done: every code cell has an execution count and the kernel is idle (or a cell failed)
            deadline = time.monotonic() + 120
            state = None
            while time.monotonic() < deadline:
                state = page.evaluate(_RUN_STATE)
                failed = any(o["type"] == "error" for c in state["cells"] for o in c["outputs"])
                done = all(c["count"] is not None for c in state["cells"]) and state["kernel"] == "idle"
                if failed or done:
                    break
                page.wait_for_timeout(500)
            assert state is not None
            errors = [
                f"{o['ename']}: {o['evalue']}" if o["type"] == "error" else o["text"][-500:]
                for c in state["cells"]
                for o in c["outputs"]
                if o["type"] == "error" or (o["name"] == "stderr" and "Traceback" in o["text"])
            ]
            assert errors == [], f"cells failed: {errors}\nlab log: {lab['log'].read_text()[-2000:]}"
            assert all(c["count"] is not None for c in state["cells"]), "not every cell ran"
            # the rendered page agrees: no traceback in any output
            page.wait_for_timeout(500)
            stderr = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
            tracebacks = [t for t in stderr.all_inner_texts() if "Traceback" in t]
            assert tracebacks == []
            assert page.locator(".jp-RenderedText", has_text="Traceback").count() == 0
            # the theme map (the only plotly figure of this notebook) is drawn
            page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30_000)
            fig = page.locator(".js-plotly-plot").first
            fig.scroll_into_view_if_needed()
            box = fig.bounding_box()
            assert box is not None and box["width"] > 200 and box["height"] > 200, box
            assert (
                fig.locator(".scatterlayer .point").count() >= 12
            )  # one point per segment of the mini corpus
            png = fig.screenshot()
            if os.environ.get("WIJKANALYSE_TEST_ARTIFACTS"):  # keep the screenshots for a person to look at
                out = Path(os.environ["WIJKANALYSE_TEST_ARTIFACTS"])
                out.mkdir(parents=True, exist_ok=True)
                (out / "lab_theme_map.png").write_bytes(png)
                page.screenshot(path=str(out / "lab_notebook.png"), full_page=True)
            colours = _distinct_colours(png)
            assert colours >= 20, f"the theme map looks blank ({colours} distinct colours)"
            # the search panel (ipywidgets) rendered as widgets, not as a text fallback
            page.wait_for_selector(".jupyter-widgets.widget-text input", timeout=30_000)
            assert page.locator(".jupyter-widgets.widget-text input").first.input_value() == "huur buurthuis"
        finally:
            browser.close()
    assert time.monotonic() - started < 150
