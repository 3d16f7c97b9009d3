"""Roundtable's command line: parses, checks settings, and runs; app.py builds the bot.

python bot.py [run]                      connect to Discord and serve (the default)
python bot.py sync                       register the slash commands (DEV_GUILD_ID, else global)
python bot.py demo                       a scripted session against the sandbox, no token needed
python bot.py pack check FILE [--json]   the sections, parts and questions of a text
python bot.py summarize FILE [--engine offline|llm] [--format md|json]
                                         summarise an exported discussion
python bot.py export [--guild ID] [--round N | --pack SLUG | --series N] --format md|json|csv|html
                                         export rounds from the database (-o FILE)
python bot.py backup FILE                a consistent copy of the SQLite database, while it runs
python bot.py migrate-sqlite-to-postgres SQLITE_FILE
                                         copy a SQLite database into PostgreSQL (DATABASE_URL)

After any `make` target, `.venv/bin/roundtable` runs this file with the venv's Python.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dotenv import load_dotenv

from roundtable.settings import (
    README_APP_SECTION,
    Settings,
    SettingsError,
    database_url,
    load_settings,
)
from storage.database import DatabaseError
from storage.shard_leases import ShardsTaken

if TYPE_CHECKING:  # discord.py and openai load only for the commands that need them
    from cogs.support.bot import RoundtableBot
    from roundtable.summaries.model import Discussion, Summary
    from storage.shards import Shards

EXIT_CONFIG = 2


class StartupError(Exception):
    """Start-up cannot go on; the message is one sentence for the host."""


def _stop_on_signals(bot: RoundtableBot) -> None:
    """SIGTERM and SIGINT close the bot; main() then closes the database. discord.py has no
    SIGTERM handler of its own, so without this a `kill` would skip the clean shutdown."""
    loop = asyncio.get_running_loop()
    closing: list[asyncio.Task[None]] = []  # keep a reference so the task is not collected

    def close() -> None:
        if not closing:
            closing.append(loop.create_task(bot.close()))

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, close)


def _shards(settings: Settings, args: argparse.Namespace) -> Shards | None:
    """`--shard-count N --shards A-B`: this process runs shards A to B of N (None: one process
    for the whole bot, as many shards as discord.py decides)."""
    from storage.shards import Shards

    count, shards_arg = getattr(args, "shard_count", None), getattr(args, "shards", None)
    if count is None:
        if shards_arg is not None:
            raise SettingsError("--shards needs --shard-count (the total number of shards).")
        return None
    if count < 1:
        raise SettingsError(f"--shard-count must be 1 or more, not {count}.")
    try:
        shards = Shards.parse(count, shards_arg)
    except ValueError as exc:
        raise SettingsError(str(exc)) from exc
    if settings.database_url is None and shards.ids != list(range(shards.count)):
        raise SettingsError(
            "Several processes need one shared database: set DATABASE_URL to PostgreSQL "
            "(SQLite is one process's file), see docs/scale-out.md."
        )
    return shards


async def _with_bot(
    settings: Settings,
    action: Callable[[RoundtableBot], Coroutine[Any, Any, None]],
    shards: Shards | None = None,
) -> None:
    import discord

    from app import open_bot
    from cogs.support.bot import point_at_discord_compatible_server

    point_at_discord_compatible_server(settings)
    clock = None
    if settings.demo_clock is not None:  # the demo's fast clock (only with the sandbox)
        from roundtable.clock import FastClock

        clock = FastClock(*settings.demo_clock)
    async with open_bot(settings, clock=clock, shards=shards, lease=action is _run) as bot:
        _stop_on_signals(bot)
        try:
            await action(bot)
        except discord.LoginFailure as exc:
            raise StartupError(
                "Discord refused DISCORD_TOKEN: reset the token on the Developer Portal's "
                f'"Bot" page and put the new one in .env, see {README_APP_SECTION}.'
            ) from exc
        except discord.PrivilegedIntentsRequired as exc:
            raise StartupError(
                "MESSAGE_CONTENT_INTENT is on but the Message Content intent is not enabled "
                "for this application: switch it on under Bot > Privileged Gateway Intents, "
                "or set MESSAGE_CONTENT_INTENT=false."
            ) from exc


async def _login(bot: RoundtableBot) -> None:
    """Log in (this runs setup_hook, which loads the cogs). Discord out of reach at start-up is
    one sentence for the host; once connected, discord.py reconnects by itself."""
    import aiohttp
    import discord

    where = bot.settings.discord_api_base or "Discord"
    try:
        await bot.login(bot.settings.discord_token)
    except discord.DiscordServerError as exc:
        raise StartupError(
            f"Discord answered {exc.status} ({exc.response.reason}) at log-in: Discord itself "
            "is having trouble; start the bot again in a few minutes."
        ) from exc
    except (aiohttp.ClientError, OSError, TimeoutError) as exc:
        reason = str(exc) or type(exc).__name__
        raise StartupError(
            f"Cannot reach {where} ({reason}): check this machine's network connection and DNS, "
            "then start the bot again."
        ) from exc


async def _run(bot: RoundtableBot) -> None:
    await _login(bot)
    await bot.connect()


async def _sync(bot: RoundtableBot) -> None:
    await _login(bot)
    synced = await bot.sync_commands()
    where = f"to guild {bot.settings.dev_guild_id}" if bot.settings.dev_guild_id else "globally"
    names = ", ".join(sorted(f"/{c.name}" for c in synced))
    print(f"Synced {len(synced)} command(s) {where}: {names}")


def _pack_check(path: Path, *, as_json: bool) -> int:
    from roundtable.errors import UserError
    from roundtable.packs import report

    if not path.is_file():
        print(f"roundtable: {path} is not a file.", file=sys.stderr)
        return 1
    try:
        preview = asyncio.run(report.check_bytes(report.read_limited(path), path.name))
    except UserError as exc:
        print(f"roundtable: {path}: {exc}", file=sys.stderr)
        return 1
    print(report.dumps(preview) if as_json else report.as_text(preview))
    return 0


def _summarize(path: Path, *, engine: str, output: str) -> int:
    import json

    from roundtable.errors import UserError
    from roundtable.summaries import offline, render
    from roundtable.summaries.model import only_real_citations
    from roundtable.summaries.sources import read_discussions

    if not path.is_file():
        print(f"roundtable: {path} is not a file.", file=sys.stderr)
        return 1
    made = []
    try:
        discussions = read_discussions(path.read_bytes())
        settings = load_settings(os.environ, need_token=False) if engine == "llm" else None
        for discussion in discussions:
            if settings is not None:
                summary = asyncio.run(_llm_summary(settings, discussion))
            else:
                summary = offline.summarise(discussion)
            made.append((discussion, only_real_citations(summary, discussion)))
    except (UserError, SettingsError) as exc:
        print(f"roundtable: {path}: {exc}", file=sys.stderr)
        return 1
    if output == "json":
        body = [summary.to_json() for _, summary in made]
        print(json.dumps(body[0] if len(body) == 1 else body, indent=2, ensure_ascii=False))
        return 0
    for n, (discussion, summary) in enumerate(made):
        ids = {"guild_id": discussion.guild_id, "channel_id": discussion.channel_id}
        print(("\n" if n else "") + render.markdown(summary, **ids), end="")
    return 0


def _export(args: argparse.Namespace) -> int:
    from roundtable.errors import UserError

    try:
        settings = load_settings(os.environ, need_token=False)
        written = asyncio.run(_write_export(settings, args))
    except (UserError, SettingsError, DatabaseError) as exc:
        print(f"roundtable: {exc}", file=sys.stderr)
        return 1
    print(written)
    return 0


def _backup(where: str) -> int:
    """A consistent copy of the SQLite database, safe while the bot runs (SQLite's online backup
    API: pages are copied in steps, and a write meanwhile restarts the copy)."""
    import sqlite3

    try:
        settings = load_settings(os.environ, need_token=False)
        if settings.database_url:
            raise SettingsError(
                "DATABASE_URL is set: back PostgreSQL up with pg_dump; backup copies the SQLite "
                "file of DATABASE_PATH."
            )
        source_path = settings.database_path
        if not source_path.is_file():
            raise SettingsError(f"There is no database at {source_path} (DATABASE_PATH).")
        target = Path(where)
        if where.endswith(("/", os.sep)) or target.is_dir():  # a folder, made when missing
            target = target / source_path.name
        if target.exists():
            raise SettingsError(f"{target} exists already: name a new file.")
        target.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
        try:
            with sqlite3.connect(target) as copy:
                source.backup(copy, pages=1024)
            copy.close()
        finally:
            source.close()
    except (SettingsError, sqlite3.Error, OSError) as exc:
        print(f"roundtable: {exc}", file=sys.stderr)
        return 1
    print(f"Wrote {target}: a copy of {source_path}, {target.stat().st_size:,} bytes.")
    return 0


def _migrate_to_postgres(sqlite_file: Path) -> int:
    try:
        url = database_url(os.environ)
        if url is None:
            raise SettingsError(
                "DATABASE_URL is not set: set it to the PostgreSQL database to copy into "
                "(postgresql://USER:PASSWORD@HOST:5432/NAME)."
            )
        from storage.migrate import copy_sqlite_to_postgres

        copied = asyncio.run(copy_sqlite_to_postgres(sqlite_file, url, progress=print))
    except (SettingsError, DatabaseError) as exc:
        print(f"roundtable: {exc}", file=sys.stderr)
        return 1
    total = sum(c.rows for c in copied)
    print(f"Copied {total} rows in {len(copied)} tables; every table's row count matches.")
    return 0


async def _write_export(settings: Settings, args: argparse.Namespace) -> str:
    import shutil
    import tempfile

    from roundtable.errors import UserError
    from roundtable.exports.model import Scope
    from roundtable.exports.service import ExportService
    from storage.database import open_database
    from storage.exports import ExportStorage

    if not settings.database_url and not settings.database_path.is_file():
        raise UserError(f"There is no database at {settings.database_path} (DATABASE_PATH).")
    if args.round is not None:
        scope = Scope("round", round_id=args.round)
    elif args.pack is not None:
        scope = Scope("pack", pack_slug=args.pack)
    elif args.series is not None:
        scope = Scope("series", series_id=args.series)
    else:
        scope = Scope("server")
    async with open_database(settings.database_path, settings.database_url) as db:
        service = ExportService(ExportStorage(db))
        guild = args.guild if args.guild is not None else await service.only_guild()
        request = await service.request(
            guild,
            scope=scope,
            format=args.format,
            include=args.include,
            anonymise=args.anonymise,
            bom=args.bom,
            since=args.since,
            until=args.until,
            server_name=args.server_name,
        )
        with tempfile.TemporaryDirectory(prefix="roundtable-export-") as folder:
            exported = await service.export(request, Path(folder))
            (made,) = exported.files
            target = args.output or Path(made.name)
            if target.is_dir():
                target = target / made.name
            elif target.suffix != made.suffix and made.suffix == ".zip":
                target = target.with_name(target.name + ".zip")  # CSV everything is a zip
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(made, target)
    return (
        f"Wrote {target}: {exported.rounds} round{'s' if exported.rounds != 1 else ''}, "
        f"{exported.responses:,} answers and replies, {target.stat().st_size:,} bytes."
    )


async def _llm_summary(settings: Settings, discussion: Discussion) -> Summary:
    from roundtable.errors import UserError
    from roundtable.llm import open_llm
    from roundtable.prompting import LLMError
    from roundtable.summaries.llm_engine import LLMSummariser

    async with open_llm(settings) as llm:
        if llm is None:
            raise UserError(
                "--engine llm needs OPENAI_MODEL and OPENAI_API_KEY or OPENAI_BASE_URL."
            )
        try:
            return await LLMSummariser(llm).summarise(discussion, excluded=set())
        except LLMError as exc:
            raise UserError(f"the LLM could not summarise it: {exc}") from exc


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="roundtable", description="Roundtable, a Discord bot for reading and debate groups."
    )
    parser.add_argument(
        "--env-file",
        type=Path,
        default=Path(".env"),
        help="file of settings to load before the environment (default: .env)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    run = sub.add_parser("run", help="connect to Discord and serve (the default)")
    run.add_argument(
        "--shard-count",
        type=int,
        metavar="N",
        help="run as one of several processes: the total number of shards (all processes "
        "give the same N; needs DATABASE_URL)",
    )
    run.add_argument(
        "--shards",
        metavar="A-B",
        help="the shards this process runs, e.g. 0-3 (default: all N)",
    )
    sub.add_parser(
        "sync",
        help="register the slash commands with Discord: to DEV_GUILD_ID when set, else globally",
    )
    pack = sub.add_parser("pack", help="work with reading packs offline")
    pack_sub = pack.add_subparsers(dest="pack_command", metavar="PACK_COMMAND", required=True)
    check = pack_sub.add_parser(
        "check", help="show the sections, parts and questions a text or pack file would give"
    )
    check.add_argument(
        "file",
        type=Path,
        help="a plain text, Markdown (a pack file is Markdown with front matter), "
        "reStructuredText, HTML (a saved web page), PDF or EPUB file",
    )
    check.add_argument("--json", action="store_true", help="print JSON instead of text")
    summarize = sub.add_parser(
        "summarize",
        help="summarise a discussion file: a Roundtable JSON export or discussion, or a "
        "DiscordChatExporter JSON export of any channel or thread",
    )
    summarize.add_argument("file", type=Path, help="the discussion file (JSON)")
    summarize.add_argument(
        "--engine",
        choices=("offline", "llm"),
        default="offline",
        help="offline (default, no API key) or llm (the OpenAI-compatible server of OPENAI_* "
        "in .env)",
    )
    summarize.add_argument(
        "--format",
        choices=("md", "json"),
        default="md",
        dest="output",
        help="Markdown with footnotes (default) or the summary as JSON",
    )
    export = sub.add_parser(
        "export",
        help="export rounds and their summaries from the database (DATABASE_PATH) as "
        "Markdown, JSON, CSV or HTML",
    )
    export.add_argument(
        "--guild",
        type=int,
        metavar="SERVER_ID",
        help="the server's ID (may be left out when the database holds one server's rounds): "
        "in Discord turn on Settings > Advanced > Developer Mode, then right-click the "
        "server's icon > Copy Server ID",
    )
    which = export.add_mutually_exclusive_group()
    which.add_argument("--round", type=int, help="one round, by its number")
    which.add_argument("--pack", help="every round of a pack, by its slug")
    which.add_argument("--series", type=int, help="every round of a scheduled series")
    export.add_argument(
        "--format",
        choices=("md", "json", "csv", "html"),
        required=True,
        help="Markdown, JSON (with its JSON Schema), CSV (a zip of tables when several) or "
        "a self-contained HTML report",
    )
    export.add_argument(
        "--include",
        choices=("summaries", "answers", "everything"),
        default="everything",
        help="the summaries only, the answers only, or both with thread replies (default)",
    )
    export.add_argument("--since", help="rounds opened on or after this day (YYYY-MM-DD)")
    export.add_argument("--until", help="rounds opened on or before this day (YYYY-MM-DD)")
    export.add_argument(
        "--anonymise", action="store_true", help="replace every name with a pseudonym"
    )
    export.add_argument(
        "--server-name",
        metavar="NAME",
        help="the server's name, for the export's title (the database does not keep it)",
    )
    export.add_argument(
        "--excel",
        "--bom",
        dest="bom",
        action="store_true",
        help="CSV for Excel: byte-order mark, formulas and ids kept as text (default: plain "
        "RFC 4180 CSV, for other programs)",
    )
    export.add_argument(
        "-o", "--output", type=Path, help="file or folder to write (default: here, named)"
    )
    backup = sub.add_parser(
        "backup",
        help="copy the SQLite database (DATABASE_PATH) to a new file; safe while the bot runs",
    )
    backup.add_argument(
        "file", help="the copy to write: a new file, or a folder (ending in /) to write it in"
    )
    migrate = sub.add_parser(
        "migrate-sqlite-to-postgres",
        help="copy a SQLite database into the PostgreSQL database of DATABASE_URL (row counts "
        "verified; safe to run again)",
    )
    migrate.add_argument(
        "sqlite_file", type=Path, metavar="SQLITE_FILE", help="the bot's SQLite database file"
    )
    sub.add_parser(
        "demo",
        help="run the sandbox and the bot as two processes through a scripted session "
        "(no token needed); transcript in data/demo/transcript.md",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = args.command or "run"
    if command == "pack":
        return _pack_check(args.file, as_json=args.json)
    if command == "demo":
        from sandbox.demo import main as demo  # the sandbox is only needed here

        return demo()  # the demo sets up its own settings: the host's .env is not read
    if args.env_file.is_file():
        load_dotenv(args.env_file, override=False)
    if command == "summarize":
        return _summarize(args.file, engine=args.engine, output=args.output)
    if command == "export":
        return _export(args)
    if command == "migrate-sqlite-to-postgres":
        return _migrate_to_postgres(args.sqlite_file)
    if command == "backup":
        return _backup(args.file)
    try:
        settings = load_settings(os.environ)
    except SettingsError as exc:
        print(f"roundtable: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    import discord

    discord.utils.setup_logging(level=settings.log_level_number)
    action = {"run": _run, "sync": _sync}[command]
    try:
        shards = _shards(settings, args) if command == "run" else None
    except SettingsError as exc:
        print(f"roundtable: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(_with_bot(settings, action, shards))
    except (StartupError, DatabaseError, ShardsTaken) as exc:
        logging.getLogger("roundtable").debug("Start-up stopped", exc_info=exc)
        print(f"roundtable: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    return 0


def cli(argv: Sequence[str] | None = None) -> int:
    """main(), and a reader that stops early (`… | head`) ends it quietly, as Unix tools do."""
    try:
        code = main(argv)
        sys.stdout.flush()
    except BrokenPipeError:
        # Python's advice (the signal module's docs): point stdout at devnull so that the flush
        # at exit does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as exc:  # the file system refused: a name too long, no permission, disk full
        name = str(exc.filename or "")
        where = f"{name[:120]}{'…' if len(name) > 120 else ''}: " if name else ""
        print(f"roundtable: {where}{exc.strerror or exc}.", file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":
    sys.exit(cli())
