"""What storage's SQL runs on, whichever the backend: the writer's connection a job is given, its
cursors, the rows both backends return (sqlite3.Row; storage/postgres.py's PgRow), and how a
time is kept in them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

T = TypeVar("T")


class Row(Protocol):
    """A row by column name or by position."""

    def __getitem__(self, key: str | int, /) -> Any: ...

    def keys(self) -> list[str]: ...


class Cursor(Protocol):
    """What jobs read of a statement: DB-API's cursor, as sqlite3 and psycopg give it."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


class Connection(Protocol):
    """The connection a job is given (sqlite3's, or storage/postgres.py's psycopg one): the
    statements of storage/ as written, `?` or `:name` placeholders; rows by index or by name.
    `executemany`'s rowcount is the rows the statements changed, summed."""

    def execute(self, sql: str, params: Any = ..., /) -> Any: ...

    def executemany(self, sql: str, params: Iterable[Any], /) -> Any: ...

    @property
    def in_transaction(self) -> bool: ...

    def close(self) -> None: ...


Job = Callable[[Connection], T]


# Times are kept as UTC ISO 8601 text (PostgreSQL keeps timestamptz and gives the same text back).
def iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment else None


def when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
