"""The composition root: settings -> database and LLM -> stores -> services -> Bot.

The only module that knows every layer: storage's repositories are built here and handed to
the core's services as their stores, and the services to the Bot (cogs/support/bot.py), which
imports no storage. bot.py (the command line) calls `open_bot`; the tests build the same
services with `build_services`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from roundtable.clock import Clock
from roundtable.exports.service import ExportService
from roundtable.guild_config import GuildConfig
from roundtable.packs.library import PackLibrary
from roundtable.packs.worker import ProcessRunner
from roundtable.packs.writers import LLMWriter
from roundtable.privacy.service import PrivacyService
from roundtable.progress.service import ProgressService
from roundtable.rounds import RoundService
from roundtable.rounds.capture import ReplyCapture
from roundtable.scheduler import Scheduler
from roundtable.series.service import SeriesService
from roundtable.services import Services
from roundtable.settings import Settings
from roundtable.suggestions.service import SuggestionService
from roundtable.summaries.service import SummaryService
from storage.database import Database, open_database
from storage.exports import ExportStorage
from storage.guild_settings import GuildSettingsRepository
from storage.packs import PackRepository
from storage.privacy import PrivacyRepository
from storage.progress import ProgressRepository
from storage.rounds import RoundRepository
from storage.series import SeriesRepository
from storage.shard_leases import RENEW, ShardLeases
from storage.shards import Shards
from storage.suggestions import SuggestionRepository
from storage.summaries import SummaryRepository

if TYPE_CHECKING:
    from cogs.support.bot import RoundtableBot
    from roundtable.llm import LLM

log = logging.getLogger(__name__)


def build_services(
    settings: Settings,
    db: Database,
    llm: LLM | None = None,
    clock: Clock | None = None,
    shards: Shards | None = None,
) -> Services:
    """The core's services on `db`'s stores (queries across guilds see only `shards`)."""
    clock = clock or Clock()
    config = GuildConfig(GuildSettingsRepository(db), llm_configured=settings.llm is not None)
    # Imports run in a worker process: a book or a hostile text never slows the event loop.
    imports = ProcessRunner()
    packs = PackLibrary(
        PackRepository(db), writer=LLMWriter(llm, imports) if llm else None, run=imports
    )
    scheduler = Scheduler(clock)  # one wake-up for the timed work of rounds and series
    rounds = RoundService(RoundRepository(db, shards), packs, config, clock, scheduler=scheduler)
    series = SeriesService(
        SeriesRepository(db, shards), rounds, packs, config, clock, scheduler=scheduler
    )
    privacy = PrivacyService(PrivacyRepository(db))
    summaries = SummaryService(SummaryRepository(db), rounds, privacy, config, _llm_summariser(llm))
    suggestions = SuggestionService(SuggestionRepository(db), packs, clock)
    rounds.questions_added_by(suggestions.approved_for)  # approved ones join later rounds
    return Services(
        clock=clock,
        guild_config=config,
        packs=packs,
        rounds=rounds,
        series=series,
        scheduler=scheduler,
        privacy=privacy,
        summaries=summaries,
        suggestions=suggestions,
        progress=ProgressService(ProgressRepository(db), packs, clock),
        exports=ExportService(ExportStorage(db)),
        capture=ReplyCapture(rounds),
        imports=imports,
        optimize=db.optimize,
    )


def _llm_summariser(llm: LLM | None) -> Any:
    """The LLM engine only when an LLM is configured: it imports the offline engine (numpy)
    for its fallbacks, which a bot without an LLM loads on its first summary instead."""
    if llm is None:
        return None
    from roundtable.summaries.llm_engine import LLMSummariser

    return LLMSummariser(llm)


@asynccontextmanager
async def open_bot(
    settings: Settings,
    *,
    clock: Clock | None = None,
    shards: Shards | None = None,
    lease: bool = False,
    **client_options: Any,
) -> AsyncIterator[RoundtableBot]:
    """Open the database and the LLM, build the services and the Bot; close all on exit. With
    `lease` (the bot's `run`), the process holds its shards' lease while it runs."""
    from cogs.support.bot import make_bot
    from roundtable.llm import open_llm

    async with (
        open_database(settings.database_path, settings.database_url) as db,
        held(db, shards) if lease else contextlib.nullcontext(),
        open_llm(settings) as llm,
    ):
        services = build_services(settings, db, llm, clock, shards)
        bot = make_bot(
            settings=settings,
            services=services,
            shard_count=shards.count if shards else None,
            shard_ids=shards.ids if shards else None,
            **client_options,
        )
        async with bot:
            try:
                yield bot
            finally:
                # A close that SIGTERM began (bot.py) ends here too: the replies still waiting
                # in the capture are stored before the database closes.
                await bot.close()


@asynccontextmanager
async def held(db: Database, shards: Shards | None) -> AsyncIterator[None]:
    """The leases of the shards this process runs (all of them when `shards` is None), renewed
    while it runs; ShardsTaken when another live process runs some of them."""
    leases = ShardLeases(db, shards)
    await leases.acquire(datetime.now(UTC))

    async def renewing() -> None:
        while True:
            await asyncio.sleep(RENEW)
            try:
                if not await leases.renew(datetime.now(UTC)):
                    log.error(
                        "This process lost the lease of %s to another process",
                        shards or "the whole bot",
                    )
            except Exception:  # the database away for a moment: the lease lasts TTL
                log.exception("Could not renew the lease of %s", shards or "the whole bot")

    task = asyncio.create_task(renewing(), name="shard-leases")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        with contextlib.suppress(Exception):
            await leases.release()
