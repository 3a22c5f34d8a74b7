"""Tokens of a text and the questions the pseudonymiser's name rules ask about them.

:class:`Sentence` splits a text into words, numbers, placeholders and punctuation, and answers what a word is
(capitalised, a known first name, a tussenvoegsel, the start of a sentence) and what its context says (an
article before it, an institution after it, a person around it). The rules that use it are in
:mod:`.pseudonymise_names`; the word sets in :mod:`.pseudonymise_words`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import compress
from typing import NamedTuple

from wijkanalyse.ingest import pseudonymise_words as W

__all__ = ["Tok", "Sentence"]

# letters of the Latin scripts (Latin-1, Extended-A/B: ı ğ ş ł ś ż ...), upper and lower, built from Unicode
_LETTERS = "".join(chr(c) for c in range(0x41, 0x250) if chr(c).isalpha())
_UP = "".join(c for c in _LETTERS if c.isupper())
_LOW = "".join(c for c in _LETTERS if not c.isupper())
_UP_SET = frozenset(_UP)
_LOW_SET = frozenset(_LOW)
_L = f"[{re.escape(_LETTERS)}]"
_TOKEN_RE = re.compile(
    rf"\[[A-Z]+-\d+\]|['’]t\b|['’]s\b|{_L}+(?:['’]{_L}+)*(?:-{_L}+(?:['’]{_L}+)*)*|\d+|\n|\S"
)
#: words outside any name (:meth:`Sentence.not_a_name_word` without the keep list)
_NOT_NAME_SETS = (
    W.ORG_WORDS, W.ROLES, W.PERSONAL_TITLES, W.FIELD_LABELS, W.NOT_NAME_EXTRA
)  # fmt: skip
_LONG_HEADS = tuple(sorted(h for h in W.INSTITUTION_HEADS if len(h) >= 5))
#: at most this many distinct words keep their classes (:func:`_classes`); beyond it the memory starts again
WORD_MEMORY = 100_000


class Tok(NamedTuple):
    """One token: its text and its character offsets in the text."""

    text: str
    start: int
    end: int

    @property
    def low(self) -> str:
        """Return the token in lower case."""
        return self.text.lower()


class _Word(NamedTuple):
    """What a word is, whatever its sentence: computed once per distinct word (:func:`_classes`)."""

    low: str
    cap: bool  # capitalised: upper case, then lower case ("Jansen", "El-Amrani")
    caps: bool  # in capitals, three letters or more ("JANSEN")
    lower: bool  # starts with a lower-case letter
    first: bool  # a known first name, also hyphenated ("Jan-Willem")
    one_up: bool  # one capital letter (an initial when a full stop follows)
    maybe_first: bool  # a first name or its possessive ("Jans", "Fatima's"): what _first_name_spans looks at
    not_name: bool  # stop word, place, organisation or calendar word, role, title (the keep list aside)
    place: bool  # ends in a street, area or building word ("Frankplein"), not a known name
    org: bool  # ends like an organisation ("Buurtwerkgroep"), not a known name
    surname: bool  # a known surname
    context_start: bool  # capitalised, in capitals or a tussenvoegsel: what _context_names looks at
    newline: bool
    everyday: bool  # a very common Dutch word, no known first name or surname (W.everyday_words)


_MEMORY: dict[str, _Word] = {}
_MEMORY_LEX: list[W.Lexicon] = []
_EVERYDAY: list[frozenset[str]] = [frozenset()]


def _word(text: str, lex: W.Lexicon) -> _Word:
    low = text.lower()
    cap = text[0] in _UP_SET and len(text) >= 2 and any(c in _LOW_SET for c in text[1:])
    caps = len(text) >= 3 and text.isalpha() and text.isupper()
    first = low in lex.first or (len(parts := low.split("-")) > 1 and all(p in lex.first for p in parts))
    return _Word(
        low,
        cap,
        caps,
        text[0] in _LOW_SET,
        first,
        len(text) == 1 and text in _UP,
        first or low[:-2] in lex.first or low[:-1] in lex.first,
        _not_name(low, lex),
        _place_suffix(low, lex),
        low.endswith(W.ORG_SUFFIXES) and low not in lex.surnames and low not in lex.first,
        low in lex.surnames,
        cap or caps or low in W.TUSSEN_FIRST,
        text == "\n",
        low in _EVERYDAY[0],
    )


def _place_suffix(w: str, lex: W.Lexicon) -> bool:
    if w in lex.surnames or w in lex.first:
        return False
    return any(w.endswith(s) and len(w) > len(s) + 2 for s in W.PLACE_SUFFIXES)


def _not_name(low: str, lex: W.Lexicon) -> bool:
    return low in lex.stop or low in lex.places or any(low in s for s in _NOT_NAME_SETS)


@lru_cache(maxsize=16)
def _kept_phrases_re(keep: frozenset[str]) -> re.Pattern[str] | None:
    """Return one pattern for the phrases of more than one word in ``keep`` (None when there are none)."""
    phrases = sorted(k for k in keep if " " in k)
    if not phrases:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(k) for k in phrases) + r")(?!\w)")


def _classes(words: list[str], lex: W.Lexicon) -> list[_Word]:
    """Return the classes of ``words``, remembered per distinct word (for one lexicon at a time)."""
    if not _MEMORY_LEX or _MEMORY_LEX[0] is not lex or len(_MEMORY) > WORD_MEMORY:
        _MEMORY.clear()
        _MEMORY_LEX[:] = [lex]
        _EVERYDAY[0] = W.everyday_words(lex)
    out = list(map(_MEMORY.get, words))
    if None in out:
        for k, w in enumerate(words):
            if out[k] is None:
                out[k] = _MEMORY[w] = _MEMORY.get(w) or _word(w, lex)
    return out  # type: ignore[return-value]


class Sentence:
    """The tokens of a text with the questions the rules ask about them.

    Every word is classified once (:class:`_Word`, remembered across texts), so the questions the rules ask
    millions of times are look-ups in per-token tuples.
    """

    def __init__(self, text: str, lex: W.Lexicon, keep: frozenset[str]):
        self.text = text
        self.lex = lex
        self.keep = keep
        # the tokens' texts and offsets; between two tokens there is only white space (not "\n"), which no
        # token starts with, so each token is the first occurrence of its text after the one before it
        self.words: list[str] = _TOKEN_RE.findall(text)
        self.starts: list[int] = []
        self.ends: list[int] = []
        pos = 0
        find, starts, ends = text.find, self.starts, self.ends
        for w in self.words:
            pos = find(w, pos)
            starts.append(pos)
            pos += len(w)
            ends.append(pos)
        self.n = n = len(self.words)
        self.by_start = dict(zip(starts, range(n), strict=True))
        classes = _classes(self.words, lex)
        if n:
            cols = list(zip(*classes, strict=True))
            self._low, self._cap, self._caps, self._lower, self._first, self._one_up = cols[:6]
            self.maybe_first, self._not_name, self._place, self._org, self._sur = cols[6:11]
            self.context_start, self.newline, self._everyday = cols[11:]
        else:
            self._low = self._cap = self._caps = self._lower = self._first = self._one_up = ()
            self.maybe_first = self._not_name = self._place = self._org = self._sur = ()
            self.context_start = self.newline = self._everyday = ()
        self.lows: tuple[str, ...] = self._low
        self.one_up: tuple[bool, ...] = self._one_up

    def where(self, flags: tuple[bool, ...]) -> list[int]:
        """Return the indices of the tokens whose flag (one of the per-token tuples) is set."""
        return list(compress(range(self.n), flags))

    @property
    def toks(self) -> list[Tok]:
        """Return every token (made on demand: the rules use :attr:`words`, :attr:`starts`, :attr:`ends`)."""
        return [Tok(*t) for t in zip(self.words, self.starts, self.ends, strict=True)]

    def at(self, i: int) -> Tok:
        """Return token ``i`` (inside the text)."""
        return Tok(self.words[i], self.starts[i], self.ends[i])

    def tok(self, i: int) -> Tok | None:
        """Return token ``i``, or None outside the text."""
        return self.at(i) if 0 <= i < self.n else None

    def low(self, i: int) -> str:
        """Return token ``i`` in lower case (empty outside the text)."""
        return self._low[i] if 0 <= i < self.n else ""

    def initial(self, i: int) -> bool:
        """Return True when token ``i`` starts a sentence, a line, or a clause after a colon or bracket."""
        if i == 0:
            return True
        prev = self.words[i - 1]
        if prev in W.SENTENCE_END or prev in {",,", "'", "‘"}:
            # "Dhr. Yilmaz": a dot after an abbreviation or an initial does not end a sentence
            if prev == "." and i >= 2 and self._abbreviation(i - 2):
                return False
            return True
        return False

    def _abbreviation(self, i: int) -> bool:
        low, text = self._low[i], self.words[i]
        return low in W.PERSONAL_TITLES or (len(text) == 1 and text.isupper()) or low in {"st", "nr", "vs"}

    # shapes
    def cap(self, i: int) -> bool:
        """Return True for a capitalised word: upper case, then lower case (``Jansen``, ``El-Amrani``)."""
        return 0 <= i < self.n and self._cap[i]

    def caps(self, i: int) -> bool:
        """Return True for a word in capitals of three letters or more (``JANSEN``)."""
        return 0 <= i < self.n and self._caps[i]

    def lower(self, i: int) -> bool:
        """Return True when token ``i`` starts with a lower-case letter."""
        return 0 <= i < self.n and self._lower[i]

    def initial_letter(self, i: int) -> bool:
        """Return True for an initial: one capital letter followed by a dot (``J.``)."""
        return 0 <= i < self.n and self._one_up[i] and self.low(i + 1) == "."

    # what a word is
    def stopword(self, i: int) -> bool:
        """Return True when token ``i`` is a Dutch stop word."""
        return self.low(i) in self.lex.stop

    def not_a_name_word(self, i: int) -> bool:
        """Stop words, places, organisation and calendar words, roles, titles and the keep list."""
        if 0 <= i < self.n:
            return self._not_name[i] or self._low[i] in self.keep
        return _not_name("", self.lex) or "" in self.keep

    def first_name(self, i: int) -> bool:
        """Return True for a known first name, also hyphenated (``Jan-Willem``)."""
        return self._first[i] if 0 <= i < self.n else "" in self.lex.first

    def everyday(self, i: int) -> bool:
        """Return True for a very common Dutch word that is no known name (see ``surname_after``)."""
        return 0 <= i < self.n and self._everyday[i]

    def place_suffix(self, i: int) -> bool:
        """Return True when token ``i`` ends in a street, area or building word (``Frankplein``)."""
        return self._place[i] if 0 <= i < self.n else _place_suffix("", self.lex)

    def article_before(self, i: int) -> bool:
        """Return True when an article or determiner stands before token ``i``."""
        return self.low(i - 1) in W.ARTICLES

    def name_word(self, i: int) -> bool:
        """Return True for a capitalised (or all-capitals) word that may be part of a name."""
        if not (0 <= i < self.n and (self._cap[i] or self._caps[i])):
            return False
        if self._org[i]:
            return False  # "Energiecoöperatie", "Buurtwerkgroep", "Energieloket"
        return not (self._not_name[i] or self._low[i] in self.keep) or self._sur[i] or self._first[i]

    def surname_word(self, i: int) -> bool:
        """Return True for a capitalised word after a tussenvoegsel, even a common word (``Van der Meer``)."""
        if not (self.cap(i) or self.caps(i)):
            return False
        w = self.low(i)
        return not (w in self.lex.places or w in self.keep or w.split("-")[0] in W.INSTITUTION_HEADS)

    def tussen(self, i: int, place_ok: bool = False) -> int:
        """Return the number of tokens of a tussenvoegsel at ``i`` (``van der`` -> 2), 0 if none."""
        if self.low(i) not in W.TUSSEN_FIRST:
            return 0
        n = 0
        while self.low(i + n) in W.TUSSEN_WORDS and n < 3:
            if n == 0 and self.low(i) not in W.TUSSEN_FIRST:
                return 0
            n += 1
        if (
            n
            and self.cap(i + n)
            and W.norm(self.text[self.starts[i] : self.ends[i + n]]) in self.lex.surnames
        ):
            return n  # "ter Horst": a known surname, although Horst is also a place
        if n and place_ok and self.cap(i + n) and self.low(i + n) in self.lex.places:
            return n
        return n if n and (self.surname_word(i + n) or self.lower_name_word(i + n)) else 0

    def lower_name_word(self, i: int) -> bool:
        """Return True for a lower-case word that may be a surname after a tussenvoegsel (``de jong``)."""
        t = self.tok(i)
        return bool(t and t.text.isalpha() and t.text.islower() and len(t.text) >= 3 and not self.stopword(i))

    def surname_after(
        self, i: int, lower_ok: bool = False, place_ok: bool = False, extends: bool = False
    ) -> int:
        """Return the end (exclusive) of a surname at ``i`` (tussenvoegsels, up to 3 words), or ``i``.

        ``lower_ok``: a lower-case word after a tussenvoegsel counts (``mevr. de jong``); ``place_ok``: a
        place after a tussenvoegsel counts (``Theo van Ommen``: after a first name or a title it is a
        surname); ``extends``: the word at ``i`` would extend a name already begun (after a first name or a
        role).

        An everyday word (:func:`~.pseudonymise_words.everyday_words`: "Zeker", "Eerlijk", "Helaas") never
        extends a name without a tussenvoegsel before it: in a transcript without punctuation ("Marja Koster
        Zeker weten", "de wijkagent Eerlijk gezegd") it starts the next sentence.
        """
        j = i
        words = 0
        while words < 3:
            n = self.tussen(j, place_ok)
            k = j + n
            if (
                n
                and words
                and self.cap(k + 1)
                and (self.low(k + 1) in W.INSTITUTIONS or self.low(k + 1) in W.ORG_WORDS)
            ):
                break  # "Yvonne Dekker van Elan Wonen": "van" starts an organisation, not a double name
            word = self.surname_word(k) if n else self.name_word(k)
            if n and self.cap(k) and W.norm(self.text[self.starts[j] : self.ends[k]]) in self.lex.surnames:
                word = True
            if (
                n
                and place_ok
                and self.cap(k)
                and self.low(k) in self.lex.places
                and self.low(k) not in self.keep
            ):
                word = True
            if word and not n and (words or extends) and self.everyday(k):
                break
            if word and not self.place_suffix(k) or (lower_ok and n and self.lower_name_word(k)):
                j = k + 1
                words += 1
                if self.low(j) == "-" and self.name_word(j + 1):
                    j += 2
                continue
            break
        return j

    def keep_phrase(self, a: int, b: int, place_ok: bool = False) -> bool:
        """Return True when tokens ``a..b-1`` hold a word or phrase to keep (``place_ok``: surname_after)."""
        phrase = W.norm(self.text[self.starts[a] : self.ends[b - 1]])
        if phrase in self.keep or phrase in self.lex.places or phrase in W.BRANDS:
            return True
        kept = _kept_phrases_re(self.keep)
        if kept is not None and kept.search(phrase):
            return True  # a kept phrase inside the candidate ("Sociaal Wijkteam Noord")
        if any(phrase.endswith(" " + sn) or phrase == sn for sn in self._tussen_surnames(a, b)):
            return (
                False  # "F.J. ter Horst": a known surname with its tussenvoegsel, although Horst is a place
            )
        return any(
            self.low(k) in self.keep
            or self.low(k) in self.lex.places
            and not (place_ok and k > a and self.low(k - 1) in W.TUSSEN_WORDS)
            for k in range(a, b)
        )

    def _tussen_surnames(self, a: int, b: int) -> list[str]:
        """Known surnames with a tussenvoegsel among tokens ``a..b-1`` ("ter horst")."""
        out = []
        for k in range(a, b):
            n = self.tussen(k) if self.low(k) in W.TUSSEN_FIRST else 0
            if n and k + n < b:
                phrase = W.norm(self.text[self.starts[k] : self.ends[k + n]])
                if phrase in self.lex.surnames:
                    out.append(phrase)
        return out

    def blocked(self, a: int, b: int, place_ok: bool = False) -> bool:
        """Return True when the sentence says tokens ``a..b-1`` are not a person (see module docstring)."""
        if self.article_before(a):
            return True
        before = self.low(a - 1)
        if before.endswith(_LONG_HEADS):
            return True  # "wijkcentrum De Til", "Buurthuis Anna": the name of a building
        if self.place_suffix(b - 1) or self.keep_phrase(a, b, place_ok):
            return True
        if any(
            self.low(k).split("-")[0] in W.INSTITUTION_HEADS
            or self.low(k).split("-")[-1] in W.INSTITUTION_HEADS
            for k in range(a, b)
        ):
            return True
        nxt = self.low(b)
        if (
            nxt in W.INSTITUTIONS
            and (self.cap(b) or self.caps(b))
            or (nxt == "-" and self.tok(b + 1) is not None and self.ends[b] == self.starts[b + 1])
        ):
            return True
        if self.cap(b) and self.place_suffix(b):
            return True  # "Frans Halsbuurt" where "Frans Hals" was taken as a name
        if (self.cap(b) or self.caps(b)) and (nxt in self.lex.places or nxt in self.keep):
            return True  # "Woonzorg Nederland", "Politie Kennemerland": an organisation with its region
        if b - a == 1 and self.low(a) == "jan" and any(self.low(k) in W.MONTHS for k in range(b, b + 4)):
            return True  # "Jan t/m maart": January (not "Jan de Vries | april": a full name stays a name)
        return False

    def person_context(self, a: int, b: int) -> bool:
        """Return True when the words around tokens ``a..b-1`` show a person (ambiguous, lower-case names)."""
        prev, nxt = self.low(a - 1), self.low(b)
        if (
            prev in W.BEFORE_PERSON
            or prev in W.ROLES
            or prev in W.PERSONAL_TITLES
            or prev == ","
            and self.low(a - 2)
            in {
                "groetjes",
                "groet",
                "groeten",
                "bedankt",
            }
        ):
            return True
        if prev == "." and self.low(a - 2) in W.PERSONAL_TITLES:
            return True
        if self.low(a - 2) == "ik" and prev in {"ben", "heet"} or self.low(a - 2) == "naam" and prev == "is":
            return True
        if nxt in W.PERSON_VERBS or nxt in {"'s", "’s"}:
            return True
        if nxt == "van" and (
            self.low(b + 1) in {"de", "het", "nummer", "groep", "mijn", "ons", "onze"} or self.cap(b + 1)
        ):
            return True
        if (
            nxt == "uit"
            and self.low(b + 1) in {"de", "het"}
            and self.low(b + 2) in {"buurt", "straat", "flat", "wijk"}
        ):
            return True
        if nxt in {"en", "of", ","} and (
            self.low(b + 1) in {"haar", "zijn", "hun", "ik", "mijn"}
            or self.cap(b + 1)
            and self.first_name(b + 1)
        ):
            return True
        if (
            prev in {"en", "of", ","}
            and self.cap(a - 2)
            and self.first_name(a - 2)
            and not self.initial(a - 2)
        ):
            return True
        if prev in {"en", "of"} and self.cap(a - 2) and self.first_name(a - 2) and nxt in W.PERSON_VERBS:
            return True
        if nxt == ":" and self.initial(a):
            return True
        if (
            nxt == ","
            and self.low(b + 1) in {"de", "het", "een", "onze", "mijn"}
            and self.low(b + 2) in W.ROLES
        ):
            return True
        return nxt == "," and self.low(b + 1) in W.ROLES

    def subject_verb(self, i: int, speech: bool = False, single: bool = False) -> bool:
        """Return True when token ``i`` is a singular verb whose subject is what stands before it.

        Not when a subject follows the verb: "Tegelijk zegt hij" (an adverb first, then verb and subject);
        after a ``single`` word not either when an article follows ("Daarom vroeg de wethouder ...").
        """
        verbs = W.SPEECH_VERBS if speech else W.SINGULAR_VERBS
        after = self.low(i + 1)
        return (
            self.low(i) in verbs
            and after not in W.PRONOUNS
            and not (single and after in {"de", "een", "men"})
        )

    def coordinated(self, a: int, b: int) -> bool:
        """Return True when tokens ``a..b-1`` are in a list with a known first name (``Piet en Ola``)."""
        before = self.low(a - 1) in {"en", ","} and self.cap(a - 2) and self.first_name(a - 2)
        after = self.low(b) == "en" and self.cap(b + 1) and self.first_name(b + 1)
        return before or after

    def role_predicate(self, i: int) -> bool:
        """Return True when a role follows token ``i - 1``: ``is de nieuwe jongerenwerker``."""
        if self.low(i) not in {"is", "was", "wordt", "blijft"} or self.low(i + 1) not in {
            "de",
            "een",
            "onze",
            "hun",
        }:
            return False
        j = i + 2
        if self.lower(j) and self.low(j + 1) in W.ROLES:
            j += 1  # an adjective: "de nieuwe jongerenwerker"
        return self.low(j) in W.ROLES

    def verb_use(self, a: int, b: int) -> bool:
        """Return True when an ambiguous first name is a word here (``Wil je``, ``Mark de datum``)."""
        nxt = self.low(b)
        if nxt in W.PRONOUNS and self.initial(a):
            return True
        if nxt == "." and self.tok(b + 1) is not None and self.words[b + 1][0].isdigit():
            return True
        if (
            self.initial(a)
            and nxt in W.FUNCTION_AFTER
            and not (nxt == "en" and (self.low(b + 1) in {"haar", "zijn", "hun"} or self.cap(b + 1)))
        ):
            return True
        return (
            nxt == "en" and self.lower(b + 1) and self.low(b + 1) not in {"haar", "zijn", "hun", "ik", "mijn"}
        )
