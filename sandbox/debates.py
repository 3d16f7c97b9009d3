"""Labelled synthetic debates for tests and benchmarks: known viewpoints, many members, noise.

Each message is generated from one viewpoint's vocabulary (or is noise), so a summary can be
scored on whether every viewpoint appears as a point.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from roundtable.summaries.model import Contribution, Discussion

VIEWPOINTS: dict[str, tuple[str, list[str], list[str]]] = {
    # key: (stance, phrases, fillers)
    "backfired": (
        "Agree",
        [
            "the export bans backfired",
            "sanctions pushed engineers to innovate",
            "cut off from new chips they optimised the older chips",
            "the ban forced efficient training tricks",
        ],
        ["clearly", "honestly", "in my view", "as the author says"],
    ),
    "security": (
        "Disagree",
        [
            "national security still justifies the export controls",
            "military applications of AI are the real danger",
            "keeping advanced chips from the army is worth the cost",
            "the controls protect allies and defence systems",
        ],
        ["frankly", "to be fair", "remember", "in practice"],
    ),
    "cost": (
        "Disagree",
        [
            "the six million dollar training figure is misleading",
            "the reported cost ignores hardware salaries and earlier runs",
            "that budget number leaves out the cluster purchase",
            "accounting for research staff the price is far higher",
        ],
        ["actually", "look", "I suspect", "to be precise"],
    ),
    "open": (
        "Agree",
        [
            "open weights let researchers everywhere build on it",
            "publishing the model openly is the real breakthrough",
            "open source releases spread knowledge beyond big labs",
            "anyone can study and adapt an openly released model",
        ],
        ["importantly", "for me", "above all", "really"],
    ),
    "energy": (
        "Unsure",
        [
            "lower energy per query matters for the climate",
            "electricity use of data centres strains the grid",
            "a smaller carbon footprint could change the industry",
            "power consumption is the hidden cost of chatbots",
        ],
        ["perhaps", "maybe", "on the other hand", "worth noting"],
    ),
}
NOISE_SHORT = ["+1", "lol", "brb", "ok", "nice", "haha", "same", "this", "yes!", "hmm"]
NOISE_WORDS = (
    "game tonight score team match referee meeting schedule calendar coffee lunch pizza kitchen "
    "snack weather rain sunny umbrella forecast train bus parking printer keyboard holiday "
    "birthday cake movie series podcast playlist garden bicycle dentist laundry recipe"
).split()
NOISE_FRAMES = [
    "did anyone see the {} and {}?",
    "{} then {} later",
    "my {} broke, {} too",
    "{}? {}!",
]


@dataclass(frozen=True)
class LabelledDebate:
    discussion: Discussion
    viewpoint_of: dict[int, str]  # message id -> viewpoint key ("noise" for noise)


def debate(
    messages: int, *, members: int = 40, noise: float = 0.15, seed: int = 7, questions: int = 2
) -> LabelledDebate:
    """A deterministic debate of `messages` contributions, answers and replies mixed."""
    rng = random.Random(seed)
    keys = sorted(VIEWPOINTS)
    member_view = {1000 + m: keys[m % len(keys)] for m in range(members)}
    contributions: list[Contribution] = []
    viewpoint_of: dict[int, str] = {}
    opening: dict[int, str] = {}
    closing: dict[int, str] = {}
    for user, key in member_view.items():
        stance = VIEWPOINTS[key][0]
        closing[user] = stance
        opening[user] = (
            stance if rng.random() > 0.2 else rng.choice(["Agree", "Disagree", "Unsure"])
        )
    for n in range(messages):
        message_id = 10_000_000 + n
        user = rng.choice(list(member_view))
        if rng.random() < noise:
            key = "noise"
            if rng.random() < 0.5:
                text = rng.choice(NOISE_SHORT)
            else:  # off-topic chatter, as varied as real chatter
                text = rng.choice(NOISE_FRAMES).format(*rng.sample(NOISE_WORDS, 2))
        else:
            key = member_view[user]
            _, phrases, fillers = VIEWPOINTS[key]
            first, second = rng.sample(phrases, 2)
            text = f"{rng.choice(fillers).capitalize()}, {first}, and {second}."
        question = rng.randint(1, questions) if rng.random() < 0.5 else None
        reply_to = None
        if question is None and contributions and rng.random() < 0.4:
            reply_to = rng.choice(contributions[-20:]).message_id
        contributions.append(
            Contribution(message_id, user, text, question=question, reply_to=reply_to)
        )
        viewpoint_of[message_id] = key
    return LabelledDebate(
        Discussion(
            title="No chips for China",
            questions=tuple(f"Question {q}?" for q in range(1, questions + 1)),
            contributions=tuple(contributions),
            stances=("Agree", "Disagree", "Unsure"),
            opening=opening,
            closing=closing,
        ),
        viewpoint_of,
    )


def covered(points_ids: list[tuple[int, ...]], viewpoint_of: dict[int, str]) -> set[str]:
    """The viewpoints whose lead message a set of points quotes (noise does not count)."""
    return {viewpoint_of[ids[0]] for ids in points_ids if ids and viewpoint_of[ids[0]] != "noise"}


def wide_chat(messages: int, *, seed: int = 1, vocabulary: int = 30_000) -> Discussion:
    """A thread of `messages` replies drawn from a large vocabulary (Zipf-like frequencies, as
    in real chat): the shape that fills every column of the summary's TF-IDF vocabulary, which
    a debate of a few dozen sentences never does. For memory and time at scale, not quality."""
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = [
        "".join(rng.choice(letters) for _ in range(rng.randint(4, 10))) for _ in range(vocabulary)
    ]
    weights = [1 / (n + 1) for n in range(vocabulary)]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    said = tuple(
        Contribution(
            10**6 + n,
            rng.randint(1, 300),
            " ".join(rng.choices(words, weights, k=rng.randint(6, 30))),
            created_at=start + timedelta(seconds=20 * n),
        )
        for n in range(messages)
    )
    return Discussion("A long thread", (), said, names={u: f"user{u}" for u in range(1, 301)})
