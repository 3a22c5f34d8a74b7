"""The explore notebooks 01-05 as files: thin, parameterised, outputs stripped, the project's kernel.

(nbval runs them in the test command; tests/test_lab_browser.py runs the search notebook in JupyterLab.)
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

EXPLORE = Path(__file__).resolve().parents[1] / "notebooks" / "explore"
NOTEBOOKS = ["01_corpusoverzicht", "02_zoeken", "03_themakaart", "04_codeboek", "05_wijken_vergelijken"]
COMMON = {"corpus": "corpora/demo", "settings_file": None, "embedder": None, "store_dir": None}


def _load(name: str) -> dict:
    return json.loads((EXPLORE / f"{name}.ipynb").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_is_thin_stripped_and_parameterised(name: str) -> None:
    import papermill

    nb = _load(name)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), (
        "outputs not stripped"
    )
    tagged = [c for c in code if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"
    # every parameter is a literal, and the shared ones point at the demo corpus with the settings' model
    values = {}
    for node in ast.parse("".join(tagged[0]["source"])).body:
        assert isinstance(node, ast.Assign), ast.dump(node)
        values[node.targets[0].id] = ast.literal_eval(node.value)
    assert {k: values[k] for k in COMMON} == COMMON
    inspected = papermill.inspect_notebook(str(EXPLORE / f"{name}.ipynb"))
    assert set(inspected) == set(values)
    # thin: the notebook imports the library and defines no functions or classes of its own
    source = "\n".join("".join(c["source"]) for c in code)
    tree = ast.parse(source)
    assert not [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef)]
    assert "from wijkanalyse.explore import open_workbench" in source
    assert sum(len("".join(c["source"]).splitlines()) for c in code) < 60
    # narrative in Dutch: a title and markdown between the code
    md = [c for c in nb["cells"] if c["cell_type"] == "markdown"]
    assert "".join(md[0]["source"]).startswith("# ") and len(md) >= 4


def test_plotly_and_widgets_lab_extensions_are_prebuilt() -> None:
    """All ship prebuilt with their Python packages: JupyterLab needs no extension step."""
    res = subprocess.run(
        [sys.executable, "-m", "jupyter", "labextension", "list"], capture_output=True, text=True, timeout=120
    )
    listing = res.stdout + res.stderr
    for ext in ("jupyterlab-plotly", "@jupyter-widgets/jupyterlab-manager", "anywidget"):  # anywidget: spans
        line = next((ln for ln in listing.splitlines() if ext in ln), "")
        assert "enabled" in line and "OK" in line, f"{ext} not installed and enabled:\n{listing}"
