"""The segment text of the coding widget as a small custom widget that reports the researcher's selection.

ipywidgets alone cannot do this: its ``HTML`` widget does not sync anything back, and ``Textarea`` syncs its
value but not the selection. :class:`SpanSelector` is an `anywidget <https://anywidget.dev>`_ widget: a few
lines of JavaScript show the text before the segment, the segment and the text after it; when the researcher
selects text (mouse or keyboard) inside the segment, it sets ``selection`` to ``[start, end]`` — 0-based,
end-exclusive offsets in Unicode code points into the segment's text, as Python indexes it (the selection is
clipped to the segment; a plain click in the texts clears it to ``[]``; a selection elsewhere in the page
leaves it as it was). The spans already coded
are highlighted (``spans``: ``[[start, end, label], ...]``). The offsets are those of
:func:`wijkanalyse.review.decisions.add_span_coding`.
"""

from __future__ import annotations

from typing import Any

import anywidget
import traitlets

__all__ = ["SpanSelector"]

_ESM = r"""
function codePoints(s) { return Array.from(s || ""); }

function render({ model, el }) {
  const wrap = document.createElement("div");
  wrap.className = "wijk-span-selector";
  const before = document.createElement("div");
  before.className = "wijk-context";
  const seg = document.createElement("div");
  seg.className = "wijk-segment";
  const after = document.createElement("div");
  after.className = "wijk-context";
  wrap.append(before, seg, after);
  el.appendChild(wrap);

  function draw() {
    before.textContent = model.get("before") || "";
    after.textContent = model.get("after") || "";
    const chars = codePoints(model.get("text"));
    const spans = (model.get("spans") || []).filter((s) => s[0] < s[1]);
    const cuts = new Set([0, chars.length]);
    for (const s of spans) { cuts.add(Math.max(0, s[0])); cuts.add(Math.min(chars.length, s[1])); }
    const bounds = Array.from(cuts).sort((a, b) => a - b);
    seg.replaceChildren();
    for (let i = 0; i + 1 < bounds.length; i++) {
      const a = bounds[i], b = bounds[i + 1];
      const piece = chars.slice(a, b).join("");
      const covering = spans.filter((s) => s[0] <= a && s[1] >= b);
      if (covering.length) {
        const mark = document.createElement("mark");
        mark.textContent = piece;
        mark.title = covering.map((s) => s[2]).join(", ");
        seg.appendChild(mark);
      } else {
        seg.appendChild(document.createTextNode(piece));
      }
    }
  }

  // offset (UTF-16 units) of a DOM position inside the segment, from the segment's start
  function unitsTo(node, offset) {
    const r = document.createRange();
    r.selectNodeContents(seg);
    r.setEnd(node, offset);
    return r.toString().length;
  }

  // [start, end] of the selection clipped to the segment (code points), [] when it misses the segment
  function selected() {
    const sel = window.getSelection();
    if (!sel || !sel.rangeCount || sel.isCollapsed) return [];
    const range = sel.getRangeAt(0);
    const whole = document.createRange();
    whole.selectNodeContents(seg);
    const overlaps = range.compareBoundaryPoints(Range.END_TO_START, whole) < 0
      && range.compareBoundaryPoints(Range.START_TO_END, whole) > 0;
    if (!overlaps) return [];
    const text = seg.textContent;
    const startsBefore = range.compareBoundaryPoints(Range.START_TO_START, whole) < 0;
    const endsAfter = range.compareBoundaryPoints(Range.END_TO_END, whole) > 0;
    const s16 = startsBefore ? 0 : unitsTo(range.startContainer, range.startOffset);
    const e16 = endsAfter ? text.length : unitsTo(range.endContainer, range.endOffset);
    const start = codePoints(text.slice(0, s16)).length;
    const end = codePoints(text.slice(0, e16)).length;
    return end > start ? [start, end] : [];
  }

  function send(value) {
    const old = model.get("selection") || [];
    if (old.length !== value.length || old.some((v, i) => v !== value[i])) {
      model.set("selection", value);
      model.save_changes();
    }
  }

  let timer = null;
  // a selection that touches the segment is sent (also when the mouse is let go outside the widget); a
  // selection elsewhere, or a click on a button, keeps the last one, which Python shows beside the button
  function onSelectionChange() {
    clearTimeout(timer);
    timer = setTimeout(() => { const v = selected(); if (v.length) send(v); }, 120);
  }
  // a plain click in the texts clears the selection
  function onMouseUp() { setTimeout(() => send(selected()), 0); }

  draw();
  model.on("change:text", draw);
  model.on("change:before", draw);
  model.on("change:after", draw);
  model.on("change:spans", draw);
  document.addEventListener("selectionchange", onSelectionChange);
  wrap.addEventListener("mouseup", onMouseUp);
  wrap.addEventListener("keyup", onMouseUp);
  return () => {
    clearTimeout(timer);
    document.removeEventListener("selectionchange", onSelectionChange);
  };
}
export default { render };
"""

_CSS = """
.wijk-span-selector { width: 100%; }
.wijk-span-selector .wijk-context { color: #777; white-space: pre-wrap; }
.wijk-span-selector .wijk-segment {
  font-size: 1.1em; margin: .4em 0; padding: .4em; border-left: 4px solid #4C78A8; white-space: pre-wrap;
  user-select: text; cursor: text;
}
.wijk-span-selector mark { background: #FDE68A; }
"""


class SpanSelector(anywidget.AnyWidget):  # type: ignore[misc]  # anywidget ships no type information
    """A segment's text between its context; ``selection`` holds the researcher's selection in it.

    Attributes
    ----------
    text, before, after : str
        The segment's text and the texts before and after it.
    spans : list of [int, int, str]
        Coded spans to highlight: start, end (code points, end exclusive) and a label shown on hover.
    selection : list of int
        ``[start, end]`` of the selection in ``text`` (set by the browser), ``[]`` when nothing is selected.
    """

    _esm = _ESM
    _css = _CSS
    text = traitlets.Unicode("").tag(sync=True)
    before = traitlets.Unicode("").tag(sync=True)
    after = traitlets.Unicode("").tag(sync=True)
    spans: traitlets.List[list[Any]] = traitlets.List([]).tag(sync=True)
    selection: traitlets.List[int] = traitlets.List([]).tag(sync=True)
