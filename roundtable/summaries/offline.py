"""The offline summary: extractive, deterministic, no model and no key.

For each question (and for the free discussion) the contributions become TF-IDF vectors;
spherical k-means groups them into themes; each theme is shown by its most representative
message (the one closest to the theme's centre), with how many members hold it and which way
their stances lean. Quotes are kept diverse with maximal marginal relevance. Replies between
members whose stances differ are reported as notable disagreements. Every point cites the
messages it comes from. Runs in a worker thread (asyncio.to_thread) from the bot.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict

import numpy as np

from roundtable.summaries.model import (
    Contribution,
    Discussion,
    Point,
    Section,
    Summary,
    counts,
    stance_counts,
)

MAX_POINTS = 5
MIN_TOKENS = 3  # in large groups, shorter messages ("+1", "lol") count only as participation
MERGE_ABOVE = 0.45  # themes whose centres are this similar are one theme
MIN_COHESION = 0.25  # a theme's messages must be this close to its centre, on average
MAX_CITED = 5
QUOTE_CHARS = 220
VOCABULARY = 2048
ITERATIONS = 8
DIVERSITY = 0.7  # MMR: weight of relevance against similarity to quotes already chosen
DISCUSSION = "In the thread"

_WORD = re.compile(r"[a-z0-9][a-z0-9'’-]*[a-z0-9]|[a-z0-9]")
_STOP = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in into
    is it its itself just me more most my myself no nor not now of off on once only or other our
    ours ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves
    i'm it's that's don't doesn't isn't aren't can't won't i'd i've we're they're think really
    much many even still yes yeah ok okay well one get got like""".split()
)


def tokens(text: str) -> list[str]:
    words = _WORD.findall(text.lower().replace("’", "'"))
    return [
        _stem(w)
        for w in words
        if (w not in _STOP and not w.isdigit()) or (w.isdigit() and len(w) > 3)
    ]


def _stem(word: str) -> str:
    """A light suffix stripper: enough for "bans"/"ban", "helped"/"help" to meet."""
    for suffix in ("ingly", "edly", "ing", "ed", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def tfidf(docs: Sequence[list[str]]) -> np.ndarray:
    """Rows L2-normalised; columns the VOCABULARY most frequent terms (by documents)."""
    df = Counter(term for doc in docs for term in set(doc))
    vocab = {t: i for i, (t, _) in enumerate(df.most_common(VOCABULARY))}
    matrix = np.zeros((len(docs), max(1, len(vocab))), dtype=np.float32)
    n = len(docs)
    idf = np.zeros(matrix.shape[1], dtype=np.float32)
    for term, i in vocab.items():
        idf[i] = math.log((1 + n) / (1 + df[term])) + 1.0
    for row, doc in enumerate(docs):
        for term, count in Counter(doc).items():
            col = vocab.get(term)
            if col is not None:
                matrix[row, col] = 1.0 + math.log(count)
    matrix *= idf
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


def themes(vectors: np.ndarray, k: int) -> np.ndarray:
    """Spherical k-means with a deterministic farthest-point start; returns a label per row."""
    n = vectors.shape[0]
    k = max(1, min(k, n))
    centre = vectors.mean(axis=0)
    first = int(np.argmax(vectors @ centre))
    chosen = [first]
    closest = vectors @ vectors[first]
    for _ in range(1, k):
        candidate = int(np.argmin(closest))
        if candidate in chosen:
            break
        chosen.append(candidate)
        closest = np.maximum(closest, vectors @ vectors[candidate])
    centroids = vectors[chosen].copy()
    labels = np.zeros(n, dtype=np.int64)
    for _ in range(ITERATIONS):
        new = np.argmax(vectors @ centroids.T, axis=1)
        if np.array_equal(new, labels) and _ > 0:
            break
        labels = new
        for j in range(len(centroids)):
            members = vectors[labels == j]
            if len(members):
                mean = members.sum(axis=0)
                norm = np.linalg.norm(mean)
                centroids[j] = mean / norm if norm else mean
    return labels


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


def merge_similar(vectors: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Join themes whose centres are closer than MERGE_ABOVE, most similar pair first."""
    labels = labels.copy()
    while True:
        ids = sorted(set(labels.tolist()))
        if len(ids) < 2:
            return labels
        centres = np.stack([_unit(vectors[labels == i].sum(axis=0)) for i in ids])
        similarity = centres @ centres.T
        np.fill_diagonal(similarity, -1.0)
        a, b = np.unravel_index(int(np.argmax(similarity)), similarity.shape)
        if similarity[a, b] < MERGE_ABOVE:
            return labels
        labels[labels == ids[b]] = ids[a]


def quote(text: str, limit: int = QUOTE_CHARS) -> str:
    flat = " ".join(text.split()).replace("“", "‘").replace("”", "’")
    if len(flat) <= limit:
        return flat
    return flat[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:—-") + "…"


def _lean(users: set[int], closing: dict[int, str]) -> str | None:
    held = Counter(closing[u] for u in users if u in closing)
    if not held:
        return None
    label, count = held.most_common(1)[0]
    total = sum(held.values())
    if count == total:
        return f"all {label}" if total > 1 else label
    return f"mostly {label}" if count / total >= 0.6 else "split"


def summarise_group(
    items: Sequence[Contribution], closing: dict[int, str], max_points: int = MAX_POINTS
) -> tuple[Point, ...]:
    """Up to `max_points` themes of a group of contributions, largest and most diverse first."""
    docs = [tokens(c.text) for c in items]
    # In a small group every answer counts; in a large one short chatter is left out.
    least = MIN_TOKENS if len(items) >= 20 else 1
    keep = [i for i, doc in enumerate(docs) if len(doc) >= least]
    if not keep:
        return ()
    items = [items[i] for i in keep]
    vectors = tfidf([docs[i] for i in keep])
    k = min(max_points * 2, max(1, math.ceil(math.sqrt(len(items)))))
    labels = merge_similar(vectors, themes(vectors, k))
    candidates = []
    for label in sorted(set(labels.tolist())):
        rows = np.flatnonzero(labels == label)
        centroid = _unit(vectors[rows].sum(axis=0))
        scores = vectors[rows] @ centroid
        order = rows[np.argsort(-scores, kind="stable")]
        cohesion = float(scores.mean())
        if len(rows) > 1 and cohesion < MIN_COHESION:
            continue  # a grab-bag of unrelated messages, not a theme
        # Weight: how much was said on it, and how consistently. Scattered chatter from many
        # members weighs little; a position argued again and again weighs much.
        candidates.append((len(rows) * cohesion, len(rows), order, centroid))
    if not candidates:
        return ()
    candidates.sort(key=lambda c: (-c[0], -c[1], int(c[2][0])))
    largest = candidates[0][0]
    picked: list[tuple[float, int, np.ndarray, np.ndarray]] = []

    def value(c: tuple[float, int, np.ndarray, np.ndarray]) -> float:
        overlap = max((float(c[3] @ p[3]) for p in picked), default=0.0)
        return DIVERSITY * (c[0] / largest) - (1 - DIVERSITY) * overlap

    while candidates and len(picked) < max_points:
        best = max(candidates, key=value)
        candidates.remove(best)
        picked.append(best)
    points = []
    for _, _, order, _ in picked:
        lead = items[int(order[0])]
        cited = tuple(dict.fromkeys(items[int(i)].message_id for i in order[:MAX_CITED]))
        users = {items[int(i)].user_id for i in order}
        points.append(
            Point(
                text=f"“{quote(lead.text)}”",
                message_ids=cited,
                members=len(users),
                side=_lean(users, closing),
            )
        )
    return tuple(points)


def disagreements(d: Discussion, limit: int = 3) -> tuple[Point, ...]:
    """Replies between members whose closing stances differ, the longest exchanges first."""
    by_message = {c.message_id: c for c in d.contributions}
    found = []
    for c in d.contributions:
        other = by_message.get(c.reply_to) if c.reply_to else None
        if other is None or other.user_id == c.user_id:
            continue
        mine, theirs = d.closing.get(c.user_id), d.closing.get(other.user_id)
        if mine and theirs and mine != theirs:
            text = (
                f"“{quote(other.text, 120)}” ({theirs}) — answered: “{quote(c.text, 120)}” ({mine})"
            )
            found.append(Point(text, (other.message_id, c.message_id), 2, None))
    found.sort(key=lambda p: -len(p.text))
    return tuple(found[:limit])


def summarise(d: Discussion, *, max_points: int = MAX_POINTS) -> Summary:
    """The offline summary of a whole discussion."""
    closing = {**d.opening, **d.closing}
    sections = []
    for number, question in enumerate(d.questions, start=1):
        answers = [c for c in d.contributions if c.question == number]
        sections.append(Section(number, question, summarise_group(answers, closing, max_points)))
    replies = [c for c in d.contributions if c.question is None]
    if replies or not d.questions:
        sections.append(Section(None, DISCUSSION, summarise_group(replies, closing, max_points)))
    return Summary(
        title=d.title,
        engine="offline",
        sections=tuple(sections),
        stances=stance_counts(d),
        **asdict(counts(d)),
        disagreements=disagreements(d),
    )
