"""Persistence: every SQL statement, the migrations, and repositories returning dataclasses."""

from storage.database import Database, DatabaseError

__all__ = ["Database", "DatabaseError"]
