"""Personal data outside the text: file names, titles and session ids pass through the pseudonymiser.

A name in a file name (``2024-03-01-gesprek-met-jan-de-vries.md``) would otherwise become a visible document
path, title and session id in quote footers, figures and exported tables. Before a document is stored, its
path, title and session id are pseudonymised with the same
:class:`~wijkanalyse.ingest.pseudonymise.Pseudonymiser` (the same key, so the same placeholder as the name in
the text) through its public API:

- a title written as prose (front matter, manifest) is pseudonymised like any text;
- a *slug* (a folder or file name, a session id, a title that defaults to the file name) is not prose: its
  words are lower case and joined by ``-``, ``_`` or ``.``, so the pseudonymiser's cues (capitals, sentence
  context) do not apply, and reading a slug as a sentence with capitals turns ordinary words into names
  ("Telefoonnotitie Jongerenavond"). A slug is therefore searched by a narrow rule: a known first name
  (``data/voornamen.txt``, without the first names that are also words, ``data/voornamen_ook_woord.txt``)
  with the name particles and the one word after it (a surname, not a stop word), or a title word
  (``mevrouw``, ``dhr``, ``wethouder``, ...) with the surname after it. Each name found is entered in the key
  (:meth:`Pseudonymiser.placeholder`, the full name only, so that no ordinary word becomes a name in the
  texts) and replaced in the slug, which keeps its other words and separators:
  ``2024-03-01-gesprek-met-[PERSOON-1].md``. Words with digits are never part of a name.

A surname on its own in a file name ("verslag-bakker") is not found; name files by date and subject.

The stored path is a label, not a way back to the file: ingest identifies a source by its document id (a hash
of its real path relative to the corpus).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import PurePosixPath

from wijkanalyse.ingest.pseudonymise import Pseudonymiser
from wijkanalyse.ingest.pseudonymise_words import lexicon

__all__ = ["slug_names", "learn_slug", "learn_path", "pseudonymise_slug", "pseudonymise_path"]

_SEPARATORS_RE = re.compile(r"([-_.\s]+)")
_PARTICLES = frozenset("van de der den het ter ten te in op 't d' du le la von".split())
_TITLES = frozenset("mevrouw meneer mevr mw dhr heer wethouder burgemeester familie fam".split())


@cache
def _first_names() -> frozenset[str]:
    words = lexicon()  # the pseudonymiser's lists, loaded once for both
    return words.first - words.ambiguous


@cache
def _stopwords() -> frozenset[str]:
    return lexicon().stop | _PARTICLES | _TITLES


def _split(slug: str) -> tuple[list[str], list[str]]:
    """Split a slug into its words and the separators between them (``len(seps) == len(words) - 1``)."""
    parts = _SEPARATORS_RE.split(slug)
    return parts[0::2], parts[1::2]


def _surname_at(words: list[str], i: int) -> int | None:
    """Return the index just past a surname that starts at ``i`` (particles first), or None."""
    j = i
    while j < len(words) and words[j].lower() in _PARTICLES:
        j += 1
    if j < len(words) and words[j].isalpha() and len(words[j]) >= 2 and words[j].lower() not in _stopwords():
        return j + 1
    return None


def _spans(words: list[str]) -> list[tuple[int, int]]:
    """Return the ``(start, end)`` word spans of the names in a slug (see the module docstring)."""
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        low = words[i].lower()
        end = None
        if low in _TITLES:
            end = _surname_at(words, i + 1)
            start = i + 1
        elif low in _first_names() and words[i].isalpha():
            end = _surname_at(words, i + 1) or i + 1
            start = i
        if end is None:
            i += 1
            continue
        spans.append((start, end))
        i = end
    return spans


def _name(words: list[str]) -> str:
    """Write the words of a name the way names are written: ``jan de vries`` -> ``Jan de Vries``."""
    return " ".join(w.lower() if w.lower() in _PARTICLES else w[:1].upper() + w[1:].lower() for w in words)


def slug_names(slug: str) -> list[str]:
    """Return the person names found in a slug, written as names.

    Examples
    --------
    >>> slug_names("2024-03-01-gesprek-met-jan-de-vries"), slug_names("telefoonnotitie-jongerenavond")
    (['Jan de Vries'], [])
    """
    words, _ = _split(slug)
    return [_name(words[s:e]) for s, e in _spans(words)]


def learn_slug(pseudo: Pseudonymiser, slug: str) -> None:
    """Enter the names found in a slug in the pseudonymiser's key (the full names only)."""
    for name in slug_names(slug):
        pseudo.placeholder("PERSOON", name)


def pseudonymise_slug(pseudo: Pseudonymiser, slug: str) -> str:
    """Replace the names in a slug by their placeholders, keeping its other words and separators.

    Parameters
    ----------
    pseudo : Pseudonymiser
        The pseudonymiser of the run (the same key as the texts).
    slug : str
        A file name without suffix, a folder name or a session id.

    Returns
    -------
    str
        The slug with each name standing as its placeholder.
    """
    words, seps = _split(slug)
    spans = _spans(words)
    if not spans:
        return slug
    out: list[str] = []
    i = 0
    for start, end in spans:
        for k in range(i, start):
            out += [words[k], seps[k]]
        placeholder = pseudo.placeholder("PERSOON", _name(words[start:end]))
        if Pseudonymiser.is_placeholder(placeholder):
            out.append(placeholder)
        else:  # a name the pseudonymiser keeps (a place): the words as written
            inner = [*seps[start : end - 1], ""]
            out.append("".join(w + s for w, s in zip(words[start:end], inner, strict=True)))
        if end - 1 < len(seps):
            out.append(seps[end - 1])
        i = end
    for k in range(i, len(words)):
        out.append(words[k])
        if k < len(seps):
            out.append(seps[k])
    return "".join(out)


def pseudonymise_path(pseudo: Pseudonymiser, rel: str) -> str:
    """Pseudonymise every folder name and the file name (not its suffix) of a path relative to the corpus.

    Examples
    --------
    >>> pseudonymise_path(Pseudonymiser(None), "oost/2023-02-14-verslag.md")
    'oost/2023-02-14-verslag.md'
    """
    path = PurePosixPath(rel)
    parts = [pseudonymise_slug(pseudo, part) for part in path.parent.parts]
    parts.append(pseudonymise_slug(pseudo, path.stem) + path.suffix)
    return "/".join(parts)


def learn_path(pseudo: Pseudonymiser, rel: str) -> None:
    """Enter the names found in every folder name and the file name of a path in the key."""
    path = PurePosixPath(rel)
    for part in (*path.parent.parts, path.stem):
        learn_slug(pseudo, part)
