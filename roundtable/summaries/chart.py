"""The summary chart: stances opening → closing, and participation per question (PNG).

Drawn with matplotlib's object API (Figure and the Agg canvas, no pyplot), as matplotlib advises
for servers: no global figure state, safe in a worker thread, no display needed. Importing this
module loads matplotlib, so callers import it only when they draw a chart.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from roundtable.summaries.model import Discussion, Summary


def participation(d: Discussion) -> tuple[list[str], list[int]]:
    labels = [f"Q{n}" for n in range(1, len(d.questions) + 1)] + ["Thread"]
    counts = [
        sum(1 for c in d.contributions if c.question == n) for n in range(1, len(d.questions) + 1)
    ]
    counts.append(sum(1 for c in d.contributions if c.question is None))
    return labels, counts


def render_png(summary: Summary, d: Discussion) -> bytes:
    """A 2-panel PNG; deterministic for the same input."""
    figure = Figure(figsize=(9, 3.6), dpi=100)
    canvas = FigureCanvasAgg(figure)
    left, right = figure.subplots(1, 2)
    labels = list(summary.stances) or ["(no stances)"]
    opening = [summary.stances.get(label, (0, 0))[0] for label in labels]
    closing = [summary.stances.get(label, (0, 0))[1] for label in labels]
    x = range(len(labels))
    left.bar([i - 0.2 for i in x], opening, width=0.4, label="opening", color="#99aab5")
    left.bar([i + 0.2 for i in x], closing, width=0.4, label="closing", color="#5865f2")
    left.set_xticks(list(x), labels)
    left.set_title("Stances")
    left.set_ylabel("members")
    left.legend(frameon=False)
    left.yaxis.get_major_locator().set_params(integer=True)
    names, counts = participation(d)
    right.bar(names, counts, color="#57f287")
    right.set_title("Contributions")
    right.yaxis.get_major_locator().set_params(integer=True)
    figure.suptitle(summary.title[:80])
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
