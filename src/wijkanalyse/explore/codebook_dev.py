"""Codebook development: discovered themes beside the codebook, near-duplicate codes, codes nothing matches.

* :func:`discovered_overview` lists the themes discovery found with the code their segments carry most, so a
  theme that no code covers stands out; :func:`theme_code_overlap` gives the full theme × code overlap.
* :func:`code_similarity` and :func:`near_duplicate_codes` compare the codes by what they say: each code is
  embedded as the mean of its definition, include notes and examples; two codes whose texts lie close, or
  whose examples lie nearer to the other code than to their own, may need merging or a sharper boundary.
* :func:`code_usage` counts the segments per code and flags the codes nothing matches.
* :func:`promote` turns a discovered theme into a code (:func:`wijkanalyse.coding.discovery.promote_theme`)
  in the codebook file and the store.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from wijkanalyse.coding.codebook import Code, Codebook, load_codebook, save_codebook
from wijkanalyse.coding.discovery import load_themes, promote_theme
from wijkanalyse.config import Settings
from wijkanalyse.exceptions import WijkanalyseError
from wijkanalyse.review.decisions import ensure_codes
from wijkanalyse.store import Store

if TYPE_CHECKING:  # pragma: no cover
    from wijkanalyse.analysis import AnalysisData

__all__ = [
    "theme_code_overlap",
    "discovered_overview",
    "code_texts",
    "code_similarity",
    "near_duplicate_codes",
    "code_usage",
    "promote",
]

EmbedFn = Callable[[Sequence[str]], np.ndarray]


def _theme_info(data: AnalysisData) -> pd.DataFrame:
    """``theme_id, theme, keywords`` of the discovered themes (outliers ``-1`` left out)."""
    t = data.discovered_themes
    if t is None or t.empty or "theme_id" not in t.columns:
        return pd.DataFrame(columns=["theme_id", "theme", "keywords"])
    name_col = next((c for c in ("name", "label", "label_nl", "title") if c in t.columns), None)
    kw_col = next((c for c in ("keywords", "words", "top_words", "representation") if c in t.columns), None)
    out = pd.DataFrame({"theme_id": t["theme_id"]})
    out["theme"] = t[name_col].astype(str) if name_col else "thema " + t["theme_id"].astype(str)
    out["keywords"] = t[kw_col].astype(str) if kw_col else ""
    return out[out["theme_id"].astype(str) != "-1"].reset_index(drop=True)


def theme_code_overlap(data: AnalysisData) -> pd.DataFrame:
    """Which codes the segments of each discovered theme carry.

    Parameters
    ----------
    data : AnalysisData

    Returns
    -------
    pandas.DataFrame
        ``theme_id, theme, theme_segments, code_id, label, segments, share, code_order``: one row per
        discovered theme and code that share at least one segment; ``share`` is the part of the theme's
        segments with that code (a segment may carry several codes), ``code_order`` the code's place in the
        codebook. Empty when discovery has not run.
    """
    cols = ["theme_id", "theme", "theme_segments", "code_id", "label", "segments", "share", "code_order"]
    info = _theme_info(data)
    links = data.discovered
    if info.empty or links is None or links.empty:
        return pd.DataFrame(columns=cols)
    links = links[links["theme_id"].isin(set(info["theme_id"]))][["segment_id", "theme_id"]].drop_duplicates()
    size = links.groupby("theme_id").size()
    joined = links.merge(data.themes[["segment_id", "code_id"]], on="segment_id")
    if joined.empty:
        return pd.DataFrame(columns=cols)
    table = joined.groupby(["theme_id", "code_id"]).size().rename("segments").reset_index()
    table["theme_segments"] = table["theme_id"].map(size).astype(int)
    table["share"] = (table["segments"] / table["theme_segments"]).round(4)
    table = table.merge(info[["theme_id", "theme"]], on="theme_id", how="left")
    order = {c: i for i, c in enumerate(data.theme_ids)}
    table["code_order"] = table["code_id"].map(lambda c: order.get(c, len(order)))
    table["label"] = [data.label(c) for c in table["code_id"]]
    table = table.sort_values(["theme_segments", "theme_id", "segments"], ascending=[False, True, False])
    return table[cols].reset_index(drop=True)


def discovered_overview(data: AnalysisData, covered_share: float = 0.5) -> pd.DataFrame:
    """List the discovered themes with the code their segments carry most.

    Parameters
    ----------
    data : AnalysisData
    covered_share : float, default 0.5
        A theme counts as covered by a code when at least this share of its segments carries it.

    Returns
    -------
    pandas.DataFrame
        ``theme_id, theme, keywords, segments, top_code, top_label, top_share, covered``; uncovered themes
        (the candidates to promote) first, then by size. Empty when discovery has not run.
    """
    cols = ["theme_id", "theme", "keywords", "segments", "top_code", "top_label", "top_share", "covered"]
    info = _theme_info(data)
    if info.empty or data.discovered is None or data.discovered.empty:
        return pd.DataFrame(columns=cols)
    size = data.discovered.drop_duplicates(["segment_id", "theme_id"]).groupby("theme_id").size()
    overlap = theme_code_overlap(data)
    top = overlap.sort_values(["theme_id", "segments", "code_order"], ascending=[True, False, True])
    top = top.drop_duplicates("theme_id").set_index("theme_id")
    out = info.copy()
    out["segments"] = out["theme_id"].map(size).fillna(0).astype(int)
    out["top_code"] = out["theme_id"].map(top["code_id"]).fillna("")
    out["top_label"] = out["theme_id"].map(top["label"]).fillna("")
    out["top_share"] = out["theme_id"].map(top["share"]).fillna(0.0)
    out["covered"] = out["top_share"] >= covered_share
    out = out.sort_values(
        ["covered", "segments", "theme_id"], ascending=[True, False, True], kind="mergesort"
    )
    return out[cols].reset_index(drop=True)


def code_texts(code: Code) -> list[str]:
    """Return the texts that say what a code means: label and definition, include notes, examples."""
    texts = [f"{code.label_nl}: {code.definition}"]
    texts += [t for t in code.include if t.strip()]
    texts += [t for t in code.examples if t.strip()]
    return texts


def _code_vectors(codebook: Codebook, embed: EmbedFn) -> tuple[list[str], np.ndarray, list[np.ndarray]]:
    ids, centroids, per_code = [], [], []
    for code in codebook.codes:
        vecs = np.asarray(embed(code_texts(code)), dtype=np.float64)
        c = vecs.mean(axis=0)
        c /= np.linalg.norm(c) or 1.0
        ids.append(code.id)
        centroids.append(c)
        per_code.append(vecs)
    if not centroids:  # a corpus without a codebook: nothing to compare
        return ids, np.zeros((0, 0)), per_code
    return ids, np.vstack(centroids), per_code


def code_similarity(codebook: Codebook, embed: EmbedFn) -> pd.DataFrame:
    """Cosine similarity between the codes of a codebook (each code: the mean of its embedded texts).

    Parameters
    ----------
    codebook : Codebook
    embed : callable
        Texts to L2-normalised vectors, e.g. :meth:`wijkanalyse.explore.workbench.Workbench.embed`.

    Returns
    -------
    pandas.DataFrame
        Square, indexed and labelled by code id.
    """
    ids, centroids, _ = _code_vectors(codebook, embed)
    return pd.DataFrame(np.round(centroids @ centroids.T, 4), index=ids, columns=ids)


def near_duplicate_codes(
    codebook: Codebook, embed: EmbedFn, threshold: float = 0.8, min_crossing: int = 2, top: int = 10
) -> pd.DataFrame:
    """Find pairs of codes that may say the same thing.

    Two signals per pair: the cosine similarity of the two codes (see :func:`code_similarity`), and how many
    examples of one code lie nearer to the other code's centroid than to their own (``examples_crossing``).

    Parameters
    ----------
    codebook : Codebook
    embed : callable
        Texts to L2-normalised vectors.
    threshold : float, default 0.8
        Pairs at or above this similarity are flagged ``near_duplicate``.
    min_crossing : int, default 2
        Pairs with at least this many crossing examples are flagged too.
    top : int, default 10
        Pairs returned: the flagged ones and then the most similar others, up to ``top`` (all flagged pairs
        are always returned).

    Returns
    -------
    pandas.DataFrame
        ``code_a, label_a, code_b, label_b, similarity, examples_crossing, near_duplicate``, most similar
        first.
    """
    ids, centroids, per_code = _code_vectors(codebook, embed)
    sim = centroids @ centroids.T
    # the nearest code of every text of every code
    nearest = [np.argmax(v @ centroids.T, axis=1) for v in per_code]
    rows = []
    for i in range(len(ids)):
        for j in range(i + 1, len(ids)):
            crossing = int(
                (nearest[i][1:] == j).sum() + (nearest[j][1:] == i).sum()
            )  # examples, not the definition
            rows.append(
                {
                    "code_a": ids[i], "label_a": codebook.label(ids[i]), "code_b": ids[j],
                    "label_b": codebook.label(ids[j]), "similarity": round(float(sim[i, j]), 4),
                    "examples_crossing": crossing,
                    "near_duplicate": bool(sim[i, j] >= threshold or crossing >= min_crossing),
                }
            )  # fmt: skip
    cols = ["code_a", "label_a", "code_b", "label_b", "similarity", "examples_crossing", "near_duplicate"]
    table = pd.DataFrame(rows, columns=cols)
    if table.empty:
        return table
    table = table.sort_values(["near_duplicate", "similarity"], ascending=[False, False], kind="mergesort")
    n = max(top, int(table["near_duplicate"].sum()))
    return table.head(n).reset_index(drop=True)


def code_usage(data: AnalysisData) -> pd.DataFrame:
    """Segments per theme code, by people and by the machine; the codes nothing matches are flagged.

    Parameters
    ----------
    data : AnalysisData

    Returns
    -------
    pandas.DataFrame
        ``code_id, label, segments, by_people, by_machine, discovered_themes, unmatched`` for every theme code
        of the codebook, in codebook order. ``discovered_themes``: the discovered themes whose segments carry
        this code most; ``unmatched``: no segment carries the code.
    """
    th = data.themes
    per = th.groupby(["code_id", "source"]).size().unstack(fill_value=0) if not th.empty else pd.DataFrame()
    overview = discovered_overview(data)
    tops = (
        overview[overview["top_code"] != ""].groupby("top_code").size() if not overview.empty else pd.Series()
    )
    rows = []
    for c in data.theme_ids:
        human = int(per.loc[c, "human"]) if c in per.index and "human" in per.columns else 0
        machine = int(per.loc[c, "machine"]) if c in per.index and "machine" in per.columns else 0
        rows.append(
            {
                "code_id": c, "label": data.label(c), "segments": human + machine, "by_people": human,
                "by_machine": machine, "discovered_themes": int(tops.get(c, 0)),
                "unmatched": human + machine == 0,
            }
        )  # fmt: skip
    return pd.DataFrame(
        rows,
        columns=["code_id", "label", "segments", "by_people", "by_machine", "discovered_themes", "unmatched"],
    )


def _promote_base(settings: Settings, target: Path) -> Codebook:
    """Return the codebook a promoted theme joins: the settings', else the one at ``target``, else new."""
    if settings.codebook_path is not None:
        return load_codebook(settings.codebook_path)
    if target.exists():
        return load_codebook(target)
    return Codebook(name=settings.corpus_name, codes=[], soort=[])


def promote(
    store: Store,
    settings: Settings,
    theme_id: int,
    *,
    code_id: str,
    label_nl: str,
    definition: str | None = None,
    label_en: str = "",
    parent: str | None = None,
    color: str | None = None,
    run_id: str | None = None,
    path: str | Path | None = None,
) -> Codebook:
    """Promote a discovered theme to a code: write it into the codebook file and the store's codes.

    The theme's row comes from :func:`wijkanalyse.coding.discovery.load_themes`; the new code is made by
    :func:`wijkanalyse.coding.discovery.promote_theme` (its top words as include note, its representative
    segments as examples), saved to the codebook YAML and added to the store's ``codes`` table, so people can
    code with it at once. The machine codes with it on the next ``wijkanalyse code``.

    Parameters
    ----------
    store : Store
    settings : Settings
        Its ``codebook_path`` is the codebook the code is added to.
    theme_id : int
        The discovered theme (a ``theme_id`` of the discovery run).
    code_id, label_nl : str
        Id and Dutch label of the new code.
    definition : str, optional
        Default: a sentence naming the theme's top words. Write a real definition before you code with it.
    label_en, parent, color : str, optional
    run_id : str, optional
        The discovery run; default the newest.
    path : path, optional
        The codebook YAML to write. Default: the settings' own codebook file. When the settings name no
        codebook, ``path`` is required: the code is added to that file if it exists, else a new codebook
        (named after the corpus, no kinds of input) is started there; then set ``codebook: <path>`` in the
        corpus's settings.

    Returns
    -------
    Codebook
        The codebook with the new code.

    Raises
    ------
    WijkanalyseError
        If discovery has not run, the theme is not in the run, or there is no codebook file to write.
    CodebookError
        If the new code breaks a codebook rule (duplicate id, reserved id, unknown parent, ...).
    """
    themes, _ = load_themes(store, run_id)
    rows = themes[themes["theme_id"] == int(theme_id)] if not themes.empty else themes
    if rows.empty:
        where = f"discovery run {run_id!r}" if run_id else "the newest discovery run"
        found = sorted(int(t) for t in themes["theme_id"]) if not themes.empty else []
        raise WijkanalyseError(
            f"No discovered theme {theme_id!r} in {where}. "
            f"Themes found: {found or 'none (run wijkanalyse discover first)'}."
        )
    target = Path(path) if path is not None else settings.codebook_path
    if target is None:
        raise WijkanalyseError(
            "The corpus's settings name no codebook. Pass path= (or --codebook-out): the code goes into that "
            "codebook YAML, a new one when it does not exist yet; then set 'codebook: <that file>' in the "
            "corpus's wijkanalyse.yml."
        )
    base = _promote_base(settings, target)
    codebook = promote_theme(
        base, rows.iloc[0].to_dict(), code_id, label_nl,
        label_en=label_en, definition=definition or None, parent=parent, color=color,
    )  # fmt: skip
    save_codebook(codebook, target)
    ensure_codes(store, codebook)
    store.mark_theme_promoted(str(rows.iloc[0]["run_id"]), int(theme_id), code_id)  # carried to later runs
    return codebook
