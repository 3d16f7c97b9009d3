"""Everything the Discord side is handed: the core's services, built once by the composition
root (app.py) from the stores storage implements, and given to the Bot. Nothing here connects
or opens anything."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from roundtable.clock import Clock
from roundtable.exports.service import ExportService
from roundtable.guild_config import GuildConfig
from roundtable.packs.library import PackLibrary
from roundtable.packs.worker import ProcessRunner
from roundtable.privacy.service import PrivacyService
from roundtable.progress.service import ProgressService
from roundtable.rounds import RoundService
from roundtable.rounds.capture import ReplyCapture
from roundtable.scheduler import Scheduler
from roundtable.series.service import SeriesService
from roundtable.suggestions.service import SuggestionService
from roundtable.summaries.service import SummaryService


@dataclass(frozen=True, slots=True)
class Services:
    clock: Clock
    guild_config: GuildConfig
    packs: PackLibrary
    rounds: RoundService
    series: SeriesService
    scheduler: Scheduler  # the one wake-up for timed work; the Bot's timer task sleeps in it
    privacy: PrivacyService
    summaries: SummaryService
    suggestions: SuggestionService  # questions members suggest
    progress: ProgressService  # how far members have read
    exports: ExportService
    capture: ReplyCapture  # thread messages into the rounds service, in batches
    imports: ProcessRunner  # the worker process that reads imported files
    optimize: Callable[[], Awaitable[None]]  # the database's upkeep (query planner statistics)
