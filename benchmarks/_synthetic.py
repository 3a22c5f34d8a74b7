"""Synthetic corpora for the scale and rerun benchmarks, built from the demo corpus's own sentences.

The demo corpus is copied as it is (sessions, survey, manifest, settings) and a synthetic survey export is
added beside it: ``enquete/synthetisch.<csv|xlsx>`` with the demo survey's columns, one row per respondent and
three open questions. Every answer recombines one or two real sentences from the demo survey's answers to the
same question (70%) or from the sessions (30%), with small variations (an opening phrase, a closing clause, a
wijk name), so the vocabulary, lengths and personal data (which the pseudonymiser must find) are those of the
demo corpus while almost every answer is a new text for the embedder.
"""

from __future__ import annotations

import random
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml
from _common import DEMO, copy_corpus

QUESTIONS = {
    "behouden": "Wat moet volgens u behouden blijven van de wijkraad?",
    "verbeteren": "Wat moet er volgens u beter bij het nieuwe wijkplatform?",
    "zorgen": "Heeft u nog vragen of zorgen over de overgang naar wijkplatforms?",
}
OPENINGS = [
    "",
    "",
    "",
    "Ik vind dat ",
    "Volgens mij ",
    "Eerlijk gezegd: ",
    "Wat mij betreft ",
    "Kort gezegd: ",
    "Belangrijk: ",
    "Als bewoner vind ik: ",
]
CLOSINGS = [
    "",
    "",
    "",
    " Dat geldt zeker in {wijk}.",
    " Vooral voor ouderen.",
    " Ook voor jongeren.",
    " Dat hoor ik van veel buren.",
    " Graag snel.",
    " Dat is mijn ervaring in {wijk}.",
    " Zeker weten.",
]


def _sentences(text: str) -> list[str]:
    from wijkanalyse.ingest.segment import sentence_spans

    out = []
    for s, e in sentence_spans(text):
        sent = text[s:e].strip()
        if 4 <= len(sent.split()) <= 45:
            out.append(sent)
    return out


@lru_cache(maxsize=1)
def sentence_pools() -> dict[str, list[str]]:
    """Real sentences of the demo corpus: per survey question, and from the sessions (``sessies``)."""
    from wijkanalyse.ingest.readers import read_file

    survey = pd.read_excel(DEMO / "enquete" / "bewonersenquete-2024.xlsx", sheet_name="Antwoorden", dtype=str)
    pools: dict[str, list[str]] = {}
    for key, col in QUESTIONS.items():
        pools[key] = sorted({s for a in survey[col].dropna() for s in _sentences(str(a))})
    sessions: set[str] = set()
    for path in sorted(DEMO.rglob("*")):
        if path.suffix.lower() in {
            ".md",
            ".txt",
            ".docx",
            ".pdf",
            ".vtt",
            ".srt",
        } and not path.name.startswith(("README", "PERSONAL")):
            for block in read_file(path, path.name).blocks:
                sessions.update(_sentences(block.text))
    pools["sessies"] = sorted(sessions)
    return pools


def answer(rng: random.Random, pools: dict[str, list[str]], question: str, wijk: str) -> str:
    """One synthetic answer to a question."""
    n = 1 if rng.random() < 0.6 else 2
    parts = [rng.choice(pools[question] if rng.random() < 0.7 else pools["sessies"]) for _ in range(n)]
    text = " ".join(parts)
    opening = rng.choice(OPENINGS)
    if opening:
        text = opening + text[:1].lower() + text[1:]
    return (text + rng.choice(CLOSINGS).format(wijk=wijk)).strip()


def survey_frame(n_answers: int, seed: int = 0, start: int = 1) -> pd.DataFrame:
    """A survey export with ``n_answers`` open answers, ids counted from ``start``.

    As in real exports, about 10% of the open cells are left empty and 3% hold a non-answer ("nvt", "weet
    niet"); neither counts as an answer.
    """
    rng = random.Random(seed)
    pools = sentence_pools()
    lookup = pd.read_csv(DEMO / "postcodes.csv", dtype=str)
    pc_wijk = dict(zip(lookup["postcode4"], lookup["wijk"], strict=True))
    rows = []
    left = n_answers
    while left > 0:
        pc = rng.choice(sorted(pc_wijk))
        row = {
            "respondent_id": f"S{start + len(rows):07d}",
            "postcode": f"{pc} {rng.choice('ABCDEFGHJK')}{rng.choice('ABCDEFGHJK')}",
            "leeftijdsgroep": rng.choice(["18-34", "35-49", "50-64", "65+"]),
        }
        for key, col in QUESTIONS.items():
            draw = rng.random()
            if left <= 0 or draw < 0.10:
                row[col] = ""
            elif draw < 0.13:
                row[col] = rng.choice(["nvt", "weet niet", "-", "geen idee"])
            else:
                row[col] = answer(rng, pools, key, pc_wijk[pc])
                left -= 1
        rows.append(row)
    return pd.DataFrame(rows)


def write_survey(df: pd.DataFrame, path: Path) -> Path:
    """Write a survey export as CSV (UTF-8) or XLSX, by the file's extension."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".xlsx":
        df.to_excel(path, index=False, sheet_name="Antwoorden")
    else:
        df.to_csv(path, index=False)
    return path


def make_corpus(dst: Path, n_answers: int, seed: int = 0, fmt: str = "csv") -> Path:
    """Copy the demo corpus to ``dst`` and add a synthetic survey of ``n_answers`` answers; return ``dst``."""
    copy_corpus(DEMO, dst)
    survey = write_survey(survey_frame(n_answers, seed), dst / "enquete" / f"synthetisch.{fmt}")
    settings = yaml.safe_load((dst / "wijkanalyse.yml").read_text(encoding="utf-8"))
    settings["surveys"].append(
        {
            "path": survey.relative_to(dst).as_posix(),
            "respondent_id": "respondent_id",
            "postcode_column": "postcode",
            "text_columns": dict(QUESTIONS),
        }
    )
    (dst / "wijkanalyse.yml").write_text(
        yaml.safe_dump(settings, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return dst


def new_session(corpus: Path, seed: int = 0) -> Path:
    """Add one new session to a wijk of the corpus: a perturbed copy of an existing Markdown session."""
    rng = random.Random(seed)
    sources = sorted(p for p in corpus.rglob("*.md") if re.match(r"\d{4}-\d{2}-\d{2}", p.name))
    src = rng.choice(sources)
    text = src.read_text(encoding="utf-8")
    lines = text.split("\n")
    body = [
        ln
        for ln in lines
        if ln.strip() and not ln.startswith(("#", "---", "date:", "title:", "wijk:", "kind:"))
    ]
    extra = [f"- {answer(rng, sentence_pools(), 'verbeteren', 'de wijk')}" for _ in range(5)]
    rng.shuffle(body)
    new_text = re.sub(r"(?m)^date: .*$", f"date: 2024-06-0{1 + seed % 9}", text, count=1)
    new_text = (
        new_text + "\n\n## Nagekomen punten\n\n" + "\n".join(extra) + "\n\n" + "\n\n".join(body[:5]) + "\n"
    )
    dst = src.with_name(f"2024-06-0{1 + seed % 9}-extra-sessie-{seed}.md")
    dst.write_text(new_text, encoding="utf-8")
    return dst
