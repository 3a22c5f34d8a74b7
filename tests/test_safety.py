"""Data that is never lost and errors that stay clear (issue 11: items 1, 6, 7 and 10; issue 10: item 9).

* A store belongs to one corpus: two corpora in folders that are both called ``corpus`` keep their own store,
  key and codings; a store claimed by another corpus refuses it and nothing changes.
* One writer at a time: two ingests at once both finish (the second waits) and leave a sound store; a lock
  held too long gives a clear error; a killed writer's ``running`` run is marked ``interrupted``.
* Every table is written by one writer that defuses formulas: ``=cmd|'/C notepad'!'A1'`` in a segment
  reaches ``citaten.csv`` and the exports as inert text.
* Clear errors: an outputs folder or store one may not write to (``status`` still reads it), a corpus
  without text, an unknown wijk before any work, and killed report runs cleaned at the next start.

Folders "one may not write to" are made with ``chmod``; as root (which ignores modes) with the immutable
attribute (``chattr +i``), which binds root too.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
import yaml
from click.testing import Result
from typer.testing import CliRunner

from conftest import MINI_CORPUS, demo_codebook
from wijkanalyse.cli import app
from wijkanalyse.config import load_settings
from wijkanalyse.exceptions import IngestError, ReportError, StoreError
from wijkanalyse.pipeline import check_wijken
from wijkanalyse.report import run_reports, runs_root
from wijkanalyse.review.decisions import add_coding, ensure_codes
from wijkanalyse.store import Store
from wijkanalyse.table_files import neutralise, safe_csv_value, write_table
from wijkanalyse.update import ingest_store, store_for_writing, update_store

RUNNER = CliRunner()
FORMULA = "=cmd|'/C notepad'!'A1'"
KRANT = "De wijkkrant moet blijven, die lezen alle bewoners van Noord."
BUURTHUIS = "Het buurthuis in Noord moet ook op zaterdag open blijven."


def _cli(*args: Any) -> Result:
    return RUNNER.invoke(app, [str(a) for a in args])


def _flat(result: Result) -> str:
    return " ".join(result.output.replace("│", " ").split())


def _refused(result: Result, *fragments: str) -> str:
    """A clear refusal: exit code 2, ``Error:``, no traceback, every fragment in the message."""
    assert result.exit_code == 2, result.output + repr(result.exception)
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    flat = _flat(result)
    assert "Error:" in flat and "Traceback" not in flat, flat
    for fragment in fragments:
        assert fragment in flat, flat
    return flat


def _session(folder: Path, text: str, wijk: str = "noord", date: str = "2024-03-01") -> Path:
    """A corpus folder with one session report of one paragraph."""
    (folder / wijk).mkdir(parents=True, exist_ok=True)
    (folder / wijk / f"{date}-verslag.md").write_text(
        f"---\ndate: {date}\nkind: verslag\n---\n# Behouden\n\n{text}\n", encoding="utf-8"
    )
    return folder


def _mini(dst: Path, **settings: Any) -> Path:
    """A copy of the mini corpus whose wijkanalyse.yml gets ``settings`` (store_dir, private_dir, ...)."""
    shutil.copytree(MINI_CORPUS, dst)
    path = dst / "wijkanalyse.yml"
    cfg = yaml.safe_load(path.read_text(encoding="utf-8"))
    cfg.update({k: str(v) if isinstance(v, Path) else v for k, v in settings.items()})
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    return dst


def _snapshot(store_dir: Path) -> dict[str, Any]:
    with Store(store_dir, read_only=True) as store:
        return {
            "documents": store.document_fingerprints(),
            "segments": store.segment_text_map(),
            "counts": store.counts(),
            "identity": store.corpus_identity(),
            "runs": store.recent_runs(50).to_dict("records"),
            "codings": store.codings_table("human", False).to_dict("records"),
        }


@contextmanager
def _read_only(*paths: Path) -> Iterator[None]:
    """Make folders and files that nobody may write to for the block (chmod; ``chattr +i`` as root)."""
    if os.geteuid() == 0:
        probe = paths[0]
        done = subprocess.run(["chattr", "+i", str(probe)], capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"as root a folder can only be made read-only with chattr +i: {done.stderr.strip()}")
        subprocess.run(["chattr", "+i", *map(str, paths)], check=True)
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


# -- 11.1: a store belongs to one corpus ---------------------------------------------------------------------
def test_two_corpora_called_corpus_keep_their_own_store_key_and_codings(tmp_path, monkeypatch):
    monkeypatch.setenv("WIJKANALYSE_HOME", str(tmp_path / "werkmap"))
    first = _session(tmp_path / "corpora" / "corpus", KRANT)
    second = _session(tmp_path / "other" / "corpus", BUURTHUIS)
    s1, s2 = load_settings(first), load_settings(second)
    assert s1.corpus_name == s2.corpus_name == "corpus"  # the folder names are the same ...
    assert s1.store_path != s2.store_path and s1.key_path != s2.key_path  # ... their stores and keys are not
    assert s1.store_path.is_relative_to(tmp_path / "werkmap" / "outputs")

    ingest_store(s1)
    with store_for_writing(s1) as store:
        (segment_id,) = [sid for sid, text in store.segment_text_map().items() if "wijkkrant" in text]
        ensure_codes(store, demo_codebook())  # the corpus names no codebook: people code with this one
        add_coding(store, segment_id, "communicatiemiddelen", "anna")
    result = ingest_store(s2)
    assert result.removed == [] and result.added == ["noord/2024-03-01-verslag.md"]

    one, two = _snapshot(s1.store_path), _snapshot(s2.store_path)
    assert list(one["segments"].values()) == [KRANT] and list(two["segments"].values()) == [BUURTHUIS]
    assert [(c["segment_id"], c["code_id"], c["coder_id"]) for c in one["codings"]] == [
        (segment_id, "communicatiemiddelen", "anna")
    ]
    assert one["identity"] == (s1.corpus_id, str(first.resolve()))
    assert two["identity"] == (s2.corpus_id, str(second.resolve()))
    assert s1.key_path.is_file() and s2.key_path.is_file()


def test_a_store_of_another_corpus_refuses_it_and_nothing_changes(tmp_path):
    shared = tmp_path / "gedeeld"
    first = _session(tmp_path / "corpora" / "corpus", KRANT)
    second = _session(tmp_path / "other" / "corpus", BUURTHUIS)
    s1 = load_settings(first, store_dir=shared, private_dir=tmp_path / "p1")
    s2 = load_settings(second, store_dir=shared, private_dir=tmp_path / "p2")
    ingest_store(s1)
    with store_for_writing(s1) as store:
        ensure_codes(store, demo_codebook())  # the corpus names no codebook: people code with this one
        add_coding(store, next(iter(store.segment_text_map())), "communicatiemiddelen", "anna")
    before = _snapshot(shared)

    refusal = rf"belongs to corpus '{s1.corpus_id}' \({first.resolve()}\), not to '{s2.corpus_id}'.*Nothing"
    with pytest.raises(StoreError, match=refusal):
        ingest_store(s2)
    with pytest.raises(StoreError, match=refusal):
        update_store(s2)
    settings_file = tmp_path / "tweede.yml"
    settings_file.write_text(f"store_dir: {shared}\nprivate_dir: {tmp_path / 'p2'}\n", encoding="utf-8")
    _refused(_cli("ingest", "--corpus", second, "--settings", settings_file), "belongs to corpus", "name:")
    _refused(_cli("run", "--corpus", second, "--settings", settings_file), "belongs to corpus")
    assert _snapshot(shared) == before
    assert not (tmp_path / "p2" / "pseudonym_key.sqlite").exists()


# -- 11.7: one writer at a time ------------------------------------------------------------------------------
def test_two_ingests_at_once_both_finish_and_leave_a_sound_store(tmp_path):
    corpus = _mini(tmp_path / "corpus", store_dir=tmp_path / "store", private_dir=tmp_path / "private")
    for day in range(1, 41):  # enough files that the two runs overlap
        date = f"2024-{2 + (day - 1) // 20:02d}-{1 + (day - 1) % 20:02d}"
        _session(corpus, f"Bijeenkomst {day}: de bewoners willen meer groen in de straat.", "oost", date)
    command = [sys.executable, "-m", "wijkanalyse", "ingest", "--corpus", str(corpus)]
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True}
    procs = [subprocess.Popen(command, **pipes) for _ in "ab"]
    outcomes = [(p.wait(timeout=600), *p.communicate()) for p in procs]
    for rc, _out, err in outcomes:
        assert "Traceback" not in err, err
        assert rc == 0 or (rc == 2 and "Another run is still busy" in err), err
    assert any(rc == 0 for rc, _, _ in outcomes)
    with Store(tmp_path / "store", create=False) as store:
        assert store.integrity_check() == []
        assert store.running_runs() == []
        assert store.counts()["documents"] == 4 + 40
        runs = store.recent_runs(10)
    assert set(runs["status"]) <= {"ok", "ok-with-problems"}
    assert len(runs) == sum(rc == 0 for rc, _, _ in outcomes)


_HOLDER = """
import sys, time
from wijkanalyse.store import Store
store = Store(sys.argv[1])
lock = store.writer_lock()
lock.__enter__()
print(store.start_run("ingest"), flush=True)
time.sleep(300)
"""


def _wait_for(path: Path, text: str, seconds: float = 180) -> str:
    deadline = time.monotonic() + seconds
    while text not in (found := path.read_text(encoding="utf-8") if path.exists() else ""):
        assert time.monotonic() < deadline, f"{text!r} did not appear in {path}: {found[-2000:]}"
        time.sleep(0.1)
    return found


def test_a_second_writer_waits_for_the_lock_and_a_killed_writer_leaves_no_running_run(tmp_path):
    corpus = _mini(tmp_path / "corpus", store_dir=tmp_path / "store", private_dir=tmp_path / "private")
    folder = tmp_path / "store"
    Store(folder).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(folder)],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    log = tmp_path / "ingest.err"
    with log.open("w", encoding="utf-8") as err:
        waiting = subprocess.Popen(
            [sys.executable, "-m", "wijkanalyse", "ingest", "--corpus", str(corpus)],
            stdout=subprocess.DEVNULL, stderr=err, start_new_session=True,
        )  # fmt: skip
    try:
        run_id = holder.stdout.readline().strip()
        assert run_id, "the holder did not take the lock"
        message = _wait_for(log, "Another run is busy with the store")
        assert "waiting for it" in message and "Traceback" not in message
        with Store(folder) as store:
            assert store.counts()["documents"] == 0 and waiting.poll() is None  # the ingest waits ...
            with pytest.raises(StoreError, match=r"Another run is still busy with the store .* after 1 s"):
                with store.writer_lock(timeout=1):
                    pass
            assert store.running_runs() == [run_id]  # the holder is alive: its run is running
    finally:
        os.killpg(holder.pid, signal.SIGKILL)
        holder.wait(timeout=60)
    try:
        assert waiting.wait(timeout=300) == 0, log.read_text(encoding="utf-8")  # ... and goes on when it ends
    finally:
        if waiting.poll() is None:
            os.killpg(waiting.pid, signal.SIGKILL)
    with Store(folder, read_only=True) as store:
        assert store.counts()["documents"] == 4
        assert store.run_status(run_id) == "interrupted" and store.running_runs() == []


def test_the_writer_lock_is_reentrant_and_an_error_inside_fails_its_runs(tmp_path):
    with Store(tmp_path / "store") as store:
        with store.writer_lock(timeout=1):
            with store.writer_lock(timeout=1):  # run_pipeline holds it around update and reports
                run_id = store.start_run("ingest")
            assert store.running_runs() == [run_id]  # the inner block ended well: its run is not closed
            store.finish_run(run_id)
        with pytest.raises(RuntimeError):
            with store.writer_lock(timeout=1):
                failed = store.start_run("ingest")
                raise RuntimeError("stopped half-way")
        assert store.run_status(failed) == "failed" and store.running_runs() == []


# -- 11.6: one writer for every table, no formula runs -------------------------------------------------------
def test_the_table_writer_defuses_formulas_and_keeps_numbers():
    df = pd.DataFrame(
        {
            "text": [FORMULA, "+31 6 1234", "@SUM(1)", "\tx", "gewoon", None],
            "z": pd.Series([-0.27, "-0.27", "<5", -3, "-", "1e-3"], dtype=object),
            "n": [-1, 2, 3, 4, 5, 6],
        }
    )
    safe = neutralise(df)
    assert safe["text"].tolist()[:5] == ["'" + FORMULA, "'+31 6 1234", "'@SUM(1)", "'\tx", "gewoon"]
    assert safe["text"].isna().tolist()[5]
    assert safe["z"].tolist() == [-0.27, "-0.27", "<5", -3, "'-", "1e-3"]  # numbers, also as text, stay
    assert safe["n"].tolist() == [-1, 2, 3, 4, 5, 6] and safe["n"].dtype == df["n"].dtype
    clean = pd.DataFrame({"a": ["x", "-0.5"], "b": [1.5, -2.0]})
    assert neutralise(clean) is clean  # nothing to defuse: the very same table, so the same bytes
    assert safe_csv_value(-0.5) == -0.5 and safe_csv_value("=1+1") == "'=1+1"


def test_write_table_writes_csv_and_xlsx_atomically(tmp_path):
    df = pd.DataFrame({"text": [FORMULA, "gewoon"], "n": [-2, 3]})
    path = write_table(df, tmp_path / "uit" / "t.csv")
    assert path.read_text(encoding="utf-8") == f"text,n\n'{FORMULA},-2\ngewoon,3\n"
    book = openpyxl.load_workbook(write_table(df, tmp_path / "uit" / "t.xlsx", sheet="blad"))
    ws = book["blad"]
    assert (ws["A2"].value, ws["A2"].data_type, ws["A2"].quotePrefix) == (FORMULA, "s", True)
    assert (ws["B2"].value, ws["B2"].data_type) == (-2, "n")
    assert sorted(p.name for p in (tmp_path / "uit").iterdir()) == ["t.csv", "t.xlsx"]  # no temporary files
    with pytest.raises(ValueError, match=r"\.csv or \.xlsx\. Got 't\.json'"):
        write_table(df, tmp_path / "t.json")


def test_a_formula_in_a_segment_reaches_citaten_and_exports_as_inert_text(tmp_path):
    corpus = _mini(tmp_path / "corpus", store_dir=tmp_path / "store", private_dir=tmp_path / "private")
    (corpus / "noord" / "2024-04-01-formule.md").write_text(
        f"---\ndate: 2024-04-01\n---\n# Vragen\n\n{FORMULA} staat in het formulier over de financiering.\n",
        encoding="utf-8",
    )
    settings = load_settings(corpus)
    ingest_store(settings)
    with store_for_writing(settings) as store:
        (segment_id,) = [sid for sid, text in store.segment_text_map().items() if text.startswith(FORMULA)]
        add_coding(store, segment_id, "financiering", "onderzoeker")
    out = tmp_path / "tabellen"
    analysed = _cli("analyse", "--corpus", corpus, "--wijk", "Noord", "-t", "citaten", "--out", out)
    assert analysed.exit_code == 0, analysed.output
    with (out / "citaten.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    quote = next(r for r in rows if r["segment_id"] == segment_id)
    assert quote["text"] == f"'{FORMULA} staat in het formulier over de financiering."
    for path in (tmp_path / "codings.csv", tmp_path / "codings.xlsx"):
        assert _cli("export", path.suffix[1:], "--corpus", corpus, "--out", path).exit_code == 0
    with (tmp_path / "codings.csv").open(encoding="utf-8-sig", newline="") as fh:
        exported = next(r for r in csv.DictReader(fh) if r["segment_id"] == segment_id)
    assert exported["text"] == quote["text"]
    ws = openpyxl.load_workbook(tmp_path / "codings.xlsx").active
    header = [c.value for c in ws[1]]
    cell = next(r[header.index("text")] for r in ws.iter_rows(min_row=2) if r[0].value == segment_id)
    assert cell.value.startswith(FORMULA) and cell.data_type == "s" and cell.quotePrefix


# -- 11.10: clear errors -------------------------------------------------------------------------------------
def test_an_outputs_folder_one_may_not_write_to_is_a_clear_error(tmp_path):
    corpus = _mini(tmp_path / "corpus", private_dir=tmp_path / "private")
    locked = tmp_path / "alleen-lezen"
    locked.mkdir()
    with _read_only(locked):
        for verb in ("ingest", "run"):
            _refused(_cli(verb, "--corpus", corpus, "--outputs", locked / "uit"), str(locked), "--outputs")
        _refused(
            _cli("code-file", corpus / "enquete" / "enquete.csv", "--text-col", "Welke zorgen heeft u?",
                 "--embedder", "hashing", "--outputs", locked, "--codebook", corpus / "codeboek.yml"),
            str(locked),
        )  # fmt: skip
    assert list(locked.iterdir()) == []


def test_a_read_only_store_still_shows_its_status_and_refuses_changes_clearly(tmp_path):
    corpus = _mini(tmp_path / "corpus", store_dir=tmp_path / "store", private_dir=tmp_path / "private")
    assert _cli("ingest", "--corpus", corpus).exit_code == 0
    store_dir = tmp_path / "store"
    before = _snapshot(store_dir)
    files = sorted(p for p in store_dir.iterdir() if p.is_file())
    with _read_only(store_dir, *files):
        status = _cli("status", "--corpus", corpus)
        assert status.exit_code == 0, status.output
        assert "documents: 4  segments: 12" in status.output
        as_json = _cli("status", "--json", "--corpus", corpus)
        assert as_json.exit_code == 0 and json.loads(as_json.output)["counts"]["documents"] == 4
        for verb in (["ingest"], ["code"], ["discover"], ["run"], ["report"],
                     ["memo", "add", "project", "-", "tekst", "--author", "anna"]):  # fmt: skip
            _refused(_cli(*verb, "--corpus", corpus), str(store_dir), "may write")
    assert _snapshot(store_dir) == before


def test_a_key_folder_one_may_not_write_to_fails_the_ingest_clearly_and_leaves_no_running_run(tmp_path):
    corpus = _mini(tmp_path / "corpus", store_dir=tmp_path / "store", private_dir=tmp_path / "private")
    assert _cli("ingest", "--corpus", corpus).exit_code == 0
    _session(corpus, "Mevrouw Bakker wil dat de wijkkrant blijft.", "noord", "2024-05-01")
    private = tmp_path / "private"
    with _read_only(private, *private.iterdir()):
        _refused(_cli("ingest", "--corpus", corpus), str(private))
    with Store(tmp_path / "store", read_only=True) as store:
        assert store.running_runs() == []
        assert store.recent_runs(1)["status"].tolist() == ["failed"]
        assert "noord/2024-05-01-verslag.md" not in store.document_fingerprints()


def test_an_empty_corpus_says_so_before_any_coding(tmp_path):
    corpus = tmp_path / "leeg"
    corpus.mkdir()
    (corpus / "README.md").write_text("Hier komen de verslagen.\n", encoding="utf-8")
    (corpus / "wijkanalyse.yml").write_text(
        f"store_dir: {tmp_path / 'store'}\nprivate_dir: {tmp_path / 'private'}\nembedder: hashing\n",
        encoding="utf-8",
    )
    _refused(_cli("ingest", "--corpus", corpus), str(corpus), "holds no text to analyse")
    _refused(_cli("run", "--corpus", corpus), "holds no text to analyse", "nothing to code or report")
    with pytest.raises(IngestError, match="holds no text to analyse"):
        update_store(load_settings(corpus))
    with Store(tmp_path / "store", read_only=True) as store:
        assert set(store.recent_runs(10)["command"]) == {"ingest"}  # no coding, no discovery, no report
        assert store.running_runs() == []


def test_an_unknown_wijk_is_refused_before_any_ingest_or_coding(tmp_path):
    corpus = _mini(tmp_path / "corpus", store_dir=tmp_path / "store", private_dir=tmp_path / "private",
                   embedder="hashing")  # fmt: skip
    _refused(_cli("run", "--corpus", corpus, "--wijk", "Nergens"), "Unknown wijk 'Nergens'", "Noord, Oost")
    _refused(_cli("run", "--corpus", corpus, "--wijk", "Noordd"), "Did you mean 'Noord'?", "Nothing was")
    assert not (tmp_path / "store").exists()  # nothing was ingested
    settings = load_settings(corpus)
    ingest_store(settings)
    runs = _snapshot(tmp_path / "store")["runs"]
    _refused(_cli("run", "--corpus", corpus, "--wijk", "Nergens"), "Unknown wijk 'Nergens'")
    assert _snapshot(tmp_path / "store")["runs"] == runs  # no ingest or coding run since
    _session(corpus, "In Zuid is het buurthuis gesloten.", "zuid", "2024-06-01")
    check_wijken(settings, ["Noord", "Zuid"])  # a wijk of a new folder is known before its ingest
    with pytest.raises(ReportError, match="Unknown wijk 'Nergens'"):
        check_wijken(settings, ["Zuid", "Nergens"])


# -- killed report runs are cleaned at the next start --------------------------------------------------------
class _Refusing:
    """An executor that cannot run anything (a cluster that went away)."""

    def submit(self, fn: Any, *args: Any) -> Any:
        raise RuntimeError("the cluster went away")


@pytest.fixture(scope="module")
def killed_then_rerun(tmp_path_factory) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("killed")
    corpus = _mini(
        base / "corpus", store_dir=base / "store", private_dir=base / "private", embedder="hashing"
    )
    settings = load_settings(corpus)
    update_store(settings)
    root = runs_root(settings)
    report = subprocess.Popen(
        [sys.executable, "-m", "wijkanalyse", "report", "--corpus", str(corpus)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 300
    try:
        while not list(root.glob("*/**/.*.tmp.ipynb")):  # papermill is executing a report: kill the run
            assert report.poll() is None and time.monotonic() < deadline, "the run ended before the kill"
            time.sleep(0.1)
    finally:
        os.killpg(report.pid, signal.SIGKILL)
        report.wait(timeout=60)
    with Store(settings.store_path, read_only=True) as store:
        (killed,) = store.running_runs()
    left = {"folders": [p.name for p in root.iterdir()], "temporary": list(root.glob("**/.*.tmp*"))}
    result = run_reports(settings)
    with pytest.raises(RuntimeError, match="the cluster went away"):
        run_reports(settings, executor=_Refusing(), force=True)
    with Store(settings.store_path, read_only=True) as store:
        statuses = {r["run_id"]: r["status"] for r in store.recent_runs(20).to_dict("records")}
    return {"root": root, "killed": killed, "left": left, "result": result, "statuses": statuses}


def test_a_killed_report_run_is_cleaned_at_the_next_start(killed_then_rerun):
    k = killed_then_rerun
    assert k["left"]["folders"] == [k["killed"]] and k["left"]["temporary"]  # what the kill left
    assert k["statuses"][k["killed"]] == "interrupted"
    assert k["result"].ok and k["statuses"][k["result"].run_id] == "ok"
    root = k["root"]
    assert not (root / k["killed"]).exists()
    assert list(root.glob("**/.*.tmp*")) == []
    assert all((p / "index.html").is_file() for p in root.iterdir() if p.is_dir())
    assert (root / "LATEST").read_text(encoding="utf-8").strip() == k["result"].run_id
    assert f"{k['result'].run_id}/index.html" in (root.parent / "latest.html").read_text(encoding="utf-8")


def test_a_report_run_that_fails_is_marked_failed_and_leaves_no_folder(killed_then_rerun):
    k = killed_then_rerun
    failed = [run_id for run_id, status in k["statuses"].items() if status == "failed"]
    assert len(failed) == 1 and "running" not in k["statuses"].values()
    assert [p.name for p in k["root"].iterdir() if p.is_dir()] == [k["result"].run_id]
    assert (k["root"] / "LATEST").read_text(encoding="utf-8").strip() == k["result"].run_id
