"""The summary chart: stances opening → closing, and participation per question (PNG).

Drawn with matplotlib's object API (Figure and the Agg canvas, no pyplot), as matplotlib advises
for servers: no global figure state, safe in a worker thread, no display needed. Importing this
module loads matplotlib, so callers import it only when they draw a chart.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from roundtable.summaries.model import Discussion, Summary

# Discord shows the PNG on its dark theme (#313338) or its light one (#ffffff). The background is
# transparent, and every colour drawn has a relative luminance between about 0.2 and 0.3, so that
# it keeps a contrast of at least 3:1 (WCAG's for graphics) against both.
INK = "#8a8a8a"  # text, axes and ticks
OPENING = "#8f8f8f"
CLOSING = "#5c7cfa"
CONTRIBUTIONS = "#2f9e44"
LABEL_CHARS = 34


def short_label(n: int, question: str) -> str:
    """ "2. The training cost of just under…": the question's own words, cut at a word."""
    text = " ".join(question.split())
    if len(text) > LABEL_CHARS:
        text = text[: LABEL_CHARS + 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return f"{n}. {text}"


def participation(d: Discussion) -> tuple[list[str], list[int]]:
    labels = [short_label(n, q) for n, q in enumerate(d.questions, 1)] + ["Thread replies"]
    counts = [
        sum(1 for c in d.contributions if c.question == n) for n in range(1, len(d.questions) + 1)
    ]
    counts.append(sum(1 for c in d.contributions if c.question is None))
    return labels, counts


def _plain(axes: Axes) -> None:
    """No box, no background: ink-coloured ticks on a transparent panel."""
    axes.set_facecolor("none")
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        axes.spines[side].set_color(INK)
    axes.tick_params(colors=INK, labelcolor=INK)


def _stances(axes: Axes, summary: Summary) -> None:
    labels = list(summary.stances)
    opening = [summary.stances[label][0] for label in labels]
    closing = [summary.stances[label][1] for label in labels]
    axes.set_title("Members' stances", loc="left", fontsize=11, color=INK)
    if not any(opening) and not any(closing):
        # An honest panel, not an empty axis running from -0.04 to 0.04 "members".
        axes.set_axis_off()
        axes.text(0.5, 0.5, "Nobody took a stance", ha="center", va="center", color=INK,
                  fontsize=12, transform=axes.transAxes)  # fmt: skip
        return
    _plain(axes)
    y = range(len(labels))
    axes.barh([i - 0.2 for i in y], opening, height=0.4, color=OPENING, label="opening")
    axes.barh([i + 0.2 for i in y], closing, height=0.4, color=CLOSING, label="closing")
    axes.set_yticks(list(y), labels)
    axes.invert_yaxis()
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    legend = axes.legend(
        frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, borderaxespad=0
    )
    for text in legend.get_texts():
        text.set_color(INK)


def _contributions(axes: Axes, d: Discussion) -> None:
    names, counts = participation(d)
    axes.set_title("Answers and replies per question", loc="left", fontsize=11, color=INK)
    _plain(axes)
    axes.barh(range(len(names)), counts, color=CONTRIBUTIONS, height=0.6)
    axes.set_yticks(list(range(len(names))), names)
    axes.invert_yaxis()
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    if not any(counts):
        axes.set_xlim(0, 1)


def render_png(summary: Summary, d: Discussion) -> bytes:
    """A 2-panel PNG on a transparent background; deterministic for the same input."""
    rows = len(d.questions) + 1
    figure = Figure(figsize=(10, max(3.2, 1.2 + 0.42 * rows)), dpi=100)
    figure.patch.set_alpha(0)
    canvas = FigureCanvasAgg(figure)
    left, right = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.25]})
    _stances(left, summary)
    _contributions(right, d)
    figure.tight_layout()
    buffer = io.BytesIO()
    canvas.print_png(buffer, metadata={"Software": None})
    return buffer.getvalue()


_CACHE_SIZE = 64  # charts of ~30 KB: a couple of MB at most
_cache: OrderedDict[tuple[object, ...], bytes] = OrderedDict()
_cache_lock = threading.Lock()


def cached_png(summary: Summary, d: Discussion) -> bytes:
    """`render_png`, drawn once for the same figures: `/summary show` of a closed round asks for
    the same chart again and again, and drawing one costs ~150 ms of CPU (under the GIL, so the
    event loop's too)."""
    labels, counts = participation(d)
    key = (
        summary.title[:80],
        tuple((label, tuple(pair)) for label, pair in summary.stances.items()),
        tuple(labels),
        tuple(counts),
    )
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    png = render_png(summary, d)
    with _cache_lock:
        _cache[key] = png
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return png
