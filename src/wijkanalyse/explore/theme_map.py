"""Theme map: every segment as a point in 2-D, with its codes, discovered theme, kind of input and source.

:func:`project_2d` reduces the segment embeddings to two dimensions with UMAP (cosine metric, ``random_state``
seeded, so the same input gives the same map) or, when UMAP is not installed or there are too few segments,
with PCA. :func:`theme_map_frame` joins the coordinates with what the analysis knows of each segment;
:func:`cluster_centroids` places one label per group; the figure is drawn by
:func:`wijkanalyse.explore.figures.theme_map_figure`. :class:`ProjectionCache` keeps computed maps next to the
store, so a second notebook (or a rerun) does not run UMAP again.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from wijkanalyse.analysis import AnalysisData
from wijkanalyse.exceptions import SettingsError
from wijkanalyse.vocabulary import CITY

__all__ = [
    "PROJECTIONS",
    "NO_CODE",
    "NO_THEME",
    "NO_KIND",
    "project_2d",
    "ProjectionCache",
    "theme_map_frame",
    "cluster_centroids",
    "filter_map",
]

#: Projection methods :func:`project_2d` knows.
PROJECTIONS = ("umap", "pca")
#: Group names of segments without a theme code, a discovered theme, a kind of input.
NO_CODE = "(geen code)"
NO_THEME = "(geen thema)"
NO_KIND = "(onbekend)"
_OUTLIER = "(uitschieter)"
_KIND_LABELS = {"behouden": "Behouden", "verbeteren": "Verbeteren", "vraag_of_zorg": "Vraag of zorg"}


def project_2d(
    vectors: np.ndarray,
    method: str = "umap",
    random_state: int = 42,
    n_neighbors: int = 15,
    min_dist: float = 0.1,
) -> tuple[np.ndarray, str]:
    """Reduce vectors to two dimensions.

    Parameters
    ----------
    vectors : numpy.ndarray
        Shape ``(n, dim)``, e.g. L2-normalised segment embeddings.
    method : {"umap", "pca"}, default "umap"
        UMAP (cosine metric) keeps neighbourhoods, so clusters show; PCA is linear and fast. UMAP falls back
        to PCA when ``umap-learn`` is not installed or when there are fewer than 10 vectors.
    random_state : int, default 42
        Seed of UMAP; with the same vectors and seed the map is the same.
    n_neighbors : int, default 15
        UMAP's neighbourhood size (lowered to ``n - 1`` for small inputs).
    min_dist : float, default 0.1
        UMAP's minimum distance between points in the map.

    Returns
    -------
    xy : numpy.ndarray
        Shape ``(n, 2)``, float64.
    method_used : str
        ``"umap"`` or ``"pca"``.

    Raises
    ------
    SettingsError
        If ``method`` is unknown or ``vectors`` is not two-dimensional.
    """
    if method not in PROJECTIONS:
        raise SettingsError(
            f"The 'method' parameter of project_2d must be one of {list(PROJECTIONS)}. Got {method!r}."
        )
    x = np.asarray(vectors, dtype=np.float64)
    if x.ndim != 2:
        raise SettingsError(f"project_2d needs a 2-D array of vectors (n, dim). Got shape {x.shape} instead.")
    n = x.shape[0]
    if n == 0:
        return np.zeros((0, 2)), method
    if method == "umap" and n >= 10:
        try:
            import umap
        except ImportError:  # pragma: no cover - umap-learn is a core dependency
            umap = None
        if umap is not None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # "n_jobs overridden by random_state", numba notices
                reducer = umap.UMAP(
                    n_components=2,
                    n_neighbors=max(2, min(n_neighbors, n - 1)),
                    min_dist=min_dist,
                    metric="cosine",
                    random_state=random_state,
                    init="spectral" if n > 20 else "random",
                )
                return np.asarray(reducer.fit_transform(x), dtype=np.float64), "umap"
    return _pca_2d(x), "pca"


def _pca_2d(x: np.ndarray) -> np.ndarray:
    """PCA to two dimensions by SVD, with the sign of each axis fixed (largest loading positive)."""
    n = x.shape[0]
    centred = x - x.mean(axis=0)
    if n < 2 or not np.any(centred):
        return np.zeros((n, 2))
    u, s, vt = np.linalg.svd(centred, full_matrices=False)
    k = min(2, len(s))
    comps = vt[:k]
    signs = np.sign(comps[np.arange(k), np.abs(comps).argmax(axis=1)])
    signs[signs == 0] = 1
    xy = centred @ (comps * signs[:, None]).T
    if k < 2:
        xy = np.hstack([xy, np.zeros((n, 1))])
    return xy


class ProjectionCache:
    """2-D maps on disk, next to the store, keyed by the model, the method, its parameters and the segments.

    Parameters
    ----------
    folder : path
        Typically ``<store_dir>/projections``; created when a map is first stored.
    """

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    @staticmethod
    def key(model_id: str, method: str, params: dict[str, Any], segment_ids: Sequence[str]) -> str:
        """Return the cache key: a sha256 of the model id, the method, its parameters and the segments."""
        h = hashlib.sha256()
        h.update(f"{model_id}\x00{method}\x00{sorted(params.items())}\x00".encode())
        for sid in segment_ids:
            h.update(str(sid).encode() + b"\n")
        return h.hexdigest()[:24]

    def get(self, key: str) -> tuple[np.ndarray, str] | None:
        """Return the stored map and the method used, or None."""
        path = self.folder / f"{key}.npz"
        if not path.exists():
            return None
        with np.load(path, allow_pickle=False) as z:
            return np.asarray(z["xy"]), str(z["method"])

    def put(self, key: str, xy: np.ndarray, method: str) -> None:
        """Store a map (written to a temporary file first, then renamed: never half a file)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".npz.tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                np.savez(fh, xy=xy, method=np.array(method))
            os.replace(tmp, self.folder / f"{key}.npz")
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)


def _label(data: AnalysisData, code_id: str) -> str:
    lab = data.label(code_id)
    return _KIND_LABELS.get(code_id, lab) if lab == code_id else lab


def _discovered_names(data: AnalysisData) -> dict[Any, str]:
    themes = data.discovered_themes
    if themes is None or themes.empty or "theme_id" not in themes.columns:
        return {}
    name_col = next((c for c in ("name", "label", "label_nl", "title") if c in themes.columns), None)
    out = {}
    for row in themes.to_dict("records"):
        tid = row["theme_id"]
        name = row.get(name_col) if name_col else None
        out[tid] = str(name) if name is not None and str(name) not in ("", "nan") else f"thema {tid}"
    return out


def theme_map_frame(data: AnalysisData, xy: np.ndarray, method: str = "") -> pd.DataFrame:
    """One row per segment: its map position and what is known of it.

    Parameters
    ----------
    data : AnalysisData
        From :func:`wijkanalyse.analysis.load`; ``xy`` must follow the order of ``data.segments``.
    xy : numpy.ndarray
        Shape ``(len(data.segments), 2)``, from :func:`project_2d`.
    method : str, optional
        The projection used, kept in ``attrs['method']``.

    Returns
    -------
    pandas.DataFrame
        ``segment_id, x, y, text, wijk, soort, soort_ids, kind, role, date, path, code, code_id, codes,
        coded_by, theme, theme_id, color``:

        * ``code``: label of the segment's main theme code (a person's code first, then the machine's most
          confident), ``(geen code)`` when it has none; ``codes``: every effective theme code, ``";
          "``-joined; ``coded_by``: ``mens``, ``machine`` or ``""``; ``color``: the codebook colour of
          ``code``.
        * ``theme``: name of the discovered theme (``(geen thema)`` when discovery has not run,
          ``(uitschieter)`` for its outliers).
        * ``soort``: label(s) of the kind of input (``(onbekend)`` when none), ``soort_ids`` the ids,
          ``"|"``-joined, for filtering.
        * ``wijk``: ``(stad)`` for city-wide input.

    Raises
    ------
    SettingsError
        If ``xy`` does not have one row per segment.
    """
    seg = data.segments.reset_index(drop=True)
    xy = np.asarray(xy, dtype=float)
    if xy.shape != (len(seg), 2):
        raise SettingsError(
            f"The map needs one (x, y) per segment: expected shape ({len(seg)}, 2), got {xy.shape}."
        )
    out = pd.DataFrame(
        {
            "segment_id": seg["segment_id"],
            "x": xy[:, 0],
            "y": xy[:, 1],
            "text": seg["text"],
            "wijk": seg["wijk"].fillna(CITY),
            "kind": seg["kind"].fillna(""),
            "role": seg["role"].fillna(""),
            "date": seg["date"].fillna(""),
            "path": seg["path"],
        }
    )
    _add_codes(data, out)
    _add_kinds(data, out)
    _add_discovered(data, out)
    cols = [
        "segment_id", "x", "y", "text", "wijk", "soort", "soort_ids", "kind", "role", "date", "path", "code",
        "code_id", "codes", "coded_by", "theme", "theme_id", "color",
    ]  # fmt: skip
    out = out[cols]
    out.attrs["method"] = method
    return out


def _add_codes(data: AnalysisData, out: pd.DataFrame) -> None:
    """Add ``code_id, code, codes, coded_by, color``; the main code: a person's first, then by confidence."""
    order = {c: i for i, c in enumerate(data.theme_ids)}
    th = data.themes.copy()
    if th.empty:
        th = pd.DataFrame(columns=["segment_id", "code_id", "source", "confidence"])
    th["_human"] = (th["source"] == "human").astype(int)
    th["_order"] = th["code_id"].map(lambda c: order.get(c, len(order)))
    th = th.sort_values(
        ["segment_id", "_human", "confidence", "_order"], ascending=[True, False, False, True]
    )
    main = th.drop_duplicates("segment_id").set_index("segment_id")
    all_codes = th.groupby("segment_id")["code_id"].agg(lambda s: "; ".join(_label(data, c) for c in s))
    out["code_id"] = out["segment_id"].map(main["code_id"]).fillna("")
    out["code"] = [_label(data, c) if c else NO_CODE for c in out["code_id"]]
    out["codes"] = out["segment_id"].map(all_codes).fillna("")
    src = out["segment_id"].map(main["source"])
    out["coded_by"] = src.map({"human": "mens", "machine": "machine"}).fillna("")
    colors = dict(zip(data.codes.get("code_id", []), data.codes.get("color", []), strict=False))
    out["color"] = [colors.get(c) if c else "#BAB0AC" for c in out["code_id"]]


def _add_kinds(data: AnalysisData, out: pd.DataFrame) -> None:
    """Add ``soort_ids`` (the kind-of-input ids, ``"|"``-joined) and ``soort`` (their labels)."""
    kinds = data.kinds
    if kinds.empty:
        out["soort_ids"] = ""
    else:
        ids = kinds.groupby("segment_id")["soort"].agg(lambda s: "|".join(dict.fromkeys(s)))
        out["soort_ids"] = out["segment_id"].map(ids).fillna("")
    out["soort"] = [
        " / ".join(_label(data, k) for k in s.split("|")) if s else NO_KIND for s in out["soort_ids"]
    ]


def _add_discovered(data: AnalysisData, out: pd.DataFrame) -> None:
    """Add ``theme_id`` and ``theme``: the discovered theme of each segment (or none, or outlier)."""
    names = _discovered_names(data)
    links = data.discovered
    if links is not None and not links.empty and "theme_id" in links.columns:
        first = links.drop_duplicates("segment_id").set_index("segment_id")["theme_id"]
        out["theme_id"] = out["segment_id"].map(first)
    else:
        out["theme_id"] = None
    out["theme"] = [
        NO_THEME
        if t is None or (isinstance(t, float) and np.isnan(t))
        else (_OUTLIER if str(t) == "-1" else names.get(t, f"thema {t}"))
        for t in out["theme_id"]
    ]


def filter_map(
    frame: pd.DataFrame,
    wijk: str | Sequence[str] | None = None,
    soort: str | Sequence[str] | None = None,
    kind: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Return the rows of a theme map that match the filters (None: no filter).

    Parameters
    ----------
    frame : DataFrame
        From :func:`theme_map_frame`.
    wijk : str or list of str, optional
        Wijk name(s); ``(stad)`` for city-wide input.
    soort : str or list of str, optional
        Kind-of-input id(s) (``behouden``, ``verbeteren``, ``vraag_of_zorg``) or ``(onbekend)``.
    kind : str or list of str, optional
        Kind(s) of source (``verslag``, ``transcript``, ``enquete`` ...).

    Returns
    -------
    pandas.DataFrame
    """

    def _as_set(v: str | Sequence[str]) -> set[str]:
        return {v} if isinstance(v, str) else set(v)

    mask = np.ones(len(frame), dtype=bool)
    if wijk is not None:
        mask &= frame["wijk"].isin(_as_set(wijk)).to_numpy()
    if kind is not None:
        mask &= frame["kind"].isin(_as_set(kind)).to_numpy()
    if soort is not None:
        wanted = _as_set(soort)
        mask &= np.array(
            [bool(wanted & set(s.split("|"))) if s else NO_KIND in wanted for s in frame["soort_ids"]],
            dtype=bool,
        )
    return frame[mask]


def cluster_centroids(frame: pd.DataFrame, by: str = "code", min_size: int = 3) -> pd.DataFrame:
    """Where to put the label of each group on the map: the median position of its points.

    Parameters
    ----------
    frame : DataFrame
        From :func:`theme_map_frame` (possibly filtered).
    by : str, default "code"
        The column that names the groups (``code``, ``theme``, ``soort``, ``wijk`` ...).
    min_size : int, default 3
        Smaller groups get no label.

    Returns
    -------
    pandas.DataFrame
        ``group, x, y, n, spread``, largest group first; the "none" groups (``(geen code)``, ``(geen thema)``,
        ``(uitschieter)``, ``(onbekend)``) are left out. ``spread``: the median distance of the group's points
        to its label, relative to the same for all points of the frame (below 1: the group is more compact
        than the map; around 1: it is spread all over it, and its label says little about a place).

    Raises
    ------
    SettingsError
        If ``by`` is not a column of the frame.
    """
    if by not in frame.columns:
        raise SettingsError(f"Cannot group the map by {by!r}: not a column. Columns: {list(frame.columns)}.")
    cols = ["group", "x", "y", "n", "spread"]
    f = frame[~frame[by].isin({NO_CODE, NO_THEME, NO_KIND, _OUTLIER, ""})]
    if f.empty:
        return pd.DataFrame(columns=cols)
    g = f.groupby(by, sort=True).agg(x=("x", "median"), y=("y", "median"), n=("x", "size")).reset_index()
    overall = float(np.median(np.hypot(frame["x"] - frame["x"].median(), frame["y"] - frame["y"].median())))
    centre = g.set_index(by)[["x", "y"]]
    dist = np.hypot(f["x"] - f[by].map(centre["x"]), f["y"] - f[by].map(centre["y"]))
    g["spread"] = g[by].map(dist.groupby(f[by]).median()) / (overall or 1.0)
    g = g.rename(columns={by: "group"})
    g = g[g["n"] >= min_size]
    return g.sort_values(["n", "group"], ascending=[False, True], kind="mergesort").reset_index(drop=True)[
        cols
    ]
