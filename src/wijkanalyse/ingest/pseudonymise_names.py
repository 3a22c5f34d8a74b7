"""Person names for the pseudonymiser: the rules that find a name, and the check before replacing one.

A name is found by a rule that sees a person in the sentence, not by a list alone (so a place, a street, a
firm or a verb that happens to be a first name stays):

* a **title or relation** before it: ``mevrouw Bakker``, ``dhr. T. Çelik``, ``mevr. de jong``, ``wethouder
  Koster``, ``mijn buurvrouw Ria``, ``De voorzitter, Paul de Groot,`` (a role before ``van`` + a place is the
  place: ``de burgemeester van Utrecht``);
* **initials** before a surname: ``J. de Vries``, ``A.M. van den Berg``;
* a **known first name** (``data/voornamen.txt``) with whatever surname follows (tussenvoegsels, two-part
  names, any script: ``Juan Carlos Rodríguez``, ``Małgorzata Wiśniewska``), its possessive (``Jans fiets``,
  ``Fatima's zoon``), lower case where the context shows a person (``met jan van nummer 12``);
* a **speaker prefix** at the start of a line (``Roy Linger: ...``) and **lists** after a head such as
  ``Aanwezig:``, ``Naam:``, ``Contactpersoon:``;
* **context words** before an unknown name: ``met``/``aan``/``volgens``/``zei``/``Beste``/``Groetjes,``/``Ik
  ben``/``Mijn naam is``; a capitalised ``De``/``Van`` inside a sentence (``volgens De Boer``); a known
  surname (``data/achternamen.txt``) inside a sentence; two or three capitalised unknown words in a row where
  a person can stand (``met Zhang Wei``, ``Tesfay Gebremedhin zegt``).

And a candidate is dropped when the sentence says it is not a person: an article before it (``de Albert
Heijn``, ``bij de Dirk``), a street or area word at its end (``Anne Frankplein``, ``Frans Halsbuurt``), an
institution after it (``Frans Hals Museum``), a place (``data/plaatsen.txt``) or a word of the ``keep`` list.
First names that are also words (``data/voornamen_ook_woord.txt``: *Wil*, *Ben*, *Mark*, *Roos*, *Max*)
need a person in the context (``Mark van de wijkraad``, ``Roos en haar man``, ``met Bas``) and are left when a
pronoun, article or preposition follows them (``Wil je``, ``Mark de datum``, ``Max. 25``).

A name never runs on into an everyday Dutch word that is no known name (``wordfreq``'s Dutch frequencies,
:func:`~.pseudonymise_words.everyday_words`): in a transcript without punctuation, "Marja Koster Zeker weten"
is the name and the next sentence, "de wijkagent Eerlijk gezegd ..." names no one. After a title of address
(``mevrouw Zeker``) and after a tussenvoegsel (``de Groot``) the word is still the name.

The lists were written for this project (no external list is copied); ``deduce``'s larger lookup lists are
not used because deduce is not a dependency (see :mod:`wijkanalyse.ingest.pseudonymise`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from wijkanalyse.ingest import pseudonymise_words as W
from wijkanalyse.ingest.pseudonymise_tokens import Sentence

__all__ = ["NameSpan", "NameText"]

_LIST_RE = re.compile(rf"(?:^|(?<=[\n.;]\s)|(?<=\n)){W.LIST_HEADS}\s*:\s*([^:\n]+)")


@dataclass(frozen=True)
class NameSpan:
    """A name found in a text.

    ``kind`` is ``full`` (first name + surname), ``first``, ``surname`` or ``initials`` (initials + surname).
    """

    start: int
    end: int
    kind: str


_LIST_NAME_HEADS = frozenset(
    "naam aanvrager contactpersoon contact melder cliënt client notulist verslaglegging verslag voorzitter "
    "secretaris penningmeester gespreksleider auteur afzender interviewer geïnterviewde huurder "
    "eigenaar".split()
)
_NOT_SELF_NAME_ENDINGS = ("er", "s", "se", "sche", "ees", "aan", "aans", "ische", "lands")


#: Titles written abbreviated, whose full stop a name follows ("dhr. Jansen", "mevr. de Jong", "dr. Bakker").
_ABBREVIATED_TITLES = frozenset("mevr mw dhr mr dr drs ir ing prof ds".split())
#: the words _title_names starts from
_TITLE_WORDS = W.PERSONAL_TITLES | W.ROLES | {"heer"}


def _span(s: Sentence, a: int, b: int, kind: str) -> NameSpan:
    return NameSpan(s.starts[a], s.ends[b - 1], kind)


def _kind(s: Sentence, a: int, b: int) -> str:
    if s.initial_letter(a):
        return "initials"
    return "full" if b - a >= 2 and s.first_name(a) else ("first" if s.first_name(a) else "surname")


def _title_names(s: Sentence) -> list[NameSpan]:
    """Find ``mevrouw Bakker``, ``dhr. T. Çelik``, ``mevr. de jong``, ``wethouder Koster``, ``zus Ria``."""
    out = []
    for i, w in enumerate(s.lows):
        if w not in _TITLE_WORDS:
            continue
        personal = w in W.PERSONAL_TITLES or (w == "heer" and s.low(i - 1) == "de")
        if not personal and w not in W.ROLES:
            continue
        j = i + 1
        # the full stop of an abbreviation ("dhr. Jansen"); after a word it ends the sentence ("met de
        # buurman. Zeker weten."), and what follows is no name of the buurman
        if (s.low(j) == "." and w in _ABBREVIATED_TITLES) or (not personal and s.low(j) == ","):
            j += 1
        k = j
        while s.initial_letter(k):
            k += 2
        if not personal and s.low(k) == "van" and s.words[k] == "van":
            if W.norm(f"van {s.low(k + 1)}") not in s.lex.surnames:
                continue  # "de burgemeester van Utrecht", "jongerenwerker van Dock": a place or a firm
        end = s.surname_after(k, lower_ok=personal, place_ok=personal, extends=not personal)
        if end == k and k > j:
            continue
        if (
            end > k
            and not s.keep_phrase(k, end, personal)
            and not s.place_suffix(end - 1)
            and not (s.cap(end) and s.low(end) in W.INSTITUTIONS)
        ):
            if not personal and not (s.cap(k) or s.caps(k) or s.tussen(k)):
                continue
            if k > j:
                kind = "initials"
            elif end - k >= 2 and s.cap(k) and not s.tussen(k):
                kind = "full"  # "Mevrouw Dinie Bolhuis": a first name (known or not) and a surname
            else:
                kind = _kind(s, k, end)
            out.append(_span(s, k if k == j else j, end, kind))
    return out


def _initials_names(s: Sentence) -> list[NameSpan]:
    """``J. de Vries``, ``A.M. van den Berg``, ``B. Şahin``."""
    out = []
    for i in s.where(s.one_up):
        if not s.initial_letter(i) or s.initial_letter(i - 2):
            continue
        k = i
        while s.initial_letter(k):
            k += 2
        end = s.surname_after(k)
        if end > k and not s.keep_phrase(k, end) and not s.place_suffix(end - 1):
            out.append(_span(s, i, end, "initials"))
    return out


def _possessive_base(s: Sentence, i: int) -> int:
    """Return the characters to drop from token ``i`` when it is a possessive (``Jans``, ``Fatima's``)."""
    t = s.at(i)
    if t.text[-2:] in {"'s", "’s"} and t.low[:-2] in s.lex.first:
        return 2
    nxt = s.low(i + 1)
    if (
        s.cap(i)
        and t.text.endswith("s")
        and t.low[:-1] in s.lex.first
        and s.lower(i + 1)
        and nxt not in W.PERSON_VERBS
        and nxt not in s.lex.stop
    ):
        return 1
    return 0


def _first_name_spans(s: Sentence) -> list[NameSpan]:
    """Find a known first name and its surname; ambiguous and lower-case ones only in a person context."""
    out = []
    skip_to = 0
    for i in s.where(s.maybe_first):
        t = s.at(i)
        if i < skip_to or not (s.cap(i) or s.caps(i) or s.lower(i)):
            continue
        cut = 0 if s.first_name(i) else _possessive_base(s, i)
        if not cut and not s.first_name(i):
            continue
        end = i + 1 if cut else s.surname_after(i + 1, place_ok=True, extends=True)
        if s.blocked(i, end, place_ok=True):
            skip_to = end  # "Het Anne Frank Huis": no name inside it either
            continue
        base = t.low[:-cut] if cut else t.low
        if cut:
            out.append(NameSpan(t.start, t.end - cut, "first"))
        elif s.lower(i):
            digit_before = s.tok(i - 1) is not None and s.words[i - 1].isdigit()
            if base not in s.lex.ambiguous and not digit_before and s.person_context(i, end):
                out.append(_span(s, i, end, _kind(s, i, end)))
        elif end - i >= 2:
            out.append(_span(s, i, end, "full"))
        elif base in s.lex.ambiguous or s.caps(i):
            if s.verb_use(i, end):
                continue
            if not s.initial(i) and s.cap(i) or s.person_context(i, end):
                out.append(_span(s, i, end, "first"))
        else:
            out.append(_span(s, i, end, "first"))
    return out


def _speaker_names(s: Sentence) -> list[NameSpan]:
    """``Roy Linger: ...`` at the start of the text or of a line."""
    out = []
    for i in [0, *(j + 1 for j in s.where(s.newline))]:
        if i >= s.n:
            continue
        k = i
        while k < i + 6 and (s.name_word(k) or s.tussen(k) or s.initial_letter(k) or s.low(k) == "."):
            k += 1
        if k == i or s.low(k) != ":" or not s.name_word(k - 1):
            continue
        words = [j for j in range(i, k) if s.name_word(j)]
        known = any(s.first_name(j) or s.low(j) in s.lex.surnames for j in words)
        if (known or len(words) >= 2) and not s.keep_phrase(i, k) and not s.place_suffix(k - 1):
            out.append(_span(s, i, k, _kind(s, i, k)))
    return out


def _list_names(s: Sentence) -> list[NameSpan]:
    """Names in a list after a head such as ``Aanwezig:`` or ``Naam:``."""
    out = []
    for m in _LIST_RE.finditer(s.text):
        head = m.group(0).split(":")[0].strip().lower()
        value = re.split(r"(?<![\s.][A-Z])\.(?=\s|$)", m.group(1))[0]
        pos = m.start(1)
        for item in re.finditer(r"[^,;&]+", value):
            for part in re.split(r"\s+en\s+", item.group(0)):
                offset = pos + item.start() + item.group(0).find(part)
                out += _list_item(s, part, offset, head)
    return out


def _list_item(s: Sentence, part: str, offset: int, head: str) -> list[NameSpan]:
    core = re.sub(r"\s*\(.*$", "", part).strip().rstrip(".")
    if not core:
        return []
    a = s.by_start.get(offset + part.find(core))
    if a is None:
        return []
    b = a
    while b < s.n and s.ends[b] <= offset + part.find(core) + len(core):
        b += 1
    while a < b and (
        s.low(a) in W.PERSONAL_TITLES
        or s.low(a) in {"de", "heer", "."}
        and s.low(a + 1) != ""
        and (s.low(a) != "de" or s.low(a + 1) == "heer")
    ):
        a += 1
    if a >= b:
        return []
    ok = all(
        s.name_word(j) or s.low(j) in W.TUSSEN_WORDS or s.initial_letter(j) or s.low(j) in {".", "-"}
        for j in range(a, b)
    )
    words = [j for j in range(a, b) if s.name_word(j)]
    known = any(s.first_name(j) or s.low(j) in s.lex.surnames for j in words)
    if ok and words and (len(words) >= 2 or known or head in _LIST_NAME_HEADS or s.initial_letter(a)):
        if not s.keep_phrase(a, b) and not s.place_suffix(b - 1):
            return [_span(s, a, b, _kind(s, a, b))]
    return []


def _context_names(s: Sentence) -> list[NameSpan]:
    """Unknown names in a person's context, known surnames, a capitalised ``De``/``Van``, capitalised runs."""
    out = []
    skip_to = 0
    for i in s.where(s.context_start):
        if i < skip_to or s.first_name(i) or not (s.cap(i) or s.caps(i) or s.tussen(i)):
            continue
        prev, prev2 = s.low(i - 1), s.low(i - 2)
        n = s.tussen(i)
        if n and s.cap(i - 1) and not s.initial(i - 1) and not s.not_a_name_word(i - 1):
            continue  # "Wijkcentrum De Til": a capitalised word before "De" makes it a proper name of a thing
        if n and not (s.cap(i) and not s.initial(i)):
            if not (
                s.initial(i) and s.low(i + n) in s.lex.surnames and s.subject_verb(i + n + 1, single=True)
            ):
                continue
        if n and not s.initial(i):
            # "De Oostpost", "wijkraad Ter Kleef": things are named "De ..." as often as people; a known
            # surname or a person's context is needed ("volgens De Boer"; "wethouder De Groot": title rule)
            phrase = W.norm(s.text[s.starts[i] : s.ends[i + n]])
            if (
                phrase not in s.lex.surnames
                and s.low(i - 1) not in W.STRONG_BEFORE
                and not s.subject_verb(i + n + 1)
            ):
                continue
        if not n and not s.name_word(i):
            continue
        end = s.surname_after(i)
        if end == i:
            continue
        if s.blocked(i, end):
            skip_to = end
            continue
        single = end - i == 1
        strong = (
            prev in W.STRONG_BEFORE
            or (prev2, prev) in {("ik", "ben"), ("naam", "is"), ("ik", "heet"), ("dank", "aan")}
            or prev == ","
            and prev2 in {"groetjes", "groet", "groeten", "bedankt"}
            or s.coordinated(i, end)
        )
        if (prev2, prev) == ("ik", "ben") and single and s.low(i).endswith(_NOT_SELF_NAME_ENDINGS):
            continue
        surname = (
            s.low(i) in s.lex.surnames or W.norm(s.text[s.starts[i] : s.ends[end - 1]]) in s.lex.surnames
        )
        initial = s.initial(i)
        runs = not single and all(s.cap(j) or s.low(j) in W.TUSSEN_WORDS for j in range(i, end))
        if (
            strong
            or n
            or (surname and (not initial or s.subject_verb(end, single=single)))
            or (runs and not initial and not s.cap(i - 1) and not s.caps(i - 1))
            or (runs and initial and s.subject_verb(end))
            or (
                single
                and initial
                and s.cap(i)
                and (s.subject_verb(end, speech=True, single=True) or s.role_predicate(end))
            )
        ):
            out.append(_span(s, i, end, _kind(s, i, end)))
    return out


def _longest(spans: list[NameSpan]) -> list[NameSpan]:
    """Drop spans inside or overlapping a longer one (the earlier one wins a tie)."""
    out: list[NameSpan] = []
    for sp in sorted(spans, key=lambda x: (-(x.end - x.start), x.start)):
        if all(sp.end <= o.start or sp.start >= o.end for o in out):
            out.append(sp)
    return sorted(out, key=lambda x: x.start)


class NameText:
    """One text, tokenised once, for finding names and for checking a known name before replacing it.

    Parameters
    ----------
    text : str
        The text (other personal data already replaced by placeholders).
    keep : set of str
        Lower-case words and phrases that are never a person (the corpus's places and wijken, ...).
    """

    def __init__(self, text: str, keep: frozenset[str] = frozenset()):
        self._s = Sentence(text, W.lexicon(), keep)
        self._by_end = dict(zip(self._s.ends, range(self._s.n), strict=True))

    def names(self) -> list[NameSpan]:
        """Return the names the rules find in the text (the longest where they overlap)."""
        s = self._s
        spans = _list_names(s) + _speaker_names(s) + _title_names(s) + _initials_names(s)
        spans += _first_name_spans(s) + _context_names(s)
        return _longest(spans)

    def known_here(self, start: int, end: int) -> bool:
        """Return True when a name already in the key, found at ``start:end``, stands for a person here."""
        s = self._s
        a, b = s.by_start.get(start), self._by_end.get(end)
        if a is None or b is None:
            return False
        b += 1
        if s.blocked(a, b) or s.low(b) == "-" or s.low(a - 1) == "-":
            return False
        if all(s.lower(j) or not s.words[j][0].isalpha() for j in range(a, b)):
            # lower case ("jan", "de jong"): a first name or a full name, with a person around it
            digit_before = s.tok(a - 1) is not None and s.words[a - 1].isdigit()
            known_form = b - a >= 2 or (s.low(a) in s.lex.first and s.low(a) not in s.lex.ambiguous)
            return known_form and not digit_before and s.person_context(a, b)
        if b - a == 1 and (s.low(a) in s.lex.ambiguous or s.stopword(a) or s.caps(a)):
            if s.verb_use(a, b):
                return False
            return (not s.initial(a) and s.cap(a)) or s.person_context(a, b)
        return True
