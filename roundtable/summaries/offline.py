"""The offline summary: extractive, deterministic, no model and no key.

For each question (and for the free discussion) the contributions become TF-IDF vectors;
spherical k-means groups them into themes; each theme is shown by its most representative
message (the one closest to the theme's centre), with how many members hold it and which way
their stances lean. Quotes are kept diverse with maximal marginal relevance. Replies between
members whose stances differ are reported as notable disagreements. Every point cites the
messages it comes from. Runs in a worker thread (asyncio.to_thread) from the bot.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass, replace

import numpy as np

from roundtable.summaries import chatter, exchanges
from roundtable.summaries.labels import Labeller
from roundtable.summaries.lead import lead as lead_of
from roundtable.summaries.model import (
    QUESTIONS_ASKED,
    Contribution,
    Discussion,
    Point,
    Section,
    Summary,
    counts,
    stance_counts,
)
from roundtable.summaries.sparse import Rows

MERGE_ABOVE = 0.45  # themes whose centres are this similar are one theme
MIN_COHESION = 0.25  # a theme's messages must be this close to its centre, on average
MAX_CITED = 5
QUOTE_CHARS = 220
VOCABULARY = 2048
ITERATIONS = 8
DIVERSITY = 0.7  # MMR: weight of relevance against similarity to quotes already chosen
DISCUSSION = "In the thread"
MAX_EXCHANGES = 40  # questions shown with their answers; the most answered first past that
HELP_CHANNEL_FROM = 0.1  # the share of the talk in answered questions that makes a help channel

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


@functools.lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    """A light suffix stripper: enough for "bans"/"ban", "helped"/"help" to meet."""
    for suffix in ("ingly", "edly", "ing", "ed", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def tfidf(docs: Sequence[list[str]]) -> Rows:
    """Rows L2-normalised; columns the VOCABULARY most frequent terms (by documents). Sparse:
    each row keeps only its own terms (see sparse.py)."""
    df = Counter(term for doc in docs for term in set(doc))
    vocab = {t: i for i, (t, _) in enumerate(df.most_common(VOCABULARY))}
    n = len(docs)
    width = max(1, len(vocab))
    idf = np.zeros(width, dtype=np.float32)
    for term, i in vocab.items():
        idf[i] = math.log((1 + n) / (1 + df[term])) + 1.0
    columns: list[int] = []
    counts: list[int] = []
    indptr = np.zeros(n + 1, dtype=np.int64)
    for row, doc in enumerate(docs):
        for term, count in Counter(doc).items():
            col = vocab.get(term)
            if col is not None:
                columns.append(col)
                counts.append(count)
        indptr[row + 1] = len(columns)
    cols = np.asarray(columns, dtype=np.int32)
    values = (1.0 + np.log(np.asarray(counts, dtype=np.float32))) * idf[cols]
    owner = np.repeat(np.arange(n), np.diff(indptr))
    norms = np.sqrt(np.bincount(owner, weights=values * values, minlength=n))
    norms[norms == 0] = 1.0
    return Rows((values / norms[owner]).astype(np.float32), cols, indptr, width)


def themes(vectors: Rows, k: int) -> np.ndarray:
    """Spherical k-means with a deterministic farthest-point start; returns a label per row."""
    n = len(vectors)
    k = max(1, min(k, n))
    centre = vectors.mean(axis=0)
    first = int(np.argmax(vectors @ centre))
    chosen = [first]
    closest = vectors @ vectors[[first]].toarray()[0]
    for _ in range(1, k):
        candidate = int(np.argmin(closest))
        if candidate in chosen:
            break
        chosen.append(candidate)
        closest = np.maximum(closest, vectors @ vectors[[candidate]].toarray()[0])
    centroids = vectors[chosen].toarray()
    labels = np.zeros(n, dtype=np.int64)
    for _ in range(ITERATIONS):
        new = np.argmax(vectors @ centroids.T, axis=1)
        if np.array_equal(new, labels) and _ > 0:
            break
        labels = new
        sums = _label_sums(vectors, labels, len(centroids))
        for j in range(len(centroids)):
            norm = np.linalg.norm(sums[j])
            if norm:
                centroids[j] = sums[j] / norm
    return labels


def _label_sums(vectors: Rows, labels: np.ndarray, count: int) -> np.ndarray:
    """The sum of the rows of each label 0..count-1, dense (count × width)."""
    sums = np.zeros((count, vectors.width), dtype=np.float64)
    owner = np.repeat(labels, np.diff(vectors.indptr))
    np.add.at(sums, (owner, vectors.indices), vectors.data)
    return sums.astype(np.float32)


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


def merge_similar(vectors: Rows, labels: np.ndarray) -> np.ndarray:
    """Join themes whose centres are closer than MERGE_ABOVE, most similar pair first."""
    labels = labels.copy()
    ids = sorted(set(labels.tolist()))
    if len(ids) < 2:
        return labels
    position = {label: n for n, label in enumerate(ids)}
    sums = _label_sums(vectors, np.array([position[x] for x in labels.tolist()]), len(ids))
    alive = list(range(len(ids)))
    while len(alive) > 1:
        centres = np.stack([_unit(sums[i]) for i in alive])
        similarity = centres @ centres.T
        np.fill_diagonal(similarity, -1.0)
        a, b = np.unravel_index(int(np.argmax(similarity)), similarity.shape)
        if similarity[a, b] < MERGE_ABOVE:
            break
        keep, gone = alive[int(a)], alive[int(b)]
        labels[labels == ids[gone]] = ids[keep]
        sums[keep] += sums[gone]
        alive.remove(gone)
    return labels


def quote(text: str, limit: int = QUOTE_CHARS) -> str:
    flat = " ".join(text.split()).replace("“", "‘").replace("”", "’")
    if len(flat) <= limit:
        return flat
    return flat[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:—-") + "…"


def lean(users: set[int], closing: dict[int, str]) -> str | None:
    """Which way the holders' closing stances lean: "all Agree", "mostly Agree", "split"."""
    held = Counter(closing[u] for u in users if u in closing)
    if not held:
        return None
    label, count = held.most_common(1)[0]
    total = sum(held.values())
    if count == total:
        return f"all {label}" if total > 1 else label
    return f"mostly {label}" if count / total >= 0.6 else "split"


LABEL_FROM = 3  # messages a theme has at least before it gets a label
MAX_POINTS_LONG = 12  # points of one section, however long the discussion
SUSTAINED_MEMBERS = 3  # a theme several members kept up gets a point within the limit
SUSTAINED_MESSAGES = 4
SEGMENT_FROM = 150  # quotable messages from which a group is cut into stretches first
WINDOW = 40  # messages compared when looking for a shift of subject
SHIFT_BELOW = 0.2  # windows this dissimilar start a new stretch
GAP_SECONDS = 900  # a silence this long (and 10x the usual) starts a new stretch


def limit_for(quotable: int) -> int:
    """How many points a group of `quotable` messages gets: 3 for a few, growing with the
    logarithm of the size, 12 past about two thousand."""
    if quotable <= 3:
        return quotable
    return max(3, min(MAX_POINTS_LONG, round(1.2 * math.log2(quotable) - 1)))


@dataclass
class _Item:
    contribution: Contribution
    text: str  # cleaned: no addressing, no command
    stretch: int = 0


def _quotable(
    items: Sequence[Contribution], names: Collection[str]
) -> tuple[list[_Item], dict[int, str]]:
    """The messages worth quoting, each in its stretch of the discussion; and the stretches'
    titles where a meeting bot's #topic line named them."""
    kept: list[_Item] = []
    titles: dict[int, str] = {}
    stretch = 0
    small = len(items) < 20
    last_time = None
    gaps = [
        (b.created_at - a.created_at).total_seconds()
        for a, b in itertools.pairwise(items)
        if a.created_at and b.created_at
    ]
    usual = float(np.median(gaps)) if gaps else 0.0
    for c in items:
        cleaned = chatter.clean(c.text, names)
        title = chatter.meeting_topic(cleaned)
        if title is not None:
            stretch += 1
            titles[stretch] = title
            continue
        if c.created_at and last_time is not None:
            gap = (c.created_at - last_time).total_seconds()
            if gap > max(GAP_SECONDS, 10 * usual) and len(items) >= SEGMENT_FROM:
                stretch += 1
                # A help channel: the question that broke the silence names the stretch.
                if cleaned.rstrip().endswith("?") and len(chatter.content_words(cleaned)) >= 3:
                    titles[stretch] = cleaned
        last_time = c.created_at or last_time
        if chatter.informative(cleaned) or (
            small and not chatter.command(cleaned) and len(chatter.content_words(cleaned)) >= 2
        ):
            kept.append(_Item(c, cleaned, stretch))
    return kept, titles


def _shifts(items: list[_Item], vectors: Rows) -> None:
    """Cut long stretches where the subject shifts: the centres of two neighbouring windows of
    WINDOW messages are less similar than SHIFT_BELOW."""
    if len(items) < SEGMENT_FROM:
        return
    extra = 0
    start = 0
    for i in range(1, len(items) + 1):
        if i < len(items) and items[i].stretch == items[start].stretch:
            continue
        run = list(range(start, i))
        cuts = []
        for middle in range(start + WINDOW, i - WINDOW + 1, WINDOW):
            before = _unit(vectors[middle - WINDOW : middle].sum(axis=0))
            after = _unit(vectors[middle : middle + WINDOW].sum(axis=0))
            if float(before @ after) < SHIFT_BELOW:
                cuts.append(middle)
        for n in run:
            items[n].stretch += extra + sum(1 for cut in cuts if n >= cut)
        extra += len(cuts)
        start = i


def stretches(group: Sequence[Contribution], names: Collection[str] = ()) -> list[int]:
    """The stretch of the discussion each message belongs to (see `_quotable` and `_shifts`):
    what the LLM path keeps together in one request. A message not worth quoting goes with
    the stretch it was said in."""
    items, _ = _quotable(group, names)
    if items:
        _shifts(items, tfidf([tokens(i.text) for i in items]))
    of = {id(i.contribution): i.stretch for i in items}
    out = []
    current = 0
    for c in reversed(group):  # a line goes with the next quotable message: a #topic line
        current = of.get(id(c), current)  # opens its stretch
        out.append(current)
    out.reverse()
    # ... but chatter after the last quotable message of a stretch stays in that stretch.
    current = out[0] if out else 0
    for n, c in enumerate(group):
        if id(c) in of:
            current = of[id(c)]
        elif chatter.meeting_topic(chatter.clean(c.text, names)) is None:
            out[n] = current
    return out


def _themes_by_stretch(items: list[_Item], vectors: Rows, limit: int) -> np.ndarray:
    """k-means within each stretch (a topic talked over in the middle keeps its own themes),
    then themes alike across stretches merged."""
    labels = np.zeros(len(items), dtype=np.int64)
    offset = 0
    for stretch in sorted({i.stretch for i in items}):
        rows = np.flatnonzero([i.stretch == stretch for i in items])
        k = min(limit * 2, max(1, math.ceil(math.sqrt(len(rows)))))
        labels[rows] = themes(vectors[rows], k) + offset
        offset += k
    return merge_similar(vectors, labels)


def summarise_group(
    group: Sequence[Contribution],
    closing: dict[int, str],
    max_points: int | None = None,
    names: Collection[str] = (),
) -> tuple[Point, ...]:
    """The themes of a group of contributions, each labelled and shown by its most telling
    message (both sides when its members' stances split), most discussed and diverse first."""
    items, titles = _quotable(group, names)
    if not items:
        return ()
    limit = max_points if max_points is not None else limit_for(len(items))
    words = [tokens(i.text) for i in items]
    vectors = tfidf(words)
    _shifts(items, vectors)
    labels = _themes_by_stretch(items, vectors, limit)
    labeller = Labeller([i.text for i in items], names)
    candidates = []
    for label in sorted(set(labels.tolist())):
        rows = np.flatnonzero(labels == label)
        centroid = _unit(vectors[rows].sum(axis=0))
        scores = vectors[rows] @ centroid
        cohesion = float(scores.mean())
        if len(rows) > 1 and cohesion < MIN_COHESION:
            continue  # a grab-bag of unrelated messages, not a theme
        # The quote: central, and long enough to say something.
        fullness = np.array([min(1.0, len(words[int(r)]) / 12) for r in rows])
        order = rows[np.argsort(-(scores * (0.5 + 0.5 * fullness)), kind="stable")]
        users = {items[int(r)].contribution.user_id for r in rows}
        sustained = len(users) >= SUSTAINED_MEMBERS and len(rows) >= SUSTAINED_MESSAGES
        weight = cohesion * (len(rows) + 2 * len(users))
        home = Counter(items[int(r)].stretch for r in rows).most_common(1)[0][0]
        candidates.append((weight, sustained, order, centroid, users, home))
    if not candidates:
        return ()
    candidates.sort(key=lambda c: (-c[0], int(c[2][0])))
    largest = candidates[0][0]
    wanted = min(MAX_POINTS_LONG, max(limit, sum(1 for c in candidates if c[1])))
    if max_points is not None:
        wanted = max_points
    picked: list[tuple[float, bool, np.ndarray, np.ndarray, set[int], int]] = []
    stretches = len({i.stretch for i in items})

    def value(c: tuple[float, bool, np.ndarray, np.ndarray, set[int], int]) -> float:
        overlap = max((float(c[3] @ p[3]) for p in picked), default=0.0)
        # Each stretch of a long discussion (an agenda item, a question) gets a point first.
        new_stretch = 0.4 if stretches > 1 and all(p[5] != c[5] for p in picked) else 0.0
        sustained = 0.5 if c[1] else 0.0
        return DIVERSITY * (c[0] / largest) + sustained + new_stretch - (1 - DIVERSITY) * overlap

    while candidates and len(picked) < wanted:
        best = max(range(len(candidates)), key=lambda n: value(candidates[n]))
        picked.append(candidates.pop(best))
    if stretches > 1:  # a long discussion in stretches (an agenda): its themes in their order
        picked.sort(key=lambda c: (c[5], int(np.median(c[2]))))
    points: list[Point] = []
    quoted: set[str] = set()
    for _, _, order, _, users, _ in picked:
        chosen = [int(r) for r in order]
        # A label names what several messages share; one or two messages speak for themselves.
        labelled = len(chosen) >= LABEL_FROM
        title = _title_of(chosen, items, titles) if labelled else None
        for side_rows, side_users in _sides(chosen, items, closing, users):
            fresh = [r for r in side_rows if items[r].text not in quoted]
            if not fresh:
                continue
            # The most telling message that says what the theme is about, when one does.
            lead = (labeller.on_topic(chosen, fresh) if labelled else None) or fresh[0]
            quoted.add(items[lead].text)
            # The theme's phrase that this side's quote says, so label and quote agree.
            shown_text = chatter.trim(items[lead].text)  # without "…, see the pad", "Yeah."
            label = title or (labeller.label(chosen, quote=shown_text) if labelled else None)
            cited = tuple(
                dict.fromkeys(
                    items[r].contribution.message_id
                    for r in [lead, *[x for x in side_rows if x != lead]][:MAX_CITED]
                )
            )
            said = quote(shown_text)
            # A question that named its stretch, quoted as well: the quote says it already.
            shown = None if label and said.startswith(label.rstrip("…")[:30]) else label
            points.append(
                Point(
                    text=f"“{said}”",
                    message_ids=cited,
                    members=len(side_users),
                    side=lean(side_users, closing),
                    label=shown,
                )
            )
    return tuple(points)


def _title_of(rows: list[int], items: list[_Item], titles: dict[int, str]) -> str | None:
    """The meeting's own name for the topic, when most of the theme was said under it."""
    if not titles:
        return None
    stretch, count = Counter(items[r].stretch for r in rows).most_common(1)[0]
    title = titles.get(stretch)
    if not title or count < 0.6 * len(rows):
        return None
    # Only when the theme is about what the title says: a title word in most of its messages.
    words = set(tokens(title))
    sharing = sum(1 for r in rows if words & set(tokens(items[r].text)))
    return quote(title, 60) if sharing >= 0.5 * len(rows) else None


def _sides(
    rows: list[int], items: list[_Item], closing: dict[int, str], users: set[int]
) -> list[tuple[list[int], set[int]]]:
    """The theme as one position, or as two when its members' stances split (each side with
    at least two members and a quarter of them)."""
    held = Counter(closing[u] for u in users if u in closing)
    if len(held) < 2:
        return [(rows, users)]
    (first, a), (second, b) = held.most_common(2)
    if b < 2 or b < 0.25 * (a + b):
        return [(rows, users)]
    out = []
    for stance in (first, second):
        side_rows = [r for r in rows if closing.get(items[r].contribution.user_id) == stance]
        out.append((side_rows, {items[r].contribution.user_id for r in side_rows}))
    return out


def decisions(d: Discussion, limit: int = 8) -> tuple[Point, ...]:
    """Lines that record a decision or an action, explicit markers first, each cited; then
    outcomes said in a sentence ("let's wait for the audit before we merge"), when the next
    lines of the others take them up and none turns them down (an action someone takes on
    needs no answer, only no refusal)."""
    found: list[tuple[int, str, int]] = []
    seen: set[str] = set()
    names = {n.lower() for n in d.names.values()}
    said = d.contributions
    for index, c in enumerate(said):
        if not chatter.may_decide(c.text):
            continue
        cleaned = chatter.clean(c.text, names)
        text = chatter.decision(cleaned)
        rank = 0 if cleaned.lstrip().startswith("#") or "ACTION" in cleaned else 1
        if text is None:
            text = chatter.outcome(cleaned)
            if text is None:
                continue
            after = said[index + 1 : index + 1 + chatter.ANSWERED_WITHIN]
            answers = [a.text for a in after if a.user_id != c.user_id]
            taken_on = text.startswith("Action:")
            if not (chatter.accepted(answers) or (taken_on and not chatter.refused(answers))):
                continue
            rank = 2
        key = " ".join(chatter.content_words(text)[:6])
        if key in seen:
            continue  # the same decision said again, with another tail
        seen.add(key)
        found.append((rank, text, c.message_id))
    found.sort(key=lambda f: f[0])
    return tuple(Point(quote(text), (message_id,)) for _, text, message_id in found[:limit])


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


def questions_asked(
    group: Sequence[Contribution], names: dict[int, str]
) -> tuple[tuple[Point, ...], set[int], int]:
    """Each question the discussion asked, with its best answer, or said to be unanswered;
    the message ids of the exchanges shown (the question, the replies, the asker's thanks)
    and of the same answers given again (their themes need no other point); and how many
    questions were left out past MAX_EXCHANGES."""
    lowered = {n.lower() for n in names.values() if n}
    found = exchanges.exchanges(
        group, names, [tokens(chatter.clean(c.text, lowered)) for c in group]
    )
    # The same question asked again and again is chatter ("what did I miss?"), not a request.
    asked_times = Counter(" ".join(group[e.question].text.lower().split()) for e in found)
    found = [e for e in found if asked_times[" ".join(group[e.question].text.lower().split())] == 1]
    # A help channel's: where answered questions make a good part of the talk (elsewhere an
    # answered question is one of the themes, and an unanswered one most often rhetorical).
    answered = [e for e in found if e.answer is not None]
    talk = sum(1 + len(e.replies) for e in answered)
    if len(answered) < 2 or talk < HELP_CHANNEL_FROM * len(group):
        return (), set(), 0
    shown = sorted(found, key=lambda e: (-len(e.replies), e.question))[:MAX_EXCHANGES]
    shown.sort(key=lambda e: e.question)
    points = []
    covered: set[int] = set()
    for e in shown:
        asked = group[e.question]
        question = quote(chatter.clean(asked.text, lowered), 120)
        if e.answer is None:
            points.append(Point("No answer in the thread.", (asked.message_id,), label=question))
            covered.add(asked.message_id)  # shown here, not again as a theme
            continue
        answer = group[e.answer]
        others = [group[r].message_id for r in e.replies if r != e.answer]
        cited = (asked.message_id, answer.message_id, *others)[:MAX_CITED]
        points.append(
            Point(
                text=f"“{quote(chatter.trim(chatter.clean(answer.text, lowered)))}”",
                message_ids=cited,
                members=len({group[r].user_id for r in e.replies}),
                side="the asker thanked it" if e.thanked else None,
                label=question,
            )
        )
        covered |= {group[r].message_id for r in (e.question, *e.replies, *e.asker_lines)}
    # The same answer given again outside the exchange is no other point either.
    said = {chatter.clean(group[e.answer].text, lowered) for e in shown if e.answer is not None}
    covered |= {c.message_id for c in group if chatter.clean(c.text, lowered) in said}
    return tuple(points), covered, len(found) - len(shown)


SAME_CAMP = 0.5  # the cosine of two quotes' words from which a camp is shown again


def _similar(a: str, b: str) -> float:
    x, y = Counter(tokens(a)), Counter(tokens(b))
    dot = sum(x[t] * y[t] for t in x.keys() & y.keys())
    norm = math.sqrt(sum(v * v for v in x.values()) * sum(v * v for v in y.values()))
    return dot / norm if norm else 0.0


def camps_once(sections: list[Section]) -> list[Section]:
    """A round's camps shown once: a point that takes a side and says what a point of an
    earlier section already said is left out there, and one line names the camps argued again
    ("Argued again, as under question 1: export bans (Agree); …"), citing where."""
    shown: list[tuple[Point, Section]] = []
    out = []
    for section in sections:
        if section.title == QUESTIONS_ASKED:  # its points are questions, not camps
            out.append(section)
            continue
        kept: list[Point] = []
        again: list[tuple[Point, Point, Section]] = []  # (this point, the earlier, its section)
        for p in section.points:
            earlier = next(
                (
                    (q, where)
                    for q, where in shown
                    if p.side and q.side and _similar(p.text, q.text) >= SAME_CAMP
                ),
                None,
            )
            if earlier is None:
                kept.append(p)
            else:
                again.append((p, *earlier))
        shown += [(p, section) for p in kept]  # compared with the sections after this one
        if again:
            kept.append(_argued_again(again))
        out.append(Section(section.number, section.title, tuple(kept)))
    return out


def _argued_again(again: list[tuple[Point, Point, Section]]) -> Point:
    wheres = list(
        dict.fromkeys(f"question {s.number}" if s.number else s.title for _, _, s in again)
    )
    # Each camp by this section's own label or quote: words its cited messages say (a point
    # removed later, a member forgotten, takes its words with it).
    names = dict.fromkeys(
        f"{p.label or '“' + quote(p.text.strip('“”').rstrip('.!?;: '), 60) + '”'}"
        f" ({(p.side or '').split()[-1]})"
        for p, _, _ in again
    )
    return Point(
        text=f"Argued again, as under {' and '.join(wheres)}: {'; '.join(names)}.",
        message_ids=tuple(dict.fromkeys(p.message_ids[0] for p, _, _ in again)),  # one a camp
        members=0,
    )


def summarise(d: Discussion, *, max_points: int | None = None) -> Summary:
    """The offline summary of a whole discussion."""
    closing = {**d.opening, **d.closing}
    names = {n.lower() for n in d.names.values()}
    sections = []
    for number, question in enumerate(d.questions, start=1):
        answers = [c for c in d.contributions if c.question == number]
        points = summarise_group(answers, closing, max_points, names)
        sections.append(Section(number, question, points))
    replies = [c for c in d.contributions if c.question is None]
    notes: tuple[str, ...] = ()
    if replies or not d.questions:
        asked, covered, more = questions_asked(replies, d.names)
        rest = [c for c in replies if c.message_id not in covered]
        points = summarise_group(rest, closing, max_points, names)
        if points or not asked:
            sections.append(Section(None, DISCUSSION, points))
        if asked:
            sections.append(Section(None, QUESTIONS_ASKED, asked))
        if more:
            notes = (f"{more} more questions were asked than the {MAX_EXCHANGES} shown.",)
    if d.questions:
        sections = camps_once(sections)
    summary = Summary(
        title=d.title,
        engine="offline",
        sections=tuple(sections),
        stances=stance_counts(d),
        **asdict(counts(d)),
        disagreements=disagreements(d),
        notes=notes,
        decisions=decisions(d),
    )
    return replace(summary, lead=lead_of(summary, d))
