"""The privacy and safety cases of issue 11, for ``bench_bad_input.py``: each tried as an attacker or a
careless user would, each a small function that returns whether it held and what it found.

Every case works in its own folder under the benchmark's working folder (never ``outputs/`` or ``private/``),
on a small corpus written here, a copy of the demo corpus or of the test fixture ``mini_corpus``. The numbers
are the items of issue 11; ``held`` are the cases the issue found holding and asks to keep held.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import signal
import subprocess
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _common import DEMO, PYTHON, ROOT, copy_corpus

MINI = ROOT / "tests" / "fixtures" / "mini_corpus"
FORMULA = "=cmd|'/C notepad'!'A1'"


class NotTried(Exception):  # noqa: N818 - an outcome, not an error
    """The machine cannot set the case up (e.g. no way to make a read-only folder as root)."""


@dataclass
class SafetyCase:
    """One case: the item of issue 11 it belongs to, what is tried, and the function that tries it."""

    item: str
    name: str
    run: Callable[[Path], tuple[bool, str]]


# -- helpers -------------------------------------------------------------------------------------------------
def _cli(
    *args: Any, cwd: Path | None = None, timeout: float = 600, **env: str
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PYTHON, "-m", "wijkanalyse", *map(str, args)], capture_output=True, text=True, timeout=timeout,
        cwd=cwd, env={**os.environ, "HF_HUB_OFFLINE": "1", **env},
    )  # fmt: skip


def _clear(res: subprocess.CompletedProcess, *fragments: str, usage: bool = False) -> tuple[bool, str]:
    """Exit code 2, ``Error:`` (or a usage error of the parser), no traceback, every fragment in stderr."""
    err = " ".join(res.stderr.replace("│", " ").split())
    said = "Error" in err if usage else "Error:" in err
    ok = res.returncode == 2 and said and "Traceback" not in err and all(f in err for f in fragments)
    return ok, f"exit {res.returncode}: {err[:300]}"


def _corpus(folder: Path, files: dict[str, str], settings: dict[str, Any] | None = None) -> Path:
    import yaml

    if folder.exists():
        shutil.rmtree(folder)
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")
    if settings:
        (folder / "wijkanalyse.yml").write_text(
            yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8"
        )
    return folder


def _md(text: str, date: str = "2024-03-01", **meta: str) -> str:
    head = "".join(f"{k}: {v}\n" for k, v in meta.items())
    return f"---\ndate: {date}\n{head}---\n# Verslag\n\n{text}\n"


def _mini(work: Path, **settings: Any) -> Path:
    import yaml

    corpus = copy_corpus(MINI, work / "corpus")
    cfg = yaml.safe_load((corpus / "wijkanalyse.yml").read_text(encoding="utf-8"))
    cfg.update({k: str(v) for k, v in settings.items()})
    (corpus / "wijkanalyse.yml").write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    return corpus


def _here(work: Path) -> dict[str, Path]:
    return {"store_dir": work / "store", "private_dir": work / "private"}


@contextmanager
def _read_only(*paths: Path) -> Iterator[None]:
    """Folders and files nobody may write to: chmod, or as root (which ignores modes) ``chattr +i``."""
    if os.geteuid() == 0:
        if shutil.which("chattr") is None:
            raise NotTried("running as root without chattr: no way to make a folder read-only")
        done = subprocess.run(["chattr", "+i", *map(str, paths)], capture_output=True, text=True)
        if done.returncode != 0:
            raise NotTried(f"chattr +i failed: {done.stderr.strip()}")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", *map(str, paths)], check=True)
        return
    modes = {p: p.stat().st_mode for p in paths}
    for p in paths:
        p.chmod(0o555 if p.is_dir() else 0o444)
    try:
        yield
    finally:
        for p, mode in modes.items():
            p.chmod(mode)


def _store_text(store_dir: Path) -> str:
    """Return everything a person could read in the store: every table as CSV text, and the raw file bytes."""
    from wijkanalyse.store import Store

    with Store(store_dir, read_only=True) as store:
        parts = [store.documents().to_csv(), store.segments().to_csv(), store.survey_answers().to_csv()]
    raw = b"".join(p.read_bytes() for p in store_dir.glob("wijkanalyse.sqlite*"))
    return "\n".join(parts) + raw.decode("utf-8", errors="replace")


# -- 1: a store belongs to one corpus ------------------------------------------------------------------------
def same_folder_name(work: Path) -> tuple[bool, str]:
    from wijkanalyse.config import load_settings
    from wijkanalyse.review.decisions import add_coding
    from wijkanalyse.store import Store
    from wijkanalyse.update import ingest_store, store_for_writing

    a = _corpus(work / "corpora" / "corpus", {"noord/2024-03-01-a.md": _md("De wijkkrant moet blijven.")})
    b = _corpus(work / "other" / "corpus", {"noord/2024-03-01-b.md": _md("Het buurthuis moet open blijven.")})
    old = os.environ.get("WIJKANALYSE_HOME")
    os.environ["WIJKANALYSE_HOME"] = str(work / "werkmap")
    try:
        sa, sb = load_settings(a), load_settings(b)
        ingest_store(sa)
        with store_for_writing(sa) as store:
            add_coding(store, next(iter(store.segment_text_map())), "communicatiemiddelen", "anna")
        removed = ingest_store(sb).removed
        with Store(sa.store_path, read_only=True) as store:
            kept = store.counts()
    finally:
        if old is None:
            os.environ.pop("WIJKANALYSE_HOME", None)
        else:
            os.environ["WIJKANALYSE_HOME"] = old
    ok = sa.store_path != sb.store_path and not removed and kept["documents"] == 1 and kept["codings"] == 1
    return (
        ok,
        f"stores {sa.store_path.parent.name} and {sb.store_path.parent.name}; second removed {removed}; "
        f"first keeps {kept['documents']} document(s), {kept['codings']} coding(s)",
    )


def forced_clash(work: Path) -> tuple[bool, str]:
    a = _corpus(work / "corpora" / "corpus", {"noord/2024-03-01-a.md": _md("De wijkkrant moet blijven.")},
                {"store_dir": str(work / "gedeeld"), "private_dir": str(work / "pa")})  # fmt: skip
    b = _corpus(work / "other" / "corpus", {"noord/2024-03-01-b.md": _md("Het buurthuis moet open blijven.")},
                {"store_dir": str(work / "gedeeld"), "private_dir": str(work / "pb")})  # fmt: skip
    first = _cli("ingest", "--corpus", a)
    before = (work / "gedeeld" / "wijkanalyse.sqlite").read_bytes()
    ok, found = _clear(_cli("ingest", "--corpus", b), "belongs to corpus")
    same = (work / "gedeeld" / "wijkanalyse.sqlite").read_bytes() == before
    return ok and same and first.returncode == 0, found + ("" if same else "; the store changed")


# -- 2, 4, 5: personal data ----------------------------------------------------------------------------------
PII_TEXT = (
    "Mevrouw Bakker maakte 25 euro over naar NL91 ABNA 0417 1643 00 voor het buurtfeest. Het andere "
    "rekeningnummer is NL20INGB0001234567.\n\nDe bijeenkomst was in het buurthuis aan de Grote Markt 2 in "
    "Haarlem.\n\nZij is geboren op 14-07-1956 en haar buurman op 14 juli 1956.\n\nHet adres is 2011 AB 12, "
    "vlak bij het station. De financiering van het buurtfeest is rond."
)
PII_SURVEY = (
    "respondent_id,wijk,E-mailadres,Wat vindt u van de wijk?\n"
    "R1,Noord,j.devries@example.nl,De wijkkrant moet blijven want die lees ik altijd.\n"
    "R2,Noord,piet@example.org,Het buurthuis is een fijne plek.\n"
)


def _pii_store(work: Path) -> dict[str, str]:
    """A corpus with personal data planted in the text, the file name, the title and a survey column, ingested
    and coded (hashing embedder); returns every text a person could read (store, exports, report tables)."""
    from wijkanalyse import analysis
    from wijkanalyse.coding.apply import code_store
    from wijkanalyse.config import load_settings
    from wijkanalyse.report.files import save_tables
    from wijkanalyse.review.coded_table import export_codings_table
    from wijkanalyse.update import ingest_store, store_for_writing

    folder = work / "pii"
    if (folder / "seen.txt").exists():
        return {"all": (folder / "seen.txt").read_text(encoding="utf-8")}
    survey = {"path": "enquete/enquete.csv", "respondent_id": "respondent_id", "wijk_column": "wijk",
              "text_columns": {"wijk": "Wat vindt u van de wijk?"}}  # fmt: skip
    corpus = _corpus(
        folder / "corpus",
        {"noord/2024-03-01-gesprek-jan-de-vries.md": _md(PII_TEXT, title="Gesprek met Jan de Vries"),
         "enquete/enquete.csv": PII_SURVEY},
        {"store_dir": str(folder / "store"), "private_dir": str(folder / "private"), "embedder": "hashing",
         "surveys": [survey]},
    )  # fmt: skip
    settings = load_settings(corpus)
    ingest_store(settings)
    with store_for_writing(settings) as store:
        code_store(store, settings)
        export_codings_table(store, folder / "export" / "codings.csv", include_rejected=True)
        data = analysis.load(store, settings)
        save_tables(analysis.city_tables(data, store), folder / "tables" / "stad")
        save_tables(analysis.wijk_tables(data, "Noord", store), folder / "tables" / "noord")
    tables = [*sorted((folder / "tables").rglob("*.csv")), *sorted((folder / "export").rglob("*.csv"))]
    published = "\n".join(p.read_text(encoding="utf-8-sig") for p in tables)
    text = _store_text(folder / "store") + "\n" + published
    (folder / "seen.txt").write_text(text, encoding="utf-8")
    return {"all": text}


def _absent(*patterns: str) -> Callable[[Path], tuple[bool, str]]:
    def case(work: Path) -> tuple[bool, str]:
        text = _pii_store(work.parent)["all"]
        found = sorted({m.group(0) for p in patterns for m in re.finditer(p, text)})
        return not found, f"found {found[:5]}" if found else "not found in the store, exports or tables"

    return case


# -- 3: suppressed counts cannot be recovered ----------------------------------------------------------------
def disclosure_audit(work: Path) -> tuple[bool, str]:
    """The demo corpus coded (hashing embedder), every table as published (CSV), the differencing attack."""
    import pandas as pd

    from wijkanalyse import analysis
    from wijkanalyse.analysis.disclosure import audit_tables
    from wijkanalyse.coding.apply import code_store
    from wijkanalyse.config import load_settings
    from wijkanalyse.report.files import save_tables
    from wijkanalyse.update import store_for_writing

    corpus = copy_corpus(DEMO, work / "corpus")
    settings = load_settings(corpus, embedder="hashing", **_here(work))
    with store_for_writing(settings) as store:
        from wijkanalyse.ingest.corpus import ingest_corpus

        ingest_corpus(settings, store)
        code_store(store, settings)
        data = analysis.load(store, settings)
        folders = {None: save_tables(analysis.city_tables(data, store), work / "tables" / "stad")}
        for wijk in store.segment_wijken():
            folders[wijk] = save_tables(analysis.wijk_tables(data, wijk, store), work / "tables" / wijk)

    def read(paths: list[Path]) -> dict[str, pd.DataFrame]:
        return {p.stem: pd.read_csv(p, dtype=str, keep_default_na=False) for p in paths}

    city = read(folders.pop(None))
    findings = audit_tables(city, {w: read(ps) for w, ps in folders.items()}, settings.min_count)
    shown = "; ".join(str(f) for f in findings[:3])
    return not findings, f"{len(findings)} hidden figure(s) recovered" + (f": {shown}" if shown else "")


# -- 6: formula injection in the report tables ---------------------------------------------------------------
def formula_in_tables(work: Path) -> tuple[bool, str]:
    from wijkanalyse import analysis
    from wijkanalyse.config import load_settings
    from wijkanalyse.report.files import save_tables
    from wijkanalyse.review.decisions import add_coding
    from wijkanalyse.update import ingest_store, store_for_writing

    corpus = _mini(work, **_here(work))
    (corpus / "noord" / "2024-04-01-formule.md").write_text(
        _md(f"{FORMULA} staat in het formulier over de financiering."), encoding="utf-8"
    )
    settings = load_settings(corpus)
    ingest_store(settings)
    with store_for_writing(settings) as store:
        seg = next(s for s, t in store.segment_text_map().items() if t.startswith(FORMULA))
        add_coding(store, seg, "financiering", "onderzoeker")
        data = analysis.load(store, settings)
        written = save_tables(analysis.wijk_tables(data, "Noord", store), work / "tables")
    cells = [c for p in written for row in csv.reader(p.open(encoding="utf-8")) for c in row]
    live = [c for c in cells if c.startswith(("=", "+", "@", "\t", "\r"))]
    defused = [c for c in cells if c.startswith("'" + FORMULA)]
    return bool(defused) and not live, f"{len(defused)} defused quote(s), live formulas: {live[:3]}"


def formula_in_exports(work: Path) -> tuple[bool, str]:
    corpus = _mini(work, **_here(work))
    (corpus / "noord" / "2024-04-01-formule.md").write_text(_md(f"{FORMULA} over het buurthuis."), "utf-8")
    assert _cli("ingest", "--corpus", corpus).returncode == 0
    assert _cli("code", "--corpus", corpus, "--embedder", "hashing").returncode == 0
    out = []
    for suffix in ("csv", "xlsx"):
        res = _cli("export", suffix, "--corpus", corpus, "--rejected", "--out", work / f"codings.{suffix}")
        out.append(res.returncode)
    import openpyxl

    text = (work / "codings.csv").read_text(encoding="utf-8-sig")
    ws = openpyxl.load_workbook(work / "codings.xlsx").active
    cells = [
        c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith(FORMULA)
    ]
    ok = out == [0, 0] and f"'{FORMULA}" in text and "\n" + FORMULA not in text and cells and all(
        c.data_type == "s" and c.quotePrefix for c in cells)  # fmt: skip
    defused = f"'{FORMULA}" in text
    return bool(ok), f"exit codes {out}; csv defused: {defused}; xlsx text cells: {len(cells)}"


# -- 7: two writers ------------------------------------------------------------------------------------------
def two_ingests(work: Path) -> tuple[bool, str]:
    from wijkanalyse.store import Store

    corpus = copy_corpus(DEMO, work / "corpus")
    sfile = work / "settings.yml"
    import yaml

    cfg = yaml.safe_load((corpus / "wijkanalyse.yml").read_text(encoding="utf-8"))
    cfg.update({k: str(v) for k, v in _here(work).items()})
    sfile.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    cmd = [PYTHON, "-m", "wijkanalyse", "ingest", "--corpus", str(corpus), "--settings", str(sfile)]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in "ab"]
    outs = [(p.wait(timeout=600), p.communicate()[1]) for p in procs]
    with Store(work / "store", create=False) as store:
        problems, running, runs = store.integrity_check(), store.running_runs(), store.recent_runs(5)
    waited = any("Another run is busy" in err for _, err in outs)
    ok = all(rc == 0 and "Traceback" not in err for rc, err in outs) and not problems and not running
    return (
        ok,
        f"exit codes {[rc for rc, _ in outs]}; second waited: {waited}; integrity problems {problems}; "
        f"runs {runs['status'].tolist()}",
    )


_HOLDER = (
    "import sys, time\nfrom wijkanalyse.store import Store\ns = Store(sys.argv[1])\nl = s.writer_lock()\n"
    "l.__enter__()\nprint(s.start_run('ingest'), flush=True)\ntime.sleep(300)\n"
)


def lock_timeout_and_kill(work: Path) -> tuple[bool, str]:
    from wijkanalyse.exceptions import StoreError
    from wijkanalyse.store import Store

    Store(work / "store").close()
    holder = subprocess.Popen([PYTHON, "-c", _HOLDER, str(work / "store")], stdout=subprocess.PIPE, text=True,
                              start_new_session=True)  # fmt: skip
    message = ""
    try:
        run_id = holder.stdout.readline().strip() if holder.stdout else ""
        with Store(work / "store") as store:
            try:
                with store.writer_lock(timeout=1):
                    pass
            except StoreError as exc:
                message = str(exc)
    finally:
        os.killpg(holder.pid, signal.SIGKILL)
        holder.wait(timeout=60)
    with Store(work / "store") as store:
        with store.writer_lock(timeout=30):
            pass
        status = store.run_status(run_id)
    ok = "Another run is still busy" in message and status == "interrupted"
    return ok, f"{message[:120]}; the killed writer's run: {status}"


def kill_during_ingest(work: Path) -> tuple[bool, str]:
    from wijkanalyse.store import Store

    corpus = _mini(work, **_here(work))
    for i in range(60):
        (corpus / "oost" / f"2024-02-{i % 28 + 1:02d}-v{i}.md").write_text(
            _md("De bewoners willen meer groen in de straat. " * 40), encoding="utf-8"
        )
    proc = subprocess.Popen(
        [PYTHON, "-m", "wijkanalyse", "ingest", "--corpus", str(corpus)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while not (work / "store" / "wijkanalyse.sqlite").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    again = _cli("ingest", "--corpus", corpus)
    with Store(work / "store", create=False) as store:
        problems, running, docs = store.integrity_check(), store.running_runs(), store.counts()["documents"]
    ok = again.returncode == 0 and not problems and not running and docs == 4 + 60
    return ok, f"rerun exit {again.returncode}; documents {docs}; integrity {problems}; running {running}"


# -- 8: resource limits --------------------------------------------------------------------------------------
def docx_bomb(work: Path) -> tuple[bool, str]:
    from wijkanalyse.config import load_settings
    from wijkanalyse.update import ingest_store

    corpus = _mini(work, **_here(work))
    path = corpus / "noord" / "2024-05-01-bom.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"/>')  # fmt: skip
        with z.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
                     b"<w:p><w:r><w:t>")  # fmt: skip
            chunk = b" " * (1 << 20)
            for _ in range(300):  # 300 MB of spaces: about 300 KB packed
                fh.write(chunk)
            fh.write(b"</w:t></w:r></w:p></w:body></w:document>")
    t0 = time.perf_counter()
    result = ingest_store(load_settings(corpus))
    seconds = time.perf_counter() - t0
    mine = [str(p) for p in result.problems if p.path == "noord/2024-05-01-bom.docx"]
    ok = bool(mine) and seconds < 60
    return (
        ok,
        f"{path.stat().st_size // 1024} KB packed; {seconds:.1f} s; {mine[:1] or 'no problem reported'}",
    )


ALIAS_BOMB = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
    for p, c in zip("abcdefgh", "bcdefghi", strict=True)
)


def yaml_bomb_codebook(work: Path) -> tuple[bool, str]:
    (work / "bom.yml").write_text(ALIAS_BOMB, encoding="utf-8")
    t0 = time.perf_counter()
    try:
        res = _cli("codebook-check", work / "bom.yml", timeout=120)
    except subprocess.TimeoutExpired:
        return False, "codebook-check still running after 120 s"
    ok, found = _clear(res)
    return ok and len(
        res.stderr
    ) < 3000, f"{time.perf_counter() - t0:.1f} s, {len(res.stderr)} chars; {found}"


def yaml_bomb_front_matter(work: Path) -> tuple[bool, str]:
    from wijkanalyse.config import load_settings
    from wijkanalyse.update import ingest_store

    corpus = _mini(work, **_here(work))
    (corpus / "noord" / "2024-05-02-bom.md").write_text(f"---\n{ALIAS_BOMB}---\nTekst.\n", encoding="utf-8")
    result = ingest_store(load_settings(corpus))
    mine = [str(p) for p in result.problems if p.path == "noord/2024-05-02-bom.md"]
    return bool(mine) and len(mine[0]) < 1000, mine[0][:200] if mine else "no problem reported"


# -- 9: the key file -----------------------------------------------------------------------------------------
def key_file_modes(work: Path) -> tuple[bool, str]:
    corpus = _mini(work, **_here(work))
    res = _cli("ingest", "--corpus", corpus)
    key = work / "private" / "pseudonym_key.sqlite"
    if res.returncode != 0 or not key.exists():
        return False, f"ingest exit {res.returncode}; key file exists: {key.exists()}"
    file_mode, folder_mode = key.stat().st_mode & 0o777, key.parent.stat().st_mode & 0o777
    return (file_mode, folder_mode) == (0o600, 0o700), f"key {oct(file_mode)}, folder {oct(folder_mode)}"


# -- 10: clear errors ----------------------------------------------------------------------------------------
def unwritable_outputs(work: Path) -> tuple[bool, str]:
    corpus = _mini(work, private_dir=work / "private")
    locked = work / "alleen-lezen"
    locked.mkdir()
    with _read_only(locked):
        results = [_clear(_cli(verb, "--corpus", corpus, "--outputs", locked / "uit"), str(locked))
                   for verb in ("ingest", "run")]  # fmt: skip
    return all(ok for ok, _ in results), " | ".join(found for _, found in results)


def read_only_store(work: Path) -> tuple[bool, str]:
    corpus = _mini(work, **_here(work))
    assert _cli("ingest", "--corpus", corpus).returncode == 0
    store = work / "store"
    with _read_only(store, *[p for p in store.iterdir() if p.is_file()]):
        status = _cli("status", "--corpus", corpus)
        refused = [
            _clear(_cli(verb, "--corpus", corpus), str(store)) for verb in ("ingest", "code", "report")
        ]
    ok = status.returncode == 0 and "documents: 4" in status.stdout and all(ok for ok, _ in refused)
    return ok, f"status exit {status.returncode}; " + " | ".join(found[:120] for _, found in refused)


def killed_report(work: Path) -> tuple[bool, str]:
    from wijkanalyse.config import load_settings
    from wijkanalyse.report import runs_root
    from wijkanalyse.store import Store
    from wijkanalyse.update import update_store

    corpus = _mini(work, embedder="hashing", **_here(work))
    settings = load_settings(corpus)
    update_store(settings)
    root = runs_root(settings)
    proc = subprocess.Popen(
        [PYTHON, "-m", "wijkanalyse", "report", "--corpus", str(corpus)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    while not list(root.glob("*/**/.*.tmp.ipynb")) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    left = [p.name for p in root.iterdir()] if root.is_dir() else []
    hidden = len(list(root.glob("**/.*.tmp*")))
    nxt = _cli("report", "--corpus", corpus, "--wijk", "Nergens")  # the next start, refused after cleaning
    with Store(settings.store_path, read_only=True) as store:
        statuses = store.recent_runs(5)["status"].tolist()
    after = [p.name for p in root.iterdir()] if root.is_dir() else []
    ok = bool(left) and hidden > 0 and after == [] and "running" not in statuses and nxt.returncode == 2
    return (
        ok,
        f"the kill left {left} with {hidden} hidden file(s); after the next start: {after}, runs {statuses}",
    )


def empty_corpus(work: Path) -> tuple[bool, str]:
    corpus = _corpus(work / "leeg", {"README.md": "Hier komen de verslagen.\n"},
                     {**{k: str(v) for k, v in _here(work).items()}, "embedder": "hashing"})  # fmt: skip
    ingest = _clear(_cli("ingest", "--corpus", corpus), "no text to analyse")
    run = _clear(_cli("run", "--corpus", corpus), "no text to analyse")
    return ingest[0] and run[0], f"ingest: {ingest[1][:150]} | run: {run[1][:80]}"


def unknown_wijk(work: Path) -> tuple[bool, str]:
    corpus = _mini(work, embedder="hashing", **_here(work))
    t0 = time.perf_counter()
    ok, found = _clear(_cli("run", "--corpus", corpus, "--wijk", "Nergens"), "Unknown wijk 'Nergens'")
    seconds = time.perf_counter() - t0
    untouched = not (work / "store").exists()
    return ok and untouched, f"{seconds:.1f} s (with start-up), store made: {not untouched}; {found[:150]}"


# -- held: keep them held ------------------------------------------------------------------------------------
def bad_cli_arguments(work: Path) -> tuple[bool, str]:
    corpus = _mini(work, **_here(work))
    checks = [
        _clear(_cli("run", "--corpus", corpus, "--jobs", "0"), "--jobs", usage=True),
        _clear(_cli("ingest", "--corpus", work / "bestaat-niet"), "does not exist"),
        _clear(_cli("export", "csv", "--corpus", corpus, "--kind", "robot"), "--kind"),
    ]
    return all(ok for ok, _ in checks), " | ".join(found[:80] for _, found in checks)


def unsafe_yaml(work: Path) -> tuple[bool, str]:
    (work / "kwaad.yml").write_text("name: !!python/object/apply:os.system ['touch " + str(work / "pwned")
                                    + "']\ncodes: []\n", encoding="utf-8")  # fmt: skip
    ok, found = _clear(_cli("codebook-check", work / "kwaad.yml"))
    return ok and not (work / "pwned").exists(), found[:200]


def _qdpx(path: Path, project_xml: str, extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("project.qde", project_xml)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return path


def qdpx_attacks(work: Path) -> tuple[bool, str]:
    corpus = _mini(work, **_here(work))
    assert _cli("ingest", "--corpus", corpus).returncode == 0
    xxe = ('<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           '<Project xmlns="urn:QDA-XML:project:1.0" name="&x;"/>')  # fmt: skip
    lol = (
        '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
        + "".join(
            f'<!ENTITY {c} "{("&" + p + ";") * 10}">' for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        )
        + ']><Project xmlns="urn:QDA-XML:project:1.0" name="&i;"/>'
    )
    slip = _qdpx(work / "slip.qdpx", '<Project xmlns="urn:QDA-XML:project:1.0" name="x"/>',
                 {"../../ontsnapt.txt": b"buiten de map"})  # fmt: skip
    outs = []
    for name, path in (("xxe", _qdpx(work / "xxe.qdpx", xxe)), ("entities", _qdpx(work / "lol.qdpx", lol)),
                       ("zip-slip", slip)):  # fmt: skip
        t0 = time.perf_counter()
        res = _cli("import", "qdpx", path, "--corpus", corpus, "--dry-run", timeout=120)
        outs.append((name, res.returncode, time.perf_counter() - t0, "root:x:" in res.stdout + res.stderr,
                     "Traceback" in res.stderr))  # fmt: skip
    escaped = any(any(root.rglob("ontsnapt.txt")) for root in (work.parents[1], Path.cwd())) or Path(
        "/tmp/ontsnapt.txt").exists()  # fmt: skip
    ok = (
        all(rc in (0, 2) and not leaked and not tb and s < 60 for _, rc, s, leaked, tb in outs)
        and not escaped
    )
    return ok, "; ".join(
        f"{n}: exit {rc}, {s:.1f} s, leaked {lk}" for n, rc, s, lk, _ in outs
    ) + f"; a file escaped the folder: {escaped}"


CASES: list[SafetyCase] = [
    SafetyCase(
        "1", "two corpora in folders both called 'corpus': each its own store, nothing lost", same_folder_name
    ),
    SafetyCase("1", "a store claimed by another corpus refuses it, unchanged", forced_clash),
    SafetyCase(
        "2",
        "IBAN (with and without spaces) pseudonymised",
        _absent(r"NL91 ?ABNA ?0417 ?1643 ?00", r"NL20 ?INGB ?0001 ?2345 ?67"),
    ),
    SafetyCase(
        "3", "suppressed counts cannot be recovered from the published tables (demo corpus)", disclosure_audit
    ),
    SafetyCase(
        "4", "a name in the file name: not in paths, session ids or tables", _absent(r"(?i)de[- ]vries")
    ),
    SafetyCase("4", "a name in a document title pseudonymised", _absent(r"Gesprek met Jan")),
    SafetyCase(
        "4", "an e-mail survey column not mapped as text is not stored", _absent(r"[\w.]+@example\.\w+")
    ),
    SafetyCase("5", "a street of more than one word ('Grote Markt 2')", _absent(r"Grote Markt 2")),
    SafetyCase("5", "dates of birth (14-07-1956, 14 juli 1956)", _absent(r"14-07-1956", r"14 juli 1956")),
    SafetyCase("5", "the house number after a postcode", _absent(r"2011 ?AB", r"\[POSTCODE-\d+\] 12\b")),
    SafetyCase("6", "formula injection in the report tables (citaten.csv)", formula_in_tables),
    SafetyCase("6", "formula injection in export csv/xlsx (held)", formula_in_exports),
    SafetyCase("7", "two ingests at once (demo corpus)", two_ingests),
    SafetyCase(
        "7",
        "a held lock: clear error after the timeout; the killed holder's run marked interrupted",
        lock_timeout_and_kill,
    ),
    SafetyCase("7", "an ingest killed half-way, then run again (held)", kill_during_ingest),
    SafetyCase("8", "a docx that unpacks to 300 MB", docx_bomb),
    SafetyCase("8", "a YAML alias bomb in a codebook (codebook-check)", yaml_bomb_codebook),
    SafetyCase("8", "a YAML alias bomb in front matter", yaml_bomb_front_matter),
    SafetyCase("9", "the key file 0600 in a 0700 folder", key_file_modes),
    SafetyCase("10", "an outputs folder one may not write to (ingest, run)", unwritable_outputs),
    SafetyCase("10", "a read-only store: status works, ingest/code/report refuse clearly", read_only_store),
    SafetyCase("10", "a report run killed half-way: cleaned and marked at the next start", killed_report),
    SafetyCase("10", "an empty corpus (ingest, run)", empty_corpus),
    SafetyCase("10", "run --wijk Nergens: refused before any ingest or coding", unknown_wijk),
    SafetyCase("held", "bad command-line arguments", bad_cli_arguments),
    SafetyCase("held", "unsafe YAML (!!python/object) in a codebook", unsafe_yaml),
    SafetyCase("held", "REFI-QDA import: XXE, entity expansion, zip-slip", qdpx_attacks),
]


def run_safety_cases(work: Path, quick: bool = False) -> list[dict[str, Any]]:
    """Run every case (``quick``: the cheap ones) in its own folder; return one row per case."""
    rows = []
    heavy = {disclosure_audit, two_ingests, killed_report, kill_during_ingest}
    for i, case in enumerate(CASES, start=1):
        if quick and case.run in heavy:
            continue
        folder = work / "safety" / f"case{i:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        try:
            passed, found = case.run(folder)
            outcome = "held" if passed else "FAILED"
        except NotTried as exc:
            passed, found, outcome = False, str(exc), "not tried"
        except Exception as exc:  # noqa: BLE001 - a crash is a finding
            passed, found, outcome = False, f"crashed: {type(exc).__name__}: {exc}"[:400], "FAILED"
        rows.append({"item": case.item, "case": case.name, "outcome": outcome, "passed": passed,
                     "found": found, "seconds": round(time.perf_counter() - t0, 1)})  # fmt: skip
        print(f"{'ok  ' if passed else outcome:9} [{case.item}] {case.name}: {found[:140]}", flush=True)
    return rows


__all__ = ["CASES", "SafetyCase", "run_safety_cases"]
