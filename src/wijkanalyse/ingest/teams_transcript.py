"""Meeting transcripts saved as Word or text: a line ``Name   0:03`` before what that speaker said.

Microsoft Teams offers a meeting's transcript as ``.vtt`` (read by the caption reader) and as ``.docx``, and
researchers often keep the ``.docx`` or paste it into a ``.txt``. There every turn is a line with the
speaker's name and the time since the start (``Anneke Visser 0:15``, ``Henk Mulder 1:02:10``), followed by one
or more paragraphs of what was said; a title, the date and the duration come first, and lines such as ``Anneke
Visser started transcription`` mark events. Read as plain paragraphs, every name-and-time line would be a
segment of its own and no turn would have a speaker.

:func:`transcript_turns` recognises the layout — at least three name-and-time lines, making up at least a
quarter of the paragraphs, each followed by text — and returns the turns as the caption reader does: one
block per turn (``unit="turn"``), the speaker's name (pseudonymised later, with the role from the metadata's
``speakers`` or the label), the start time as ``HH:MM:SS``; consecutive turns of one speaker are joined. What
stands before the first turn (title, date, duration) and transcription events are left out.
"""

from __future__ import annotations

import re

from wijkanalyse.ingest.text_blocks import Block

__all__ = ["transcript_turns"]

_SPEAKER_LINE = re.compile(r"^(?P<name>[^\W\d_][\w'’.\- ]{0,60}?)\s+(?P<time>(?:\d{1,2}:)?\d{1,2}:\d{2})$")
_EVENT = re.compile(
    r"\b(?:started|stopped|ended) transcription\b|\btranscriptie (?:gestart|gestopt|beëindigd)\b", re.I
)
_MIN_TURNS = 3
_MIN_SHARE = 0.25


def _clock(time: str) -> str:
    """Return ``m:ss`` or ``h:mm:ss`` as ``HH:MM:SS``.

    Examples
    --------
    >>> _clock("0:03"), _clock("1:02:10")
    ('00:00:03', '01:02:10')
    """
    parts = [int(p) for p in time.split(":")]
    h, m, s = ([0] * (3 - len(parts)) + parts)[-3:]
    return f"{h:02d}:{m:02d}:{s:02d}"


def transcript_turns(paragraphs: list[str]) -> list[Block] | None:
    """Return the turns of a transcript laid out as ``Name   time`` lines, or None for any other text.

    Parameters
    ----------
    paragraphs : list of str
        The non-empty paragraphs (or lines) of the document, whitespace normalised.

    Returns
    -------
    list of Block or None

    Examples
    --------
    >>> lines = ["Overleg-20250318", "18 maart 2025", "Anneke Visser 0:15", "De bus rijdt te weinig.",
    ...          "Henk Mulder 1:02", "Eens.", "Henk Mulder 1:10", "Het fietspad is smal.",
    ...          "Anneke Visser 2:00", "Dank u."]
    >>> [(b.speaker, b.time_start, b.text) for b in transcript_turns(lines)]  # doctest: +NORMALIZE_WHITESPACE
    [('Anneke Visser', '00:00:15', 'De bus rijdt te weinig.'),
     ('Henk Mulder', '00:01:02', 'Eens. Het fietspad is smal.'), ('Anneke Visser', '00:02:00', 'Dank u.')]
    >>> transcript_turns(["Pauze 20:30", "Daarna verder."]) is None
    True
    """
    marks = [(i, m) for i, p in enumerate(paragraphs) if (m := _SPEAKER_LINE.match(p))]
    if len(marks) < _MIN_TURNS or len(marks) < _MIN_SHARE * len(paragraphs):
        return None
    turns: list[Block] = []
    for k, (i, m) in enumerate(marks):
        end = marks[k + 1][0] if k + 1 < len(marks) else len(paragraphs)
        said = [p for p in paragraphs[i + 1 : end] if not _EVENT.search(p)]
        if not said:
            continue
        speaker, text = m.group("name").strip(), " ".join(said)
        if turns and turns[-1].speaker == speaker:
            turns[-1].text += " " + text
        else:
            turns.append(Block(text=text, unit="turn", speaker=speaker, time_start=_clock(m.group("time"))))
    return turns if len(turns) >= 2 else None
