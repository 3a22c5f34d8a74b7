"""Quotes behind the figures: representative and diverse segments per theme, and themes the codebook lacks.

What is never quoted: a table row (``unit`` ``table-row``: counted, not quoted), a paragraph marked as
boilerplate (the same text on many pages), and a survey answer from a small cell. A quote list never shows the
same text twice: texts that are equal after :func:`normalised_text` count once, the first by rank.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

from wijkanalyse.analysis.counting import coded_segments, count_segments, segments_in
from wijkanalyse.analysis.data import AnalysisData, as_text
from wijkanalyse.analysis.prevalence import theme_prevalence
from wijkanalyse.analysis.suppression import rank
from wijkanalyse.coding.embed import embed_with_cache, get_embedder
from wijkanalyse.exceptions import ReportError
from wijkanalyse.store import EmbeddingCache

__all__ = ["QUOTE_COLUMNS", "normalised_text", "quotable", "representative_quotes", "uncovered_themes"]

#: The columns of :func:`representative_quotes`.
QUOTE_COLUMNS = (
    "theme", "label", "pick", "rank", "similarity", "soort", "segment_id", "text", "path", "date", "session",
    "role", "source_kind", "survey", "start", "end",
)  # fmt: skip


def normalised_text(text: str) -> str:
    """Return a text as compared for duplicates: NFKC, case folded, punctuation and spacing collapsed.

    Examples
    --------
    >>> normalised_text("De wijkraad, als ogen en oren van de wijk.")
    'de wijkraad als ogen en oren van de wijk'
    """
    return re.sub(r"[\W_]+", " ", unicodedata.normalize("NFKC", str(text)).casefold()).strip()


def quotable(segments: pd.DataFrame) -> pd.Series:
    """Return which segments may be quoted: not a table row, not boilerplate, not the chair's words.

    A turn of the ``gespreksleider`` (the chair or moderator of a session: "Wat ik tot nu toe hoor als te
    behouden: ...") is counted and coded like every segment, but a report quotes what participants raised,
    so it is never quoted. Missing columns allow the segment.

    Parameters
    ----------
    segments : DataFrame
        Segment rows, with ``unit`` and ``boilerplate`` where the store has them.

    Returns
    -------
    pandas.Series of bool
        Aligned with ``segments``.
    """
    ok = pd.Series(True, index=segments.index)
    if "unit" in segments.columns:
        ok &= ~segments["unit"].fillna("").astype(str).str.startswith("table-row")
    if "boilerplate" in segments.columns:
        ok &= ~segments["boilerplate"].fillna(0).astype(bool)
    if "role" in segments.columns:
        ok &= segments["role"].fillna("").astype(str) != CHAIR_ROLE
    return ok


#: The role whose turns are never quoted (see :func:`quotable`).
CHAIR_ROLE = "gespreksleider"


def _vectors(data: AnalysisData, texts: list[str]) -> np.ndarray:
    """Embeddings of texts: the project's embedder through its cache, else TF-IDF fitted on these texts."""
    if data.embedder:
        try:
            embedder = get_embedder(data.embedder)
            if data.store_dir is not None:
                with EmbeddingCache.for_store(data.store_dir) as cache:
                    return embed_with_cache(embedder, texts, cache, progress=False)
            return embed_with_cache(embedder, texts, None, progress=False)
        except ImportError:  # the embedder's package is missing (MissingDependencyError): TF-IDF instead
            pass
    # imported only here: scikit-learn takes a second to import, and a report kernel needs it only here
    from sklearn.feature_extraction.text import TfidfVectorizer

    m = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2)).fit_transform(texts).toarray()
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return (m / np.where(norms == 0, 1, norms)).astype(np.float32)


def _mmr(
    vecs: np.ndarray, centre_sim: np.ndarray, chosen: list[int], k: int, diversity: float, keys: list[str]
) -> list[int]:
    """Pick ``k`` more by maximal marginal relevance; a text equal to one already picked is never picked."""
    picked: list[int] = []
    selected = list(chosen)
    seen = {keys[i] for i in selected}
    candidates = [i for i in range(len(vecs)) if i not in selected and keys[i] not in seen]
    for _ in range(k):
        if not candidates:
            break
        if selected:
            redundancy = (vecs[candidates] @ vecs[selected].T).max(axis=1)
        else:
            redundancy = np.zeros(len(candidates))
        score = (1 - diversity) * centre_sim[candidates] - diversity * redundancy
        best = candidates[int(np.argmax(score))]  # first maximum: ties go to document order
        picked.append(best)
        selected.append(best)
        candidates = [i for i in candidates if keys[i] != keys[best]]
    return picked


def _first_distinct(order: np.ndarray, keys: list[str], k: int) -> list[int]:
    """Return the first ``k`` indices of ``order`` whose texts differ (of equal texts the first by rank)."""
    out: list[int] = []
    seen: set[str] = set()
    for i in order:
        if len(out) == k:
            break
        if keys[i] not in seen:
            seen.add(keys[i])
            out.append(int(i))
    return out


def _pick(
    cand: pd.DataFrame,
    vec_of: dict[str, np.ndarray],
    n_central: int,
    n_diverse: int,
    diversity: float,
    min_chars: int,
) -> tuple[pd.DataFrame, np.ndarray, list[tuple[str, int]]]:
    """Pick the quotes of one theme: (candidates, their similarity to the centroid, (pick, row) pairs)."""
    longer = cand[cand["text"].str.len() >= min_chars]
    cand = (longer if len(longer) >= min(len(cand), n_central + n_diverse) else cand).reset_index(drop=True)
    vecs = np.vstack([vec_of[s] for s in cand["segment_id"]]).astype(np.float64)
    centroid = vecs.mean(axis=0)
    centroid /= np.linalg.norm(centroid) or 1.0
    sim = vecs @ centroid
    keys = [normalised_text(t) for t in cand["text"]]
    central = _first_distinct(np.argsort(-sim, kind="stable"), keys, n_central)
    diverse = _mmr(vecs, sim, central, n_diverse, diversity, keys)
    return cand, sim, [*(("central", i) for i in central), *(("diverse", i) for i in diverse)]


def _quote_row(
    data: AnalysisData, code_id: str, pick: str, r: pd.Series, similarity: float, kinds: pd.Series
) -> dict[str, object]:
    return {
        "theme": code_id,
        "label": data.label(code_id),
        "pick": pick,
        "rank": 0,
        "similarity": round(similarity, 3),
        "soort": kinds.get(r["segment_id"], ""),
        "segment_id": r["segment_id"],
        "text": r["text"],
        "path": r["path"],
        "date": r["date"],
        "session": r["session"],
        "role": r["role"],
        "source_kind": r["kind"],
        "survey": bool(r["survey"]),
        "start": int(r["start"]),
        "end": int(r["end"]),
    }


def representative_quotes(
    data: AnalysisData,
    wijk: str | None = None,
    n_central: int = 2,
    n_diverse: int = 2,
    diversity: float = 0.6,
    min_chars: int = 25,
) -> pd.DataFrame:
    """Pick representative quotes per theme: the most central segments, and diverse ones (MMR).

    *Central*: closest (cosine) to the theme's centroid in embedding space — the project's embedder through
    its cache when the settings name one, else TF-IDF. *Diverse*: then picked by MMR, each maximising
    ``(1 - diversity) * sim(centroid) - diversity * max sim(already picked)``. Texts are the pseudonymised
    segment texts exactly as stored. Survey answers from a small cell (fewer than ``min_count`` respondents
    for the theme in this wijk) are withheld; table rows and boilerplate are never quoted (:func:`quotable`);
    a theme's quotes never repeat a text (:func:`normalised_text`; of equal texts the first by rank stays).
    The centre of a theme is that of all its quotable segments, repeats included.

    Parameters
    ----------
    data : AnalysisData
    wijk : str, optional
        None for the city.
    n_central, n_diverse : int
        Quotes of each kind per theme.
    diversity : float, default 0.6
        MMR trade-off in [0, 1].
    min_chars : int, default 25
        Shorter segments are only used when a theme has no longer ones.

    Returns
    -------
    DataFrame
        ``theme, label, pick ('central'|'diverse'), rank, similarity, soort, segment_id, text, path, date,
        session, role, source_kind, survey, start, end`` (``source_kind``: verslag, transcript, enquete, ...;
        ``start`` and ``end``: offsets into the document text); themes in order of prevalence. Without
        ``soort`` when the codebook has no kinds of input.

    Raises
    ------
    ReportError
        If ``diversity`` is outside [0, 1] or the counts are negative.
    """
    if not 0 <= diversity <= 1:
        raise ReportError(f"The 'diversity' parameter must be in [0, 1]. Got {diversity} instead.")
    if n_central < 0 or n_diverse < 0:
        raise ReportError(
            f"'n_central' and 'n_diverse' must be >= 0. Got {n_central} and {n_diverse} instead."
        )
    cols = list(QUOTE_COLUMNS)
    coded = coded_segments(data, segments_in(data, wijk))
    if coded.empty or n_central + n_diverse == 0:
        return pd.DataFrame(columns=cols)
    counts = count_segments(coded, ["code_id"]).set_index("code_id")
    small = {c for c, r in counts["respondents"].items() if 0 < r < data.min_count}
    coded = coded[~(coded["code_id"].isin(small) & coded["survey"])]
    coded = coded[quotable(coded)]
    if coded.empty:
        return pd.DataFrame(columns=cols)
    order = [t for t in theme_prevalence(data, wijk)["theme"] if t in set(coded["code_id"])]
    unique = coded.drop_duplicates("segment_id")
    vec_of = dict(zip(unique["segment_id"], _vectors(data, unique["text"].tolist()), strict=True))
    picked = []
    for code_id in order:
        cand = coded[coded["code_id"] == code_id]
        cand, sim, picks = _pick(cand, vec_of, n_central, n_diverse, diversity, min_chars)
        picked += [(code_id, p, cand.iloc[i], float(sim[i])) for p, i in picks]
    # the kinds of the quoted segments only (of every segment it was ~0.5 s of each report at 10k answers)
    of_picked = data.kinds[data.kinds["segment_id"].isin({r["segment_id"] for _, _, r, _ in picked})]
    kinds = of_picked.groupby("segment_id")["soort"].agg(lambda s: ",".join(sorted(set(s))))
    rows = [_quote_row(data, code_id, p, r, sim, kinds) for code_id, p, r, sim in picked]
    out = pd.DataFrame(rows, columns=cols)
    out["rank"] = out.groupby(["theme", "pick"]).cumcount() + 1
    if not data.soort_ids:  # a codebook without kinds of input: no column that is always empty
        out = out.drop(columns="soort")
    return out


def uncovered_themes(
    data: AnalysisData, wijk: str | None = None, suppress_small: bool = True
) -> pd.DataFrame:
    """Themes found by discovery that the codebook does not cover yet, with how often they occur here.

    From the newest discovery run (:func:`~wijkanalyse.analysis.data.load_discovered`): themes with
    ``covered`` False (fewer than half of their segments get a code); unassigned segments (theme ``-1``) are
    left out.

    Returns
    -------
    DataFrame
        ``theme_id, name, keywords, closest_code, sessions, session_segments, survey_answers, respondents,
        segments`` (+ ``suppressed``), largest first; empty when discovery has not run. ``name`` is the
        theme's label (its top words), ``keywords`` up to ten top words, ``closest_code`` the label of the
        code it is nearest to.
    """
    cols = ["theme_id", "name", "keywords", "closest_code", "sessions", "session_segments", "survey_answers",
            "respondents", "segments"]  # fmt: skip
    links, themes = data.discovered, data.discovered_themes
    if links.empty or themes.empty:
        return pd.DataFrame(columns=[*cols, "suppressed"])
    t = themes[~themes["covered"].astype(bool) & (themes["theme_id"] != -1)].set_index("theme_id")
    scope = segments_in(data, wijk)
    joined = scope.merge(links[["segment_id", "theme_id"]], on="segment_id")
    table = count_segments(joined[joined["theme_id"].isin(set(t.index))], ["theme_id"])
    table["name"] = [as_text(t.loc[i, "label"]) for i in table["theme_id"]]
    table["keywords"] = [", ".join(list(t.loc[i, "top_words"])[:10]) for i in table["theme_id"]]
    table["closest_code"] = [data.label(c) if isinstance(c, str) and c else "" for c in
                             (t.loc[i, "closest_code"] for i in table["theme_id"])]  # fmt: skip
    return rank(table[cols], "segments", "theme_id", data.min_count, suppress_small)
