"""Readable short names for discovered themes: a phrase from the theme's own text, not a keyword list.

Discovery labels a theme with its top c-TF-IDF words ("warmtepomp, isolatie, kosten, subsidie"): good for
finding a theme, poor as the name of a code. :func:`theme_labels` names each theme in three steps.

1. **Anchors.** The theme's first :data:`N_ANCHORS` distinct top words (the words of a two-word top word count
   one by one). They are distinctive by construction: c-TF-IDF ranks the words frequent in this theme and rare
   in the others, without stop words.
2. **The most representative phrase.** In the theme's texts, every span that starts with one anchor and ends
   with another, with at most two function words between them (:data:`GAP_WORDS`: *de, het, een, van, voor,
   in, op, met, en, ...*) and no punctuation, is a candidate: "kosten van de warmtepomp", "openbaar vervoer",
   "warmtepomp en isolatie". A Dutch noun phrase ends in its noun, so a candidate must read as one: its last
   anchor is *noun-like*, or the candidate is an inflected adjective and a word ("jonge gezinnen": two words,
   the first ending in *-e*) that follows a cue in a quarter of its texts ("een paar jonge gezinnen"). A
   word is noun-like when, twice or more and in at least a quarter of its occurrences, it follows a cue: an
   article, possessive, quantifier or preposition (:data:`NOUN_CUES` such as *de, een, onze, geen, van, voor,
   over*) just before it, or two before it with an article or an inflected adjective between ("de
   warmtepomp", "van het onderwijs", "de oude kern"; rarely "betekent", "aangesloten", and not "geen
   initiatieven genomen"); or when it is a name, capitalised inside sentences ("minister Weerwind").
   A phrase that is cut short, followed by the same noun-like word in three quarters of its texts ("ouderen
   een groot" + "probleem"), is written with that word ("ouderen een groot probleem"); a verb that follows
   ("buurthuis in Noord" + "kost") says the phrase was whole. A one-word name gets its noun the same way
   ("hele" + "dorp": "Hele dorp").
   The candidate found in the most texts wins (ties: the better-ranked anchors, then the shorter phrase), if
   it occurs in at least two texts and at least 5 % of the theme's texts. Short spans bounded by content words
   are a cheap, offline stand-in for noun phrases (no tagger or model is needed), and the phrase is written as
   people wrote it (its most frequent spelling, so names keep their capitals).
3. **Otherwise the two most distinctive words joined**, noun-like anchors first: "Warmtepomp en isolatie"; a
   theme with one anchor, or only one noun-like anchor, is named by it ("Ouderen"), a theme without any
   anchor by its number ("Thema 4").

Names are deduplicated across themes, largest theme first: a name whose content words equal those of a name
already given ("Isolatie en warmtepomp" after "Warmtepomp en isolatie") is passed over for the theme's next
candidate (the next phrase, then other pairs of anchors, then three anchors), and as a last resort the theme's
number is added. The first letter is capitalised.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

__all__ = [
    "GAP_WORDS",
    "NOUN_CUES",
    "N_ANCHORS",
    "anchors",
    "distinct_words",
    "join_nl",
    "is_noun_like",
    "noun_share",
    "phrase_candidates",
    "theme_labels",
]

#: Top words of a theme used as anchors of its name.
N_ANCHORS = 6
#: Function words allowed inside a name, between two anchors (at most two of them).
GAP_WORDS = frozenset(
    "de het een van voor in op met en aan bij naar om uit over door te tot als tegen zonder na onder tussen "
    "per".split()
)
#: Words that stand before a noun (articles, possessives, quantifiers, prepositions): they make a word
#: that follows within two words noun-like.
NOUN_CUES = frozenset(  # not 'het' and 'dit': also pronouns before a verb ("het kost", "dit betekent")
    "de een deze onze ons hun mijn uw elke iedere alle geen veel weinig "
    "van voor in op met aan bij naar uit over door tot tegen zonder na onder tussen per".split()
)
_MAX_GAP = 2
_MIN_NOUN_SHARE = 0.25
_ARTICLES = frozenset({"de", "het", "een"})
_SENTENCE_STARTS = ".!?:;\"'(-•*#>|"
_WORD = re.compile(r"[^\W\d_]+")
_MIN_SHARE = 0.05
#: A phrase followed by the same word in this share of its texts is cut short and gets that word.
_CUT_SHORT = 0.75


def join_nl(words: Sequence[str]) -> str:
    """Join words the Dutch way: ``a``, ``a en b``, ``a, b en c``.

    Examples
    --------
    >>> join_nl(["warmtepomp", "isolatie", "subsidie"])
    'warmtepomp, isolatie en subsidie'
    """
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} en {words[-1]}"


def anchors(top_words: Iterable[str], n: int = N_ANCHORS) -> list[str]:
    """Return the first ``n`` distinct words of a theme's top words (a two-word top word gives both).

    Examples
    --------
    >>> anchors(["kosten warmtepomp", "warmtepomp", "isolatie"], n=3)
    ['kosten', 'warmtepomp', 'isolatie']
    """
    out: list[str] = []
    for phrase in top_words:
        for word in str(phrase).lower().split():
            if word not in out:
                out.append(word)
            if len(out) == n:
                return out
    return out


def distinct_words(top_words: Iterable[str], n: int = 4) -> list[str]:
    """Return up to ``n`` top words, a two-word top word replacing its own words, none repeating another.

    Examples
    --------
    >>> distinct_words(["regeling", "inkomen", "verhuurders", "particuliere verhuurders", "laag inkomen"])
    ['regeling', 'particuliere verhuurders', 'laag inkomen']
    """
    seen: set[str] = set()
    parts: list[str] = []
    for w in top_words:
        tokens = set(str(w).split())
        if tokens <= seen:
            continue
        parts = [p for p in parts if not set(p.split()) <= tokens]
        parts.append(str(w))
        seen |= tokens
        if len(parts) == n:
            break
    return parts


def _cued(lower: Sequence[str], i: int) -> bool:
    """Tell whether word ``i`` follows a :data:`NOUN_CUES` word (method in the module docstring).

    The cue stands just before it, or two before it with an article or an inflected adjective between: "de
    warmtepomp", "van het onderwijs", "de oude kern"; not "geen initiatieven genomen".
    """
    if i >= 1 and lower[i - 1] in NOUN_CUES:
        return True
    between = lower[i - 1] if i >= 1 else ""
    return i >= 2 and lower[i - 2] in NOUN_CUES and (between in _ARTICLES or between.endswith("e"))


def _inside_sentence(text: str, start: int) -> bool:
    """Tell whether the word at ``start`` stands inside a sentence (a capital there is the word's own)."""
    before = text[:start].rstrip()
    return bool(before) and before[-1] not in _SENTENCE_STARTS


def _noun_cues(word: str, texts: Iterable[str]) -> tuple[int, int, int]:
    """Count a word's occurrences: after a :data:`NOUN_CUES` word, capitalised inside a sentence, all."""
    cued = capitals = total = 0
    for text in texts:
        text = str(text)
        found = list(_WORD.finditer(text))
        lower = [m.group().lower() for m in found]
        for i, w in enumerate(lower):
            if w == word:
                total += 1
                cued += _cued(lower, i)
                capitals += found[i].group()[0].isupper() and _inside_sentence(text, found[i].start())
    return cued, capitals, total


def is_noun_like(word: str, texts: Iterable[str]) -> bool:
    """Tell whether a word reads as a noun in the texts (method in the module docstring).

    It does when, at least twice and in at least a quarter of its occurrences, it follows a :data:`NOUN_CUES`
    word (see :func:`_cued`); or when it is a name: capitalised inside a sentence at least twice and in at
    least half of its occurrences.

    Examples
    --------
    >>> is_noun_like("warmtepomp", ["De warmtepomp is duur.", "Een stille warmtepomp.", "Warmtepomp kopen?"])
    True
    >>> is_noun_like("betekent", ["Wat 'niet voor 2035' betekent.", "Wat betekent dit voor ons?"])
    False
    >>> is_noun_like("weerwind", ["Volgens minister Weerwind klopt het.", "Dat zei Weerwind gisteren."])
    True
    """
    cued, capitals, total = _noun_cues(word, texts)
    return (cued >= 2 and cued >= _MIN_NOUN_SHARE * total) or (capitals >= 2 and capitals >= 0.5 * total)


def noun_share(word: str, texts: Iterable[str]) -> float:
    """Return the share of a word's occurrences that follow a :data:`NOUN_CUES` word (see :func:`_cued`).

    Examples
    --------
    >>> noun_share("warmtepomp", ["De warmtepomp is duur.", "Een stille warmtepomp.", "Warmtepomp kopen?"])
    0.6666666666666666
    >>> noun_share("betekent", ["Dat betekent veel.", "Niemand weet wat het betekent."])
    0.0
    """
    cued, _, total = _noun_cues(word, texts)
    return cued / total if total else 0.0


def _spans(text: str, rank: Mapping[str, int]) -> dict[str, tuple[str, bool, str, str]]:
    """Return the anchor-to-anchor spans of a text: ``{lower-case key: (spelling, cued, next, longer)}``.

    ``cued``: an occurrence follows a :data:`NOUN_CUES` word (it reads as a noun phrase: "een paar jonge
    gezinnen"). ``next``: the word right after the span (lower case; empty after punctuation or at the end),
    ``longer``: the span with that word, as written.
    """
    tokens = list(_WORD.finditer(text))
    lower = [t.group().lower() for t in tokens]
    found: dict[str, tuple[str, bool, str, str]] = {}
    for i, word in enumerate(lower):
        if word not in rank:
            continue
        for j in range(i + 1, min(i + _MAX_GAP + 2, len(tokens))):
            if text[tokens[j - 1].end() : tokens[j].start()].strip():  # punctuation breaks a phrase
                break
            if lower[j] in rank:
                if lower[j] != word:
                    key = " ".join(lower[i : j + 1])
                    spelling = text[tokens[i].start() : tokens[j].end()]
                    glued = j + 1 < len(tokens) and not text[tokens[j].end() : tokens[j + 1].start()].strip()
                    nxt = lower[j + 1] if glued else ""
                    longer = text[tokens[i].start() : tokens[j + 1].end()] if glued else ""
                    was = found.get(key)
                    cued = _cued(lower, i) or (was is not None and was[1])
                    found[key] = (was[0], cued, was[2], was[3]) if was else (spelling, cued, nxt, longer)
                break
            if lower[j] not in GAP_WORDS:
                break
    return found


def phrase_candidates(
    texts: Sequence[str], anchor_words: Sequence[str], nouns: Iterable[str] | None = None
) -> list[tuple[str, int]]:
    """Phrases from anchor to anchor in a theme's texts, best first, with the number of texts holding each.

    Only phrases in at least two texts and at least 5 % of them are returned, and only those that read as a
    noun phrase: ending in a noun-like anchor, or with a :data:`NOUN_CUES` word before them in at least a
    quarter of the texts. Each in its most frequent spelling.

    Parameters
    ----------
    texts : sequence of str
        The theme's texts.
    anchor_words : sequence of str
        The theme's anchors (:func:`anchors`), best first.
    nouns : iterable of str, optional
        The noun-like anchors (default: those :func:`is_noun_like` in ``texts``).

    Returns
    -------
    list of (str, int)

    Examples
    --------
    >>> texts = ["De kosten van de warmtepomp zijn hoog.", "Wie betaalt de kosten van de warmtepomp?",
    ...          "Isolatie eerst."]
    >>> phrase_candidates(texts, ["kosten", "warmtepomp", "isolatie"])
    [('kosten van de warmtepomp', 2)]
    """
    rank = {w: i for i, w in enumerate(anchor_words)}
    if nouns is None:
        nouns = [w for w in anchor_words if is_noun_like(w, texts)]
    noun_set = set(nouns)
    df: Counter[str] = Counter()
    cued: Counter[str] = Counter()
    spelling: dict[str, Counter[str]] = {}
    after: dict[str, Counter[str]] = {}
    longer: dict[tuple[str, str], Counter[str]] = {}
    for text in texts:
        for key, (surface, is_cued, nxt, long_surface) in _spans(str(text), rank).items():
            df[key] += 1
            cued[key] += is_cued
            spelling.setdefault(key, Counter())[surface] += 1
            after.setdefault(key, Counter())[nxt] += 1
            longer.setdefault((key, nxt), Counter())[long_surface] += 1
    need = max(2, math.ceil(_MIN_SHARE * len(texts)))

    def written(key: str) -> str:
        """Return the phrase as most often written; cut short ("een groot" + "probleem"), with its word."""
        nxt = _noun_after(after[key], df[key], texts)
        return longer[(key, nxt)].most_common(1)[0][0] if nxt else spelling[key].most_common(1)[0][0]

    def order(key: str) -> tuple[int, int, int, str]:
        words = key.split()
        return (-df[key], rank[words[0]] + rank[words[-1]], len(words), key)

    def noun_phrase(key: str) -> bool:
        words = key.split()
        if words[-1] in noun_set:
            return True
        adjective = len(words) == 2 and words[0].endswith("e")  # "jonge gezinnen", not "initiatieven genomen"
        return adjective and cued[key] >= _MIN_NOUN_SHARE * df[key]

    keys = sorted((k for k in df if df[k] >= need and noun_phrase(k)), key=order)
    return [(written(k), df[k]) for k in keys]


def _spelled(word: str, texts: Sequence[str]) -> str:
    """Return the most frequent spelling of a word inside sentences (names keep capitals), else the word.

    A capital at the start of a sentence says nothing about the word, so those occurrences are not counted.
    """
    counts: Counter[str] = Counter()
    for text in texts:
        text = str(text)
        for m in _WORD.finditer(text):
            if m.group().lower() == word and _inside_sentence(text, m.start()):
                counts[m.group()] += 1
    return counts.most_common(1)[0][0] if counts else word


def _completed(word: str, texts: Sequence[str]) -> str:
    """Return a one-word name with the noun that follows it in three quarters of its texts ("hele" + "dorp").

    Examples
    --------
    >>> _completed("hele", ["Voor het hele dorp.", "Het hele dorp doet mee.", "De hele dorp.", "Een dorp."])
    'hele dorp'
    >>> _completed("bus", ["De bus rijdt.", "Met de bus naar de stad.", "Een bus minder."])
    'bus'
    """
    after: Counter[str] = Counter()
    longer: dict[str, Counter[str]] = {}
    found = 0
    for text in texts:
        tokens = list(_WORD.finditer(str(text)))
        for i, t in enumerate(tokens):
            if t.group().lower() != word.lower():
                continue
            found += 1
            glued = i + 1 < len(tokens) and not str(text)[t.end() : tokens[i + 1].start()].strip()
            nxt = tokens[i + 1].group() if glued else ""
            after[nxt.lower()] += 1
            longer.setdefault(nxt.lower(), Counter())[f"{word} {nxt}"] += 1
    noun = _noun_after(after, found, texts)
    return longer[noun].most_common(1)[0][0] if noun else word


def _noun_after(after: Counter[str], occurrences: int, texts: Sequence[str]) -> str | None:
    """Return the word that completes a name cut short, or None (the rule in the module docstring, step 2).

    ``after`` counts the word right after each occurrence (``""``: punctuation or the end); the name is cut
    short when one noun-like word, not a function word, follows it in three quarters of its occurrences.
    """
    if not after:
        return None
    nxt, n = after.most_common(1)[0]
    ok = nxt and nxt not in GAP_WORDS and n >= _CUT_SHORT * occurrences and is_noun_like(nxt, texts)
    return nxt if ok else None


def _candidates(texts: Sequence[str], anchor_words: list[str]) -> list[str]:
    """Return every name a theme could get, best first (phrases, then pairs of anchors, then three)."""
    nouns = [w for w in anchor_words if is_noun_like(w, texts)]
    names = [phrase for phrase, _ in phrase_candidates(texts, anchor_words, nouns)]
    ordered = nouns + [w for w in anchor_words if w not in nouns]  # noun-like first, each group by rank
    spelled = [_spelled(w, texts) for w in ordered[:4]]
    if len(spelled) == 1 or len(nouns) == 1:  # one noun is a better name than a noun and a verb
        names.append(_completed(spelled[0], texts))
    pairs = [(0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3)]
    names += [join_nl([spelled[a], spelled[b]]) for a, b in pairs if b < len(spelled)]
    if len(spelled) >= 3:
        names.append(join_nl(spelled[:3]))
    return names


def _content_key(name: str) -> frozenset[str]:
    words = [w.lower() for w in _WORD.findall(name)]
    return frozenset(w for w in words if w not in GAP_WORDS) or frozenset(words)


def _capitalised(name: str) -> str:
    return name[:1].upper() + name[1:]


def theme_labels(
    themes: Sequence[tuple[int, int, Sequence[str]]], texts: Mapping[int, Sequence[str]]
) -> dict[int, str]:
    """Name each theme with a readable, unique short name (method in the module docstring).

    Parameters
    ----------
    themes : sequence of (theme_id, size, top_words)
        The discovered themes.
    texts : mapping
        ``{theme_id: its texts}`` (all the theme's segments, or at least its representative ones).

    Returns
    -------
    dict
        ``{theme_id: name}``, e.g. ``{0: "Kosten van de warmtepomp", 1: "Wachtlijst en huurwoningen"}``.

    Examples
    --------
    >>> theme_labels([(0, 3, ["speeltuin", "glijbaan"]), (1, 3, ["glijbaan", "speeltuin"])], {})
    {0: 'Speeltuin en glijbaan', 1: 'Glijbaan en speeltuin (1)'}
    """
    used: set[frozenset[str]] = set()
    out: dict[int, str] = {}
    for theme_id, _, top_words in sorted(themes, key=lambda t: (-t[1], t[0])):
        own = list(texts.get(theme_id, ()))
        anchor_words = anchors(top_words)
        candidates = _candidates(own, anchor_words) if anchor_words else []
        name = next((c for c in candidates if _content_key(c) not in used), None)
        if name is None:
            name = f"{candidates[0]} ({theme_id})" if candidates else f"thema {theme_id}"
        used.add(_content_key(name))
        out[theme_id] = _capitalised(name)
    return {t: out[t] for t, _, _ in themes}
