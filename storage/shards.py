"""Which guilds one process looks after when the bot runs as several processes, each with a
range of Discord's shards (`python bot.py run --shard-count N --shards A-B`).

Discord sends a guild's events to shard `(guild_id >> 22) % shard_count`; the process running
that shard also does the guild's timed work (scheduled posts, deadline closes, reminders,
start-up recovery). The repositories add `owned()` to every query that looks across guilds, so
two processes never pick up the same guild's work (the database claims stay as the second
guard).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Shards:
    count: int
    first: int
    last: int

    def __post_init__(self) -> None:
        if not (self.count >= 1 and 0 <= self.first <= self.last < self.count):
            raise ValueError(
                f"--shards {self.first}-{self.last} is not a range within 0-{self.count - 1} "
                f"(--shard-count {self.count})."
            )

    @classmethod
    def parse(cls, count: int, shards: str | None) -> Shards:
        """`--shard-count N --shards A-B` (or one shard `A`; all of them when None)."""
        if shards is None:
            return cls(count, 0, count - 1)
        first, sep, last = shards.partition("-")
        if not first.isdigit() or (sep and not last.isdigit()):
            raise ValueError(
                f"--shards must be a range like 0-3 within --shard-count {count}, not {shards!r}."
            )
        return cls(count, int(first), int(last) if sep else int(first))

    @property
    def ids(self) -> list[int]:
        return list(range(self.first, self.last + 1))

    def owns(self, guild_id: int) -> bool:
        return self.first <= (guild_id >> 22) % self.count <= self.last

    def __str__(self) -> str:
        return f"shards {self.first}-{self.last} of {self.count}"


def owned(shards: Shards | None, column: str = "guild_id") -> tuple[str, tuple[int, ...]]:
    """` AND <column's shard is ours>` and its values; nothing when one process has them all.
    `column` is one of our column names, never outside input."""
    if shards is None or (shards.first == 0 and shards.last == shards.count - 1):
        return "", ()
    return (
        " AND ((" + column + " >> 22) % ?) BETWEEN ? AND ?",
        (shards.count, shards.first, shards.last),
    )
