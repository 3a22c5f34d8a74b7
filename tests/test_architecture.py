"""The shape of the code, checked like any other behaviour (README, "Architecture").

- the import-linter contracts in pyproject.toml hold (stages import only downwards, no cycles);
- ruff and mypy find nothing;
- SQL appears only in the store package;
- no module is over 600 lines and no function over 80 lines, unless a ``# size:`` comment on the line above
  the ``def`` gives the reason.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "wijkanalyse"
BIN = Path(sys.executable).parent
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80
SQL = re.compile(
    r"\b(SELECT\s+[\w*(]|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(TABLE|INDEX|VIRTUAL)"
    r"|PRAGMA\s+\w+)"
)


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)


def test_import_contracts_hold() -> None:
    out = _run(str(BIN / "lint-imports"), "--no-cache")
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
    assert "broken" in out.stdout and " 0 broken" in out.stdout


def test_ruff_finds_nothing() -> None:
    out = _run(str(BIN / "ruff"), "check", "--no-cache", "src", "tests", "benchmarks", "scripts")
    assert out.returncode == 0, out.stdout[-6000:]


def test_mypy_finds_nothing() -> None:
    out = _run(str(BIN / "mypy"), "--no-incremental")
    assert out.returncode == 0, out.stdout[-6000:]


def _string_constants(tree: ast.AST) -> list[tuple[int, str]]:
    nodes = [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    return [(n.lineno, str(n.value)) for n in nodes]


def test_sql_only_in_the_store_package() -> None:
    found = []
    for path in _modules():
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] == "store":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                if any(n.split(".")[0] == "sqlite3" for n in names):
                    found.append(f"{rel}:{node.lineno}: imports sqlite3")
        for line, text in _string_constants(tree):
            if SQL.search(text) and not text.lstrip().startswith(("Return", "The ", "A ", "An ")):
                found.append(f"{rel}:{line}: {text.strip()[:80]!r}")
    assert not found, "SQL outside src/wijkanalyse/store/:\n" + "\n".join(found)


def test_notebooks_are_thin_and_hold_no_sql() -> None:
    # notebooks call the library; a query in a notebook cell bypasses the store (and its migrations)
    import json

    found = []
    for nb in sorted((ROOT / "notebooks").rglob("*.ipynb")):
        if ".ipynb_checkpoints" in nb.parts:
            continue
        for i, cell in enumerate(json.loads(nb.read_text(encoding="utf-8"))["cells"]):
            if cell["cell_type"] != "code":
                continue
            source = "".join(cell["source"])
            if SQL.search(source) or ".con.execute(" in source or "sqlite3" in source:
                found.append(f"{nb.relative_to(ROOT)} cell {i}")
    assert not found, "SQL in notebooks (use a Store method):\n" + "\n".join(found)


def test_sql_detector_sees_sql() -> None:
    # the check above must be able to fail: these are the shapes it looks for
    shapes = ["SELECT segment_id FROM segments", "INSERT OR IGNORE INTO coders(x) VALUES (?)"]
    shapes += ["UPDATE runs SET status = ?", "DELETE FROM codings WHERE 1", "PRAGMA table_info(x)"]
    for sql in shapes:
        assert SQL.search(sql), sql
    assert not SQL.search("select the segments of a wijk")


def _function_sizes(path: Path) -> list[tuple[str, int, int]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    tree = ast.parse("\n".join(lines))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            reason = first >= 2 and lines[first - 2].strip().startswith("# size:")
            if not reason:
                out.append((node.name, node.lineno, (node.end_lineno or node.lineno) - node.lineno + 1))
    return out


def test_modules_and_functions_are_small() -> None:
    big = []
    for path in _modules():
        rel = path.relative_to(PACKAGE)
        n = len(path.read_text(encoding="utf-8").splitlines())
        if n > MAX_MODULE_LINES:
            big.append(f"{rel}: {n} lines (module)")
        for name, line, size in _function_sizes(path):
            if size > MAX_FUNCTION_LINES:
                big.append(f"{rel}:{line} {name}: {size} lines (function)")
    message = "Over the size limits (split it, or give the reason in a '# size:' comment):\n"
    assert not big, message + "\n".join(big)


@pytest.mark.parametrize("reason", [True, False])
def test_size_check_reads_the_reason_comment(tmp_path: Path, reason: bool) -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES + 1))
    src = ("# size: one table of constants, read top to bottom\n" if reason else "") + f"def f():\n{body}\n"
    path = tmp_path / "m.py"
    path.write_text(src, encoding="utf-8")
    assert [s[0] for s in _function_sizes(path)] == ([] if reason else ["f"])


def test_store_query_classes_do_not_shadow_each_other() -> None:
    # Store is composed of one query class per part of the data model; a method defined in two of them would
    # silently hide one behind the other (the method resolution order picks the first)
    from wijkanalyse.store import Store
    from wijkanalyse.store._connection import Connection

    owners: dict[str, list[str]] = {}
    for cls in Store.__mro__:
        if cls in (Store, Connection, object) or not issubclass(cls, Connection):
            continue
        for name in vars(cls):
            if not name.startswith("__"):
                owners.setdefault(name, []).append(cls.__name__)
    assert {n: o for n, o in owners.items() if len(o) > 1} == {}
