"""The statements of `storage/` are written once, in the SQL both backends share; this turns one
into the form psycopg sends to PostgreSQL: `?` placeholders become `%s`, `:name` ones `%(name)s`,
a literal `%` is doubled, and the one table function SQLite and PostgreSQL spell differently (a
JSON array of ids, `json_each(?) AS x`) is rewritten. Placeholders in quoted text and comments
are left as they are. Translations are cached: the statements are constants.
"""

from __future__ import annotations

import re
from functools import lru_cache

# SQLite: `json_each(?)` yields a `value` column. PostgreSQL: the array's elements as bigints.
_JSON_IDS = re.compile(r"json_each\(\?\)\s+AS\s+", re.IGNORECASE)
_JSON_IDS_PG = (
    "(SELECT CAST(value AS BIGINT) AS value FROM json_array_elements_text(CAST(? AS json))) AS "
)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@lru_cache(maxsize=1024)
def to_postgres(sql: str) -> str:
    """psycopg's text of `sql` (values then go as a sequence for `?`, a mapping for `:name`)."""
    sql = _JSON_IDS.sub(_JSON_IDS_PG, sql)
    out: list[str] = []
    named = False
    positional = 0
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch in "'\"":  # a quoted string or identifier, with doubled quotes inside
            end = i + 1
            while end < n:
                if sql[end] == ch:
                    if end + 1 < n and sql[end + 1] == ch:
                        end += 2
                        continue
                    break
                end += 1
            out.append(sql[i : end + 1].replace("%", "%%"))
            i = end + 1
        elif ch == "-" and sql.startswith("--", i):
            end = sql.find("\n", i)
            end = n if end < 0 else end
            out.append(sql[i:end].replace("%", "%%"))
            i = end
        elif ch == "?":
            positional += 1
            out.append("%s")
            i += 1
        elif ch == "%":
            out.append("%%")
            i += 1
        elif ch == ":" and i + 1 < n and sql[i + 1] != ":" and (i == 0 or sql[i - 1] != ":"):
            match = _NAME.match(sql, i + 1)
            if match is None:
                out.append(ch)
                i += 1
                continue
            named = True
            out.append(f"%({match.group()})s")
            i = match.end()
        else:
            out.append(ch)
            i += 1
    if positional and named:
        raise ValueError("A statement mixes ? and :name placeholders.")
    return "".join(out)
