"""Pseudonymisation (AVG/GDPR): personal data in text becomes stable placeholders.

What is replaced, and how it is found (rule-based, so it runs offline and is easy to audit):

============= ================== =============================================================================
category      placeholder        found by (details: :mod:`.pseudonymise_patterns`, :mod:`.pseudonymise_names`)
============= ================== =============================================================================
PERSOON       [PERSOON-n]        speaker names; a title, relation or initials before a name; a known first
                                 name and the surname after it; context words (``met``, ``volgens``,
                                 ``Beste``, ``Ik ben``); known surnames; afterwards every name already in the
                                 key, anywhere in the corpus, where the sentence shows a person
EMAIL         [EMAIL-n]          e-mail addresses, also ``naam [at] domein.nl``
IBAN          [IBAN-n]           account numbers passing the mod-97 check, spaced or not, any case
TELEFOON      [TELEFOON-n]       Dutch phone numbers in any notation (``(023) 512 34 56``, ``+31 (0)6-...``)
ADRES         [ADRES-n]          a street of one or more words + house number and addition; ``Postbus 511``;
                                 postcode + house number
POSTCODE      [POSTCODE-n]       Dutch postcodes (``2033 BK``, ``2033bk``)
BSN           [BSN-n]            nine digits (also ``123.456.782``) passing the eleven test, not a labelled
                                 case or reference number
GEBOORTEDATUM [GEBOORTEDATUM-n]  a date next to *geboren*, *geb.*, *geboortedatum*, ``°``, after "ik ben
                                 van", or right after a person; meeting dates and deadlines stay
============= ================== =============================================================================

Two lists from the corpus settings steer it (:class:`wijkanalyse.config.PseudonymiseSettings`): ``keep``
words and phrases are never taken for a person (the corpus's places and wijken, which ingest also passes in
from the corpus itself), and ``always`` words are always replaced as a person. Neither changes the number
categories: "Zijlweg 12" is an address even when "Zijlweg" is kept.

The same value always gets the same placeholder, across documents and across runs: the key (value ->
placeholder) is kept in its own SQLite file outside ``outputs/`` (see :attr:`Settings.key_path` and
:class:`wijkanalyse.store.PseudonymKey`) and is never written into the store, a report or an export.

Measured on a labelled Dutch set of 426 sentences (``benchmarks/bench_pseudonymisation.py``, results in
``benchmarks/results/pseudonymisation.md``), against the ``deduce`` library. Deduce is *not* used: it finds
more names through its large lookup lists (from Dutch registries, not shippable here without making deduce
and its dependencies a dependency, which pins ``regex`` below what ``transformers`` needs), but it replaces
places, sentence-initial words and meeting dates (it broke 45 % of the traps), knows no IBAN, and needs
minutes and 1.2 GB to build its tables. What it showed was adopted as rules instead: context words before a
name, multi-word streets, dates of birth. Rule-based detection still misses some names (an unknown single name
at the start of a sentence, with no title or context word); researchers should read a sample before
publishing quotes, and reports only show pseudonymised text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from wijkanalyse.ingest.pseudonymise_names import NameSpan, NameText
from wijkanalyse.ingest.pseudonymise_patterns import FINDERS, Span, find_birth_dates
from wijkanalyse.ingest.pseudonymise_words import STOPWORDS, lexicon
from wijkanalyse.store import PseudonymKey

__all__ = ["Pseudonymiser", "CATEGORIES"]

CATEGORIES = ("PERSOON", "EMAIL", "IBAN", "TELEFOON", "ADRES", "POSTCODE", "BSN", "GEBOORTEDATUM")

#: words that are never a person name on their own, whatever a pattern says
_NOT_NAMES = frozenset(
    "van de der den het een ter ten te el al da dos le la op in 't de heer mevrouw meneer wijk wijkraad "
    "gemeente buurt straat bewoner bewoners voorzitter secretaris".split()
)
#: How many characters of text a pseudonymiser remembers the rules' names for; beyond it the rules run again,
#: as they would without the memory. Measured on survey answers: about 1.2 bytes a character (the text is the
#: caller's own string unless a pattern replaced something in it, and most texts name no one); 30 at most
#: (short texts that name several people). 20M characters hold the texts of about 150k survey answers, so
#: ingest, which looks at every text twice, runs the rules once per text at that size.
FOUND_BUDGET_CHARS = 20_000_000
_INITIALS_RE = re.compile(r"^(?:[A-Z]\.\s?)+")
#: the start of a surname with a tussenvoegsel ("de vries"), which is not another full name
_TUSSEN_STARTS = (
    "van ",
    "de ",
    "der ",
    "den ",
    "ter ",
    "ten ",
    "te ",
    "el ",
    "al ",
    "'t ",
    "in ",
    "op ",
    "la ",
    "le ",
)
_PLACEHOLDER_RE = re.compile(r"\[(?:" + "|".join(CATEGORIES) + r")-\d+\]")


def _norm(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip().lower()


def _key_value(category: str, value: str) -> str:
    """Return the form of ``value`` the key holds: numbers without separators, phones from 0, else ``_norm``.

    "NL44 RABO 0123 4567 89" and "nl44rabo0123456789", "+31 6 98765432" and "06-98765432" get one placeholder.
    """
    if category in {"IBAN", "BSN", "POSTCODE"}:
        return re.sub(r"[\W_]", "", value).lower()
    if category == "TELEFOON":
        digits = re.sub(r"\D", "", value.replace("(0)", ""))
        if value.lstrip().startswith("+") or digits.startswith("0031"):
            digits = "0" + digits[4 if digits.startswith("0031") else 2 :]
        return digits
    return _norm(value)


def _by_first_letter(names: list[str]) -> str:
    """Return the case-insensitive alternation of ``names`` grouped by first letter: ``a(?:..)|b(?:..)|..``.

    The same matches as the plain alternation, in fewer steps: under ``re.IGNORECASE`` an ASCII letter other
    than i, k and s matches only itself in either case (i, k and s also match İ ı, K and ſ), so at any
    position the names that can match are all in one group (the letter's, or the rest), tried in the
    order of ``names``.
    """
    groups: dict[str, list[str]] = {}
    for n in names:
        c = n[:1].lower()
        key = c if c.isascii() and c.isalpha() and c not in "iks" else ""
        groups.setdefault(key, []).append(n)
    parts = [
        re.escape(key) + "(?:" + "|".join(re.escape(n[1:]) for n in group) + ")"
        for key, group in groups.items()
        if key
    ]
    if "" in groups:
        parts.append("(?:" + "|".join(re.escape(n) for n in groups[""]) + ")")
    return "|".join(parts)


def _phrases(words: Iterable[str]) -> frozenset[str]:
    """Normalised words and phrases; a hyphenated one also with spaces ("zuid-west" and "zuid west")."""
    out = {_norm(w) for w in words if w and w.strip()}
    return frozenset(out | {w.replace("-", " ") for w in out})


class Pseudonymiser:
    """Replace personal data with stable placeholders, remembering the key in a separate SQLite file.

    Parameters
    ----------
    key_path : path or None
        SQLite file for the key (a :class:`~wijkanalyse.store.PseudonymKey`). ``None`` keeps the key in
        memory (tests, one-off file coding).
    keep : iterable of str, optional
        Words and phrases never taken for a person (places, wijken, organisations), any case.
    always : iterable of str, optional
        Words and phrases always replaced as a person (a name the rules miss), any case.

    Examples
    --------
    >>> p = Pseudonymiser(None)
    >>> p.pseudonymise("Bel mevrouw Jansen op 06-12345678.")[0]
    'Bel mevrouw [PERSOON-1] op [TELEFOON-1].'
    """

    def __init__(
        self, key_path: Path | str | None, *, keep: Iterable[str] = (), always: Iterable[str] = ()
    ) -> None:
        self.key_path = Path(key_path) if key_path else None
        self._key = PseudonymKey(self.key_path)
        self.keep = _phrases(keep)
        self.always = _phrases(always) - self.keep
        # every person name in the key (normalised) -> its placeholder; kept in step with the key
        self._names: dict[str, str] = self._key.entries("PERSOON")
        self._names_re: re.Pattern[str] | None = None
        # what the name rules found in a text (a pure function of the text and ``keep``): ingest looks at
        # every text twice (detect_names on all texts, then pseudonymise), and the rules are most of its time
        self._found: dict[str, list[NameSpan]] = {}
        self._found_chars = 0
        self._always_re = (
            re.compile(
                r"(?<![\w\[])("
                + "|".join(re.escape(a) for a in sorted(self.always, key=len, reverse=True))
                + r")(?![\w\]])",
                re.I,
            )
            if self.always
            else None
        )

    # -- the key ---------------------------------------------------------------------------------------------
    def placeholder(self, category: str, value: str) -> str:
        """Return the stable placeholder of a value, creating it if new."""
        norm = _key_value(category, value)
        if category == "PERSOON" and (norm in _NOT_NAMES or norm in self.keep):
            return value
        ph = self._key.lookup(category, norm)
        if ph is None and norm != _norm(value):
            # a key written before numbers were normalised holds the value as written
            ph = self._key.lookup(category, _norm(value))
            if ph is not None:
                self._key.alias(category, norm, ph)
        if ph is None:
            ph = self._key.assign(category, norm)
            if category == "PERSOON":
                self._names[norm] = ph
                self._names_re = None
        return ph

    def register_person(self, name: str) -> str:
        """Register a full person name (e.g. a speaker) and its surname; return the person's placeholder."""
        name = re.sub(r"\s+", " ", name).strip()
        parts = name.split(" ")
        norm = _norm(name)
        if len(parts) >= 2 and norm not in self._names and len(parts[0]) > 2:
            # "mevrouw Jansen" seen first, "Els Jansen" later: the same person, unless another full name
            # (another first name) already has that surname's placeholder
            known = self._names.get(_norm(" ".join(parts[1:])))
            if known is not None and not self._has_full_name(known, besides=norm):
                self._alias(norm, known)
                return known
        ph = self.placeholder("PERSOON", name)
        if len(parts) >= 2 and ph.startswith("[PERSOON-"):
            surname = _norm(" ".join(parts[1:]))
            if len(surname) >= 4 and surname not in self._names and not self._common_word(surname):
                self._alias(surname, ph)
        return ph

    def _has_full_name(self, placeholder: str, besides: str) -> bool:
        """Return True when a full name other than ``besides`` (first name + surname) has ``placeholder``."""
        return any(
            p == placeholder and " " in n and n != besides and not n.startswith(_TUSSEN_STARTS)
            for n, p in self._names.items()
        )

    def _common_word(self, norm: str) -> bool:
        return norm in STOPWORDS or norm in self.keep or norm in lexicon().places or norm in _NOT_NAMES

    def _alias(self, norm_name: str, placeholder: str) -> None:
        """Let another form of a known person's name (surname, first name) stand for the same placeholder."""
        self._names[norm_name] = placeholder
        self._key.alias("PERSOON", norm_name, placeholder)
        self._names_re = None

    def save(self) -> None:
        """Write new key entries to the key file (one transaction)."""
        self._key.save()

    def close(self) -> None:
        """Save and close the key file."""
        self._key.close()

    # -- detection -------------------------------------------------------------------------------------------
    def detect_names(self, text: str) -> None:
        """Find person names in a text and add them to the key (without replacing anything yet)."""
        masked, _ = self._replace_patterns(text, Counter())
        for span in self._rule_names(masked):
            self._learn(masked[span.start : span.end], span)

    def names_known(self) -> list[tuple[str, str]]:
        """Return the person names of the key with their placeholders, in the order the key learned them."""
        return list(self._names.items())

    def finds_names(self, names: Sequence[str]) -> Callable[[str], bool]:
        """Return a test of whether one of ``names`` occurs in a text where :meth:`pseudonymise` looks.

        The test of an earlier result: pseudonymising a text again gives what it gave before unless a name
        the key learned since then occurs in it (the other rules are a function of the text, the settings
        and the placeholders the key held). True does not say the result changes, only that it may. A quick
        look for the names anywhere in the raw text comes first (a name that is not there cannot be found in
        it once e-mail addresses and the like are replaced); only a text that has one is masked and
        searched as :meth:`pseudonymise` searches it.
        """
        if not names:
            return lambda text: False
        alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        anywhere = re.compile(alternatives, re.I)
        where = re.compile(rf"(?<![\w\[])((?-i:(?:[A-Z]\.\s?){{1,4}})?)({alternatives})(?![\w\]])", re.I)
        brackets = any("[" in n or "]" in n for n in names)

        def test(text: str) -> bool:
            if not brackets and anywhere.search(text) is None:
                return False
            masked, _ = self._replace_patterns(text, Counter())
            return where.search(masked) is not None

        return test

    def placeholders(self) -> set[str]:
        """Return every placeholder the key holds (all categories)."""
        return self._key.placeholders()

    def _rule_names(self, text: str) -> list[NameSpan]:
        """Return the names the rules find in ``text`` (remembered, within :data:`FOUND_BUDGET_CHARS`)."""
        return self._rule_names_text(text)[0]

    def _rule_names_text(self, text: str) -> tuple[list[NameSpan], NameText | None]:
        """Return :meth:`_rule_names` and the tokenised text when it had to be tokenised (else None)."""
        found = self._found.get(text)
        if found is not None:
            return found, None
        nt = NameText(text, self.keep)
        found = nt.names()
        if self._found_chars + len(text) <= FOUND_BUDGET_CHARS:
            self._found[text] = found
            self._found_chars += len(text)
        return found, nt

    def _learn(self, value: str, span: NameSpan) -> str:
        """Add one found name to the key (its surname or first name as aliases); return its placeholder."""
        value = re.sub(r"\s+", " ", value).strip()
        norm = _norm(value)
        if norm in self._names:
            return self._names[norm]
        if span.kind == "full":
            return self.register_person(value)
        if span.kind == "first":
            # a lone first name belongs to the one known person with that first name, if there is one
            owners = {ph for n, ph in self._names.items() if n.startswith(norm + " ")}
            if len(owners) == 1:
                self._alias(norm, owners.pop())
                return self._names[norm]
            return self.placeholder("PERSOON", value)
        # initials + surname, or a surname alone: the same person as a known full name with that surname
        bare = _norm(_INITIALS_RE.sub("", value))
        existing = self._names.get(bare)
        if existing is not None:
            self._alias(norm, existing)
            return existing
        ph = self.placeholder("PERSOON", value)
        if bare != norm and len(bare) >= 3 and not self._common_word(bare) and ph.startswith("[PERSOON-"):
            self._alias(bare, ph)
        return ph

    def _known_names_re(self) -> re.Pattern[str] | None:
        if self._names_re is None and self._names:
            alternatives = _by_first_letter(sorted(self._names, key=len, reverse=True))
            # initials before a known surname go with it ("P. de Groot")
            self._names_re = re.compile(
                rf"(?<![\w\[])((?-i:(?:[A-Z]\.\s?){{1,4}})?)({alternatives})(?![\w\]])", re.I
            )
        return self._names_re

    # -- replacement -----------------------------------------------------------------------------------------
    def _replace(self, text: str, spans: list[Span], counts: Counter[str]) -> str:
        """Replace non-overlapping spans (the longest wins) by the placeholders of their values."""
        if not spans:
            return text
        chosen: list[Span] = []
        for sp in sorted(spans, key=lambda x: (-(x[1] - x[0]), x[0])):
            if all(sp[1] <= o[0] or sp[0] >= o[1] for o in chosen):
                chosen.append(sp)
        out = text
        for start, end, category in sorted(chosen, reverse=True):
            ph = self.placeholder(category, text[start:end])
            if ph != text[start:end]:
                counts[category] += 1
                out = out[:start] + ph + out[end:]
        return out

    def _replace_patterns(self, text: str, counts: Counter[str]) -> tuple[str, Counter[str]]:
        out = text
        for _category, finder in FINDERS:
            out = self._replace(out, finder(out), counts)
        if self._always_re is not None:
            out = self._replace(out, [(m.start(), m.end(), "PERSOON") for m in self._always_re.finditer(out)],
                                counts)  # fmt: skip
        return out, counts

    def _name_spans(self, text: str) -> list[Span]:
        """Return the names the rules find in ``text`` and the known names that stand for a person there."""
        spans: list[Span] = []
        found, nt = self._rule_names_text(text)  # nt: None when the names were remembered
        for span in found:
            self._learn(text[span.start : span.end], span)
            spans.append((span.start, span.end, "PERSOON"))
        names_re = self._known_names_re()
        if names_re is not None:
            for m in names_re.finditer(text):  # the text is tokenised (again) only when a known name occurs
                nt = nt or NameText(text, self.keep)
                if nt.known_here(m.start(2), m.end(2)):
                    spans.append((m.start(), m.end(), "PERSOON"))
        return spans

    def pseudonymise(self, text: str, detect: bool = True) -> tuple[str, Counter[str]]:
        """Replace personal data in ``text``.

        Parameters
        ----------
        text : str
            Normalised text.
        detect : bool, default True
            Kept for callers of earlier versions: names are always looked for in the text being replaced
            (finding is deterministic, so a text given to :meth:`detect_names` first gets the same names).
            Call :meth:`detect_names` on all texts first to make a surname mentioned before its full name in
            another document consistent.

        Returns
        -------
        (str, Counter)
            The pseudonymised text and the number of replacements per category.
        """
        counts: Counter[str] = Counter()
        out, _ = self._replace_patterns(text, counts)
        out = self._replace_names(out, counts)
        return self._replace(out, find_birth_dates(out), counts), counts

    def _replace_names(self, text: str, counts: Counter[str]) -> str:
        spans = self._name_spans(text)
        chosen: list[Span] = []
        for sp in sorted(spans, key=lambda x: (-(x[1] - x[0]), x[0])):
            if all(sp[1] <= o[0] or sp[0] >= o[1] for o in chosen):
                chosen.append(sp)
        out = text
        for start, end, _ in sorted(chosen, reverse=True):
            value = _norm(text[start:end])
            ph = self._names.get(value) or self._names.get(_norm(_INITIALS_RE.sub("", text[start:end])))
            if ph is None:
                ph = self.placeholder("PERSOON", text[start:end])
            if ph != text[start:end]:
                counts["PERSOON"] += 1
                out = out[:start] + ph + out[end:]
        return out

    @staticmethod
    def is_placeholder(text: str) -> bool:
        """Return True if ``text`` is exactly one placeholder."""
        return bool(_PLACEHOLDER_RE.fullmatch(text))
