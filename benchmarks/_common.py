"""Shared helpers of the benchmark scripts: the machine, measuring a stage, writing the results files.

Every benchmark writes ``benchmarks/results/<name>.json`` (all figures, machine-readable) and
``benchmarks/results/<name>.md`` (the same as tables), each headed by the machine it ran on (cores, CPU model,
RAM, load), the date and the git commit.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
DEMO = ROOT / "corpora" / "demo"
EVAL = (ROOT / ".." / "shared" / "eval").resolve()
PYTHON = sys.executable


# -- the machine ---------------------------------------------------------------------------------------------
def machine() -> dict[str, Any]:
    """Cores, CPU model, RAM, load and versions of the machine running the benchmark."""
    cpu = "unknown"
    try:
        m = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        cpu = m.group(1).strip() if m else cpu
    except OSError:
        pass
    ram_gb = None
    try:
        m = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
        ram_gb = round(int(m.group(1)) / 1024**2, 1) if m else None
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "cores": usable,
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu,
        "ram_gb": ram_gb,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def git_commit() -> str:
    """Short hash of HEAD, with ``+dirty`` when tracked files differ from it."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(["git", "diff", "--quiet", "HEAD", "--", "src"], cwd=ROOT).returncode != 0
        return head + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def header(name: str, args: argparse.Namespace | None = None) -> dict[str, Any]:
    """The common head of every results file."""
    return {
        "benchmark": name,
        "date": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "commit": git_commit(),
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "options": vars(args) if args else {},
        "machine": machine(),
    }


# -- measuring -----------------------------------------------------------------------------------------------
def _vm(key: str) -> int:
    """A VmXXX value of this process from /proc/self/status, in kB (0 if unknown)."""
    try:
        m = re.search(rf"{key}:\s+(\d+) kB", Path("/proc/self/status").read_text())
        return int(m.group(1)) if m else 0
    except OSError:
        return 0


def reset_peak() -> bool:
    """Reset the peak RSS (VmHWM) of this process so the next peak can be read; False if impossible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


@dataclass
class Measure:
    """Wall time, CPU time and peak memory of one stage."""

    name: str
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    peak_mb: float = 0.0  # peak RSS of this process during the stage (VmHWM after a reset)
    children_peak_mb: float = 0.0  # largest peak RSS of any child process so far (papermill kernels)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """All fields, rounded."""
        d = asdict(self)
        for k in ("seconds", "cpu_seconds", "peak_mb", "children_peak_mb"):
            d[k] = round(d[k], 2)
        return d


@contextmanager
def stage(name: str) -> Iterator[Measure]:
    """Measure the block: ``with stage("embed") as m: ...; m.extra["n"] = 10``."""
    m = Measure(name)
    reset_peak()
    cpu0 = sum(resource.getrusage(resource.RUSAGE_SELF)[:2]) + sum(
        resource.getrusage(resource.RUSAGE_CHILDREN)[:2]
    )
    t0 = time.perf_counter()
    try:
        yield m
    finally:
        m.seconds = time.perf_counter() - t0
        cpu1 = sum(resource.getrusage(resource.RUSAGE_SELF)[:2]) + sum(
            resource.getrusage(resource.RUSAGE_CHILDREN)[:2]
        )
        m.cpu_seconds = cpu1 - cpu0
        m.peak_mb = (_vm("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024
        m.children_peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


@dataclass
class ProcResult:
    """A finished child process: exit code (negative: killed by that signal), seconds, peak RSS, output."""

    returncode: int
    seconds: float
    peak_mb: float
    stdout: str
    stderr: str
    killed: bool = False


def run_measured(
    cmd: list[str], timeout: float | None = None, kill_after: float | None = None, **kw: Any
) -> ProcResult:
    """Run a command; return its exit code, wall time and its own peak RSS (``wait4`` rusage of that child).

    Parameters
    ----------
    cmd : list of str
    timeout : float, optional
        Kill (SIGKILL) the command after this many seconds and count it as a failure.
    kill_after : float, optional
        Kill (SIGKILL) the command after this many seconds on purpose (``killed`` is True if it was still
        running).
    """
    import signal
    import tempfile

    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True, **kw)
        limit = min(x for x in (timeout, kill_after, float("inf")) if x is not None)
        killed = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - t0 >= limit:
                os.kill(proc.pid, signal.SIGKILL)
                killed = True
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        out.seek(0)
        err.seek(0)
        return ProcResult(proc.returncode, seconds, usage.ru_maxrss / 1024, out.read(), err.read(), killed)


def run_json_child(args: list[str], timeout: float | None = None) -> dict[str, Any]:
    """Run ``python <args>``, which prints one JSON object as its last line; return it (raise on failure)."""
    res = subprocess.run([PYTHON, *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    if res.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({res.returncode}):\n{res.stderr[-4000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


# -- corpora and settings ------------------------------------------------------------------------------------
def copy_corpus(src: Path, dst: Path) -> Path:
    """Copy a corpus folder (raw files stay read-only at their origin); return the copy."""
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(src, dst)
    for p in dst.rglob("*"):
        if p.is_file():
            p.chmod(0o644)
    return dst


def settings_for(corpus: Path, work: Path, **overrides: Any) -> Any:
    """Settings of a corpus with its store and pseudonym key under ``work`` (not outputs/ or private/)."""
    from wijkanalyse.config import load_settings

    return load_settings(corpus, store_dir=work / "store", private_dir=work / "private", **overrides)


def settings_file(corpus: Path, work: Path, **extra: Any) -> Path:
    """Write a settings YAML for the CLI: the corpus's own settings plus a store and key under ``work``."""
    import yaml

    base = corpus / "wijkanalyse.yml"
    data = yaml.safe_load(base.read_text(encoding="utf-8")) if base.exists() else {}
    data.update(store_dir=str(work / "store"), private_dir=str(work / "private"), **extra)
    path = work / "settings.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# -- results -------------------------------------------------------------------------------------------------
def md_table(rows: list[dict[str, Any]], columns: list[str] | None = None) -> str:
    """A Markdown table of dict rows."""
    if not rows:
        return "(none)\n"
    cols = columns or list(rows[0])

    def fmt(v: Any) -> str:
        if isinstance(v, float):
            return f"{v:,.3f}" if abs(v) < 10 else f"{v:,.1f}"
        return "" if v is None else str(v)

    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    lines += ["| " + " | ".join(fmt(r.get(c)) for c in cols) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def machine_md(head: dict[str, Any]) -> str:
    """The header of a results Markdown file."""
    m = head["machine"]
    return (
        f"- Date: {head['date']}  \n- Commit: `{head['commit']}`  \n- Command: `{head['command']}`  \n"
        f"- Machine: {m['cores']} usable cores ({m['cpu_count']} in total), {m['cpu_model']}, "
        f"{m['ram_gb']} GB RAM; "
        f"load average at start {m['load_average']}  \n- Python {m['python']} on {m['platform']}\n"
    )


def write_results(name: str, head: dict[str, Any], figures: dict[str, Any], body_md: str, title: str) -> Path:
    """Write ``results/<name>.json`` and ``results/<name>.md``; return the Markdown path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(
        json.dumps({**head, "figures": figures}, indent=2, ensure_ascii=False, default=str) + "\n",
        encoding="utf-8",
    )
    md = RESULTS / f"{name}.md"
    md.write_text(f"# {title}\n\n{machine_md(head)}\n{body_md.rstrip()}\n", encoding="utf-8")
    print(f"wrote {md.relative_to(ROOT)} and {name}.json")
    return md


def base_parser(description: str, sizes: str | None = None) -> argparse.ArgumentParser:
    """An argument parser with the options every benchmark shares."""
    p = argparse.ArgumentParser(description=description)
    if sizes is not None:
        p.add_argument("--sizes", default=sizes, help=f"comma-separated sizes (default {sizes})")
    p.add_argument("--quick", action="store_true", help="a small, fast run to check the script works")
    p.add_argument("--work", type=Path, default=None, help="working folder (default: a temporary folder)")
    p.add_argument("--keep", action="store_true", help="keep the working folder")
    p.add_argument("--embedder", default="use-m3", help="embedder (default use-m3, the product's default)")
    return p


def parse_sizes(text: str) -> list[int]:
    """``"1k,10k,100k"`` -> ``[1000, 10000, 100000]``."""
    out = []
    for part in text.split(","):
        part = part.strip().lower()
        if part:
            mult = 1000 if part.endswith("k") else 1
            out.append(int(float(part.rstrip("k")) * mult))
    return out


@contextmanager
def workdir(args: argparse.Namespace, name: str) -> Iterator[Path]:
    """A working folder: ``--work`` if given, else a temporary one (removed unless ``--keep``)."""
    import tempfile

    if args.work:
        path = Path(args.work) / name
        path.mkdir(parents=True, exist_ok=True)
        yield path
        return
    tmp = Path(tempfile.mkdtemp(prefix=f"wijkanalyse-{name}-"))
    try:
        yield tmp
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
