"""Write environment.yml from pyproject.toml, so conda users get exactly the pip dependencies.

Run it after editing the dependencies; tests/test_packaging.py checks the two agree.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def render() -> str:
    """Return the environment.yml text for the current pyproject.toml."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    deps = project["dependencies"] + project["optional-dependencies"]["test"]
    lines = [
        "# For conda users: conda env create -f environment.yml",
        "# Generated from pyproject.toml (the source of truth) by scripts/sync_environment.py;",
        "# tests/test_packaging.py fails when the two differ.",
        "name: wijkanalyse",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        "  - python=3.11",
        "  - pip",
        "  - pip:",
        "      - -c constraints.txt",
        *[f'      - "{d}"' for d in deps],
        "      - -e .",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    (ROOT / "environment.yml").write_text(render(), encoding="utf-8")
    print("environment.yml written")
