"""A codebook drafted from the corpus itself: one code per discovered theme, written as YAML to edit.

``wijkanalyse codebook draft`` (:func:`draft_from_store`) turns the themes of the newest discovery run
(running discovery first when there is none) into an editable codebook. Per theme:

``id``, ``label_nl``
    A short readable name, not a keyword list (:mod:`.draft_labels`: the theme's most frequent phrase from one
    top word to another, else its two most distinctive words joined), and its slug as the id.
``label_en``
    The Dutch name, with a comment saying so: nothing is translated (no download, no language model).
``definition``
    ``"Concept: fragmenten over <top words>."`` -- marked as a draft to rewrite.
``include``
    The theme's top words (``"Kernwoorden: ..."``).
``examples``
    Real phrases from the theme's representative segments: a short segment whole, from a longer one the
    sentence with the most top words, cut to :data:`MAX_EXAMPLE_CHARS`. They come from the store, so they are
    pseudonymised already.

There is no ``soort`` (kind of input) unless asked for (``soort=True`` copies the three bundled kinds): the
file says ``soort: []``, so reports are organised by theme only. A header comment records how the draft was
made (corpus, discovery run, date) and the loop draft -> edit -> ``wijkanalyse codebook-check`` -> code ->
review. The written file always passes ``codebook-check``; an existing file is never overwritten unless
``force``.

Themes of boilerplate or markup are left out: a theme is skipped when at least half of its segments are
marked by ingest as boilerplate (a ``boilerplate`` flag) or as table rows (a unit starting with ``table``),
or look like markup (:func:`looks_like_markup`: after removing template tags, HTML tags and web addresses,
nothing or fewer letters than other characters remain). Such segments are never used as example phrases
either.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from wijkanalyse.coding.codebook import DEFAULT_SOORT, Codebook, parse_codebook
from wijkanalyse.coding.codebook_check import CODE_KEYS, codebook_problems
from wijkanalyse.coding.discovery import discover_store, load_themes
from wijkanalyse.coding.draft_labels import anchors, distinct_words, join_nl, theme_labels
from wijkanalyse.config import Settings
from wijkanalyse.exceptions import CodebookError, SettingsError
from wijkanalyse.store import Store
from wijkanalyse.vocabulary import NONE_CODE

__all__ = [
    "MAX_EXAMPLE_CHARS",
    "CodebookDraft",
    "DraftResult",
    "draft_codebook",
    "draft_from_store",
    "draft_yaml",
    "flagged_segments",
    "looks_like_markup",
    "write_draft",
]

#: Longest example phrase (characters); a longer sentence is cut at a word and ends in "…".
MAX_EXAMPLE_CHARS = 200
_MAX_ID_CHARS = 40
_MARKUP = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|<[^>]*>|https?://\S+|www\.\S+", re.DOTALL)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"[^\W\d_]+")


def looks_like_markup(text: str) -> bool:
    """Whether a text is markup rather than prose: a table row, a template tag, a bare link.

    Template tags (``{% ... %}``, ``{{ ... }}``), HTML tags and web addresses are removed; the text is markup
    when nothing is left, or when fewer than half of the remaining non-space characters are letters.

    Examples
    --------
    >>> [looks_like_markup(t) for t in ("| Oudeveen | 120 | 45 |", "{% include nav.html %}", "Goed idee!")]
    [True, True, False]
    """
    rest = "".join(_MARKUP.sub(" ", str(text)).split())
    return not rest or sum(ch.isalpha() for ch in rest) < 0.5 * len(rest)


@dataclass
class CodebookDraft:
    """A drafted codebook and how each code came about.

    Attributes
    ----------
    codebook : Codebook
    themes : dict
        ``{code id: theme id}``.
    notes : dict
        ``{code id: comment line}`` (theme, size, top words, closest code of the current codebook).
    left_out : dict
        ``{theme id: reason}`` for the themes not drafted (boilerplate or markup).
    """

    codebook: Codebook
    themes: dict[str, int] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    left_out: dict[int, str] = field(default_factory=dict)


def _slug(label: str, used: set[str], theme_id: int) -> str:
    """Make a code id from a label: lower-case ASCII letters, digits and ``_``, unique, never ``geen``."""
    ascii_ = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_).strip("_")
    if len(slug) > _MAX_ID_CHARS:
        slug = slug[:_MAX_ID_CHARS].rsplit("_", 1)[0] or slug[:_MAX_ID_CHARS]
    if not slug or not slug[0].isalpha() or slug == NONE_CODE:
        slug = f"thema_{theme_id}" if not slug or slug == NONE_CODE else f"thema_{slug}"
    base, n = slug, 2
    while slug in used:
        slug, n = f"{base}_{n}", n + 1
    used.add(slug)
    return slug


def _cut(text: str, limit: int = MAX_EXAMPLE_CHARS) -> str:
    """Cut a text at a word boundary to at most ``limit`` characters, ending in "…" when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:-")
    return f"{head}…"


def _example(text: str, anchor_words: Sequence[str]) -> str:
    """One example phrase from a segment: the segment if short, else its sentence with the most top words."""
    text = " ".join(str(text).split())
    if len(text) <= MAX_EXAMPLE_CHARS:
        return text
    wanted = set(anchor_words)

    def hits(sentence: str) -> int:
        return len(wanted & {w.lower() for w in _WORD.findall(sentence)})

    sentences = [s for s in _SENTENCE_END.split(text) if s.strip()]
    best = max(sentences, key=hits)  # max keeps the first of equals: the earliest sentence
    return _cut(best)


def _examples(texts: Sequence[str], anchor_words: Sequence[str], n: int) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for t in texts:
        if not str(t).strip() or looks_like_markup(str(t)):
            continue
        phrase = _example(str(t), anchor_words)
        if phrase.lower() not in seen:
            seen.add(phrase.lower())
            out.append(phrase)
        if len(out) == n:
            break
    return out


def _words(value: Any) -> list[str]:
    """Top words as a list (a list, a JSON list, or a comma-separated text)."""
    if isinstance(value, str):
        return [w.strip() for w in value.strip("[]").replace('"', "").split(",") if w.strip()]
    return [str(w) for w in (value if value is not None else [])]


def _note(row: Mapping[str, Any], size: int, words: Sequence[str]) -> str:
    note = f"theme {int(row['theme_id'])}: {size} segments; top words: {', '.join(words)}"
    closest = row.get("closest_code")
    if isinstance(closest, str) and closest:
        share = row.get("coded_share")
        coded = f", {float(share):.0%} of the theme coded" if isinstance(share, int | float) else ""
        note += f"; closest code of the current codebook: {closest}{coded}"
    return note


def draft_codebook(
    themes: pd.DataFrame,
    texts: Mapping[int, Sequence[str]] | None = None,
    *,
    markup_share: Mapping[int, float] | None = None,
    name: str = "concept",
    description: str = "",
    soort: bool = False,
    n_examples: int = 5,
) -> CodebookDraft:
    """Draft a codebook from discovered themes: one code per theme (method in the module docstring).

    Parameters
    ----------
    themes : pandas.DataFrame
        :attr:`ThemeModel.themes_ <wijkanalyse.coding.theme_model.ThemeModel.themes_>` or the themes of
        :func:`~wijkanalyse.coding.discovery.load_themes`: ``theme_id``, ``size``, ``top_words`` and
        ``representative_texts`` (``closest_code`` and ``coded_share`` are noted when present).
    texts : mapping, optional
        ``{theme id: all its texts}``, for the names (default: the representative texts).
    markup_share : mapping, optional
        ``{theme id: share of its segments that are boilerplate, table rows or markup}``; a theme with a
        share of 0.5 or more is left out.
    name, description : str
        Of the codebook.
    soort : bool, default False
        Copy the bundled kinds of input (behouden, verbeteren, vraag_of_zorg); otherwise none.
    n_examples : int, default 5
        Example phrases per code at most.

    Returns
    -------
    CodebookDraft

    Raises
    ------
    SettingsError
        If no theme is left to draft.
    """
    shares = dict(markup_share or {})
    rows = [r for r in themes.to_dict("records") if int(r["theme_id"]) >= 0]
    left_out = {
        int(r["theme_id"]): f"{shares[int(r['theme_id'])]:.0%} of its segments are boilerplate or markup"
        for r in rows
        if shares.get(int(r["theme_id"]), 0.0) >= 0.5
    }
    rows = [r for r in rows if int(r["theme_id"]) not in left_out]
    if not rows:
        raise SettingsError(
            f"No theme to draft a codebook from: discovery found {len(themes)} theme(s), "
            f"{len(left_out)} of them boilerplate or markup."
        )
    own = {int(r["theme_id"]): list(r.get("representative_texts") or []) for r in rows}
    for tid, theme_texts in (texts or {}).items():
        if tid in own and len(theme_texts):
            own[tid] = list(theme_texts)
    labels = theme_labels([(int(r["theme_id"]), int(r["size"]), _words(r["top_words"])) for r in rows], own)
    used: set[str] = set()
    codes, origin, notes = [], {}, {}
    for r in rows:
        tid = int(r["theme_id"])
        code = _code_entry(r, labels[tid], _slug(labels[tid], used, tid), n_examples)
        codes.append(code)
        origin[code["id"]], notes[code["id"]] = tid, _note(r, int(r["size"]), _words(r["top_words"]))
    data = {
        "name": name,
        "version": "0.1",
        "language": "nl",
        "description": description,
        "codes": codes,
        "soort": [_soort_entry(c) for c in DEFAULT_SOORT] if soort else [],
    }
    if not description:
        del data["description"]
    return CodebookDraft(parse_codebook(data, source=f"draft {name!r}"), origin, notes, left_out)


def _code_entry(row: Mapping[str, Any], label: str, code_id: str, n_examples: int) -> dict[str, Any]:
    """Return the YAML entry of the code drafted from one theme (see the module docstring)."""
    words = _words(row["top_words"])
    code: dict[str, Any] = {
        "id": code_id,
        "label_nl": label,
        "label_en": label,
        "definition": f"Concept: fragmenten over {join_nl(distinct_words(words)) or label.lower()}.",
    }
    if words:
        code["include"] = [f"Kernwoorden: {', '.join(distinct_words(words, n=len(words)))}."]
    examples = _examples(list(row.get("representative_texts") or []), anchors(words), n_examples)
    if examples:
        code["examples"] = examples
    return code


def _soort_entry(code: Any) -> dict[str, Any]:
    data = code.model_dump(mode="json", exclude={"parent"})
    return {k: data[k] for k in CODE_KEYS if k in data and data[k] not in (None, "", [])}


def _code_yaml(code: dict[str, Any], note: str | None) -> list[str]:
    """Return the YAML lines of one code (a list item, indented under ``codes:``), with its comments."""
    lines = [f"  # {note}"] if note else []
    dumped = yaml.safe_dump([code], sort_keys=False, allow_unicode=True, width=110).splitlines()
    for line in dumped:
        if line.startswith("  label_en:"):
            lines.append("    # label_en: the Dutch label, not translated (translate it by hand)")
        lines.append(f"  {line}")
    return lines


def draft_yaml(draft: CodebookDraft, header: Sequence[str] = ()) -> str:
    """Write the drafted codebook as YAML text with comments: a header, a note per code, label_en flagged.

    Parameters
    ----------
    draft : CodebookDraft
    header : sequence of str
        Comment lines for the top of the file (without ``#``).

    Returns
    -------
    str
        YAML that :func:`~wijkanalyse.coding.codebook.load_codebook` accepts as it is.

    Raises
    ------
    CodebookError
        If the text would not pass ``codebook-check`` (a bug: the draft is checked before it is returned).
    """
    cb = draft.codebook
    top: dict[str, Any] = {"name": cb.name, "version": cb.version, "language": cb.language}
    if cb.description:
        top["description"] = cb.description
    lines = [f"# {h}".rstrip() for h in header]
    lines += yaml.safe_dump(top, sort_keys=False, allow_unicode=True, width=110).splitlines()
    lines.append("codes:")
    for c in cb.codes:
        entry = {k: v for k, v in c.model_dump(mode="json").items() if v not in (None, "", [])}
        lines += _code_yaml({k: entry[k] for k in CODE_KEYS if k in entry}, draft.notes.get(c.id))
    if cb.soort:
        lines.append("# the kinds of input (soort), the three default ones: edit or remove them")
        soort = [_soort_entry(c) for c in cb.soort]
        lines += yaml.safe_dump({"soort": soort}, sort_keys=False, allow_unicode=True, width=110).splitlines()
    else:
        lines.append("# no kind of input (soort): reports are organised by theme only ('--soort' adds them)")
        lines.append("soort: []")
    text = "\n".join(lines) + "\n"
    problems = codebook_problems(yaml.safe_load(text))
    if problems:
        raise CodebookError(f"draft {cb.name!r}", problems)
    return text


def write_draft(text: str, path: str | Path, force: bool = False) -> Path:
    """Write a drafted codebook; an existing file is kept unless ``force``.

    Raises
    ------
    SettingsError
        If the file exists and ``force`` is False (nothing is written).
    """
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    try:
        with p.open("w" if force else "x", encoding="utf-8") as fh:
            fh.write(text)
    except FileExistsError:
        raise SettingsError(
            f"{p} exists; the draft was not written, so your edits are safe. Give another --out, or --force "
            "to overwrite it."
        ) from None
    return p


# -- from a store --------------------------------------------------------------------------------------------
@dataclass
class DraftResult:
    """What :func:`draft_from_store` did.

    Attributes
    ----------
    path : Path
        The codebook file written.
    draft : CodebookDraft
    run_id : str
        The discovery run the draft comes from.
    discovered : bool
        Whether discovery ran for this draft (none had run, or ``min_theme_size`` was given).
    n_themes : int
        Themes in the discovery run (drafted and left out).
    """

    path: Path
    draft: CodebookDraft
    run_id: str
    discovered: bool
    n_themes: int

    def describe(self) -> str:
        """Return an account of the draft: what it came from, what was left out, the codes."""
        left = self.draft.left_out
        lines = [
            f"Drafted {len(self.draft.codebook.codes)} codes from the {self.n_themes} themes of discovery "
            f"run {self.run_id}" + (" (discovery ran now)" if self.discovered else "") + f" -> {self.path}"
        ]
        if left:
            lines.append(
                f"Left out {len(left)} theme(s) of boilerplate or markup: "
                + "; ".join(f"theme {t} ({why})" for t, why in sorted(left.items()))
            )
        lines += [
            f"  {c.id}: {c.label_nl}  (theme {self.draft.themes[c.id]}, {len(c.examples)} examples)"
            for c in self.draft.codebook.codes
        ]
        lines.append(f"Next: edit the file, then check it with `wijkanalyse codebook-check {self.path}`.")
        return "\n".join(lines)


def flagged_segments(segments: pd.DataFrame) -> set[str]:
    """Return the ids of the segments that are boilerplate, table rows or markup (see the module docstring).

    Parameters
    ----------
    segments : pandas.DataFrame
        ``segment_id`` and ``text``; ``unit`` and ``boilerplate`` are used when present (as in
        :meth:`Store.segments <wijkanalyse.store.Store.segments>`).

    Returns
    -------
    set of str
    """
    flag = segments["text"].map(lambda t: looks_like_markup(str(t)))
    if "unit" in segments.columns:
        flag |= segments["unit"].fillna("").astype(str).str.startswith("table")
    if "boilerplate" in segments.columns:  # set by ingest where it marks recurring paragraphs
        flag |= segments["boilerplate"].fillna(0).astype(bool)
    return set(segments.loc[flag, "segment_id"])


def _theme_texts(
    themes: pd.DataFrame, links: pd.DataFrame, segments: pd.DataFrame
) -> tuple[pd.DataFrame, dict[int, list[str]], dict[int, float]]:
    """Return representative texts without flagged segments, prose texts and flagged share per theme."""
    flagged = flagged_segments(segments)
    text_of = dict(zip(segments["segment_id"], segments["text"], strict=True))
    texts: dict[int, list[str]] = {}
    shares: dict[int, float] = {}
    for tid, group in links[links["theme_id"] >= 0].groupby("theme_id"):
        ids = group["segment_id"].tolist()
        shares[int(tid)] = sum(i in flagged for i in ids) / len(ids)
        texts[int(tid)] = [str(text_of[i]) for i in ids if i in text_of and i not in flagged]
    themes = themes.copy()
    themes["representative_texts"] = themes["representative_ids"].map(
        lambda ids: [str(text_of[i]) for i in ids if i in text_of and i not in flagged]
    )
    return themes, texts, shares


def _header(settings: Settings, result: DraftResult, n_segments: int, model: str, today: str) -> list[str]:
    corpus, path = settings.corpus, result.path
    left = sorted(result.draft.left_out)
    return [
        f"Draft codebook of corpus '{settings.corpus_id}', made by `wijkanalyse codebook draft` on {today}",
        f"from discovery run {result.run_id} ({model}; {result.n_themes} themes in {n_segments} segments"
        + (f"; left out as boilerplate or markup: themes {', '.join(map(str, left))}" if left else "")
        + ").",
        "Everything below is a machine draft from the corpus's own themes: the names, the definitions",
        "('Concept: ...'), the include notes (the theme's top words) and the examples (real phrases from the",
        "segments, pseudonymised like everything in the store). Edit it before you code with it.",
        "",
        "The loop:",
        f"  1. draft   wijkanalyse codebook draft --corpus {corpus} --out {path}",
        "  2. edit    rename, merge, split or delete codes; rewrite every 'Concept:' definition;",
        "             translate label_en",
        f"  3. check   wijkanalyse codebook-check {path}",
        f"  4. code    set 'codebook: {path.name}' in the corpus's wijkanalyse.yml, then",
        f"             wijkanalyse code --corpus {corpus}",
        f"  5. review  wijkanalyse review export --coder NAME --corpus {corpus}; code by hand;",
        f"             wijkanalyse review import SHEET --coder NAME --corpus {corpus};",
        f"             wijkanalyse agreement --machine --corpus {corpus}; then back to 2",
        "",
    ]


def draft_from_store(
    store: Store,
    settings: Settings,
    out: str | Path | None = None,
    *,
    force: bool = False,
    min_theme_size: int | None = None,
    soort: bool = False,
    today: str | None = None,
) -> DraftResult:
    """Draft a codebook from the discovered themes of a store and write it as YAML.

    Parameters
    ----------
    store : Store
    settings : Settings
        Of the corpus (its id, folder and outputs; discovery uses its embedder, codebook and seed).
    out : path, optional
        The file to write. Default: ``codeboek_concept.yml`` in the corpus's outputs folder.
    force : bool, default False
        Overwrite ``out`` if it exists.
    min_theme_size : int, optional
        Run discovery anew with this smallest theme size. Without it the newest discovery run is used, and
        discovery runs (default size) only when it never ran.
    soort : bool, default False
        Copy the bundled kinds of input into the draft.
    today : str, optional
        The date in the header (default: today, UTC).

    Returns
    -------
    DraftResult

    Raises
    ------
    SettingsError
        If ``out`` exists and ``force`` is False (checked before any work), the corpus has too few segments to
        discover themes in, or no theme is left to draft.
    """
    target = Path(out) if out is not None else settings.outputs_path / "codeboek_concept.yml"
    if target.exists() and not force:
        write_draft("", target, force=False)  # raises: the same message as a race lost while writing
    discovered = min_theme_size is not None or store.latest_theme_run() is None
    if discovered:
        discover_store(store, settings, min_theme_size=min_theme_size)
    themes, links = load_themes(store)
    run_id = str(store.latest_theme_run())
    themes, texts, shares = _theme_texts(themes, links, store.segments())
    draft = draft_codebook(
        themes,
        texts,
        markup_share=shares,
        name=f"{settings.corpus_id} (concept)",
        description=f"Concept-codeboek uit de ontdekte thema's van corpus {settings.corpus_id}; bewerk het.",
        soort=soort,
    )
    result = DraftResult(target, draft, run_id, discovered, int(len(themes)))
    model = str(themes["model"].iloc[0]) if "model" in themes.columns and len(themes) else "unknown model"
    header = _header(settings, result, int(len(links)), model, today or datetime.now(UTC).date().isoformat())
    write_draft(draft_yaml(draft, header), target, force=force)
    return result
