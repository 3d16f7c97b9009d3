"""The demo's novel, written for it: *Harbour Year*. Its first and last chapters are prose a
group could discuss; the second is a ship's log of a long voyage, made from a few kinds of
entry so that the chapter is 60,000 characters long (too long for one round) and still reads
as a log rather than as noise."""

from __future__ import annotations

import random

CHAPTER_ONE = """\
CHAPTER I

Of the ship

The town had argued about the new ship for a whole winter before anyone laid a plank. The
harbour master wanted a small, fast boat that could reach the fishing grounds before the larger
fleets from the south. The merchants wanted a broad hull that could carry grain to the capital
and come back with coal. Everyone agreed that the old boats were failing; nobody agreed on what
should replace them.

Mara Holt, who kept the chandlery on the quay, said at the spring meeting that a town which
builds for its merchants will soon have no fishermen left. She was applauded, and then outvoted.
The council chose the broad hull because the grain contract paid in advance, and a town that had
borrowed through two bad seasons could not afford to refuse money that was already on the table.

Her brother Tomas, the best pilot on that coast, took the other side. He argued that the fishing
had been poor for ten years and would not come back, so the town's future lay in trade whether
it liked it or not. The fish follow the cold water, he said, and the cold water has moved north;
we can follow it or we can carry other people's cargo. The old fishermen never forgave him for
saying in public what most of them already suspected.

The ship was launched in June and named the Patience, which the younger crew thought a poor joke
and the older crew thought a warning. The first voyage would take her round the cape and up the
long coast to the capital, farther than any boat from the town had sailed in a generation.
"""

CHAPTER_THREE = """\
CHAPTER III

Of the return

The Patience came home in October with her hold full of coal and half her crew owed a season's
wages. The grain contract had paid, as the council promised, but the price of coal had fallen
while she was at sea, and the cargo was worth less than the voyage had cost. The merchants said
the next voyage would make up the loss. The fishermen said they had heard that before.

Tomas stood up at the autumn meeting and admitted that he had been too sure. Trade was the
future, he still believed, but a town that trades needs to know its prices before it sails, not
after. He proposed that the council hire a clerk in the capital to send the prices by the weekly
mail. Mara said that a clerk would cost more than the fish the town no longer caught, and
everyone laughed, including her brother.

In the end the town did both. It kept the Patience on the grain run and bought two small boats
for the northern grounds, paid for by a loan that the council would spend the next ten years
repaying. Whether that was wisdom or the habit of never choosing, the town's children argued
about for the rest of their lives.
"""

_WEATHER = [
    "Wind north-west, fresh; a long swell from the west.",
    "Calm until noon, then a light breeze from the south.",
    "Rain all morning, the wind backing to the south-west.",
    "Fog at dawn; we lay to until it lifted at ten.",
    "A hard blow from the north in the night; two sails split.",
    "Clear and cold, the wind steady from the north-east.",
]
_WORK = [
    "The cook counted the water casks and found two short of the tally.",
    "Tomas took the noon sight and put us twelve miles south of the reckoning.",
    "The crew spent the afternoon mending the torn topsail.",
    "We sighted the lights of the cape after dark and stood off until morning.",
    "A merchant brig passed close and hailed us for news of grain prices.",
    "The carpenter found a slow leak forward and caulked it before supper.",
    "Two of the young hands argued over the watch list and were sent aloft to cool off.",
    "We spoke a fishing boat from the north, which reported the shoals far offshore this year.",
]
_THOUGHT = [
    "The older men say the Patience sails better than her shape promised.",
    "Tomas wrote that the broad hull rolls badly in a beam sea but carries her load well.",
    "There is talk below decks about the wages the council still owes.",
    "Nobody mentions the fishing grounds, though everyone looks north when the boats pass.",
    "The mate thinks we will make the capital a week late if this weather holds.",
    "The grain keeps dry, which is all the merchants will ask about when we arrive.",
]


def _log(wanted: int, rng: random.Random) -> str:
    entries, size, day = [], 0, 1
    while size < wanted:
        entry = (
            f"Day {day}. {rng.choice(_WEATHER)} {rng.choice(_WORK)} {rng.choice(_THOUGHT)} "
            f"Distance run since yesterday noon: {rng.randint(18, 140)} miles."
        )
        entries.append(entry)
        size += len(entry) + 2
        day += 1
    return "\n\n".join(entries)


def harbour_year(log_chars: int = 60_000, seed: int = 3) -> str:
    """The whole novel as plain text: chapters headed `CHAPTER I` with titles below them."""
    log = _log(log_chars, random.Random(seed))
    chapter_two = f"CHAPTER II\n\nOf the long voyage\n\n{log}\n"
    return "\n".join([CHAPTER_ONE, chapter_two, CHAPTER_THREE])
