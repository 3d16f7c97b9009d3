"""The Bot: receives its resources from main(), loads the cogs, pings nobody by default."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Callable, Sequence
from typing import Any

import discord
import yarl
from discord.ext import commands

from cogs import EXTENSIONS
from cogs.support.in_flight import InFlight
from cogs.support.timer import Timer
from cogs.support.tree import RoundtableTree
from cogs.support.watchdog import Watchdog
from roundtable.services import Services
from roundtable.settings import Settings

log = logging.getLogger(__name__)
UPKEEP_SECONDS = 6 * 3600
# discord.py dispatches this debug event for every gateway event; nothing here listens to it,
# and looking for a handler that is not there costs an AttributeError each time (~7 % of the
# event loop's time in a reply burst, py-spy). Listening to it would need removing it here.
UNHEARD = frozenset({"socket_event_type"})


# What the bot needs in the channels it posts rounds in; the README's invite URL asks for these.
REQUIRED_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    create_public_threads=True,
    manage_threads=True,
    embed_links=True,
    attach_files=True,
    read_message_history=True,
)


def build_intents(settings: Settings) -> discord.Intents:
    """Guilds and guild messages; message content only when the host switched it on."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.message_content = settings.message_content_intent
    return intents


def point_at_discord_compatible_server(settings: Settings) -> None:
    """Send HTTP and the gateway to DISCORD_API_BASE / DISCORD_GATEWAY_URL (our sandbox).

    Does nothing unless both are set. discord.py reads these class attributes on every request
    and every (re)connect, so this must run before login.
    """
    if settings.discord_api_base and settings.discord_gateway_url:
        discord.http.Route.BASE = settings.discord_api_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)
        log.warning("Using the Discord-compatible server at %s", settings.discord_api_base)


class RoundtableBot(commands.Bot):
    """The Discord side of Roundtable: handed its services by the composition root (app.py)
    and its settings; it opens nothing and imports no storage."""

    def __init__(
        self,
        *,
        settings: Settings,
        services: Services,
        extensions: Sequence[str] = EXTENSIONS,
        **client_options: Any,
    ) -> None:
        # The bot never joins voice: without this, every start logs that PyNaCl and davey are
        # missing ("voice will NOT be supported"), which reads as if something were broken.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=build_intents(settings),
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=RoundtableTree,
            **client_options,
        )
        self.settings = settings
        self.services = services
        self.started_at = services.clock.now()  # rounds reserved before it by a stopped run
        self.extension_names = tuple(extensions)
        self.clock = services.clock
        self.guild_config = services.guild_config
        self.imports = services.imports
        self.packs = services.packs
        self.rounds = services.rounds
        self.series = services.series
        self.privacy = services.privacy
        self.summaries = services.summaries
        self.suggestions = services.suggestions
        self.progress = services.progress
        self.exports = services.exports
        self.capture = services.capture
        self.timer = Timer(self)  # the one task for timed work; cogs register what it does
        self.watchdog = Watchdog()  # logs any hold-up of the event loop over 100 ms
        # Events handed over synchronously as discord.py dispatches them, instead of a task
        # per event (cogs/rounds/listeners.py registers the thread events here).
        self.intake: dict[str, Callable[..., None]] = {}
        self._upkeep: asyncio.Task[None] | None = None
        self.in_flight = InFlight()  # the interactions being handled, for a clean stop
        self._stopping: asyncio.Future[Any] | None = None

    def dispatch(self, event_name: str, /, *args: Any, **kwargs: Any) -> None:
        if event_name in UNHEARD:
            return
        take = self.intake.get(event_name)
        if take is None:
            super().dispatch(event_name, *args, **kwargs)
            return
        try:
            take(*args)
        except Exception:
            log.exception("Could not take in a %s event", event_name)
        # The fast path is only for when nobody else listens: a Cog.listener or add_listener for
        # this event, or a wait_for on it, still hears it (`_listeners` holds discord.py's
        # wait_for futures; without a listener, no task is made per message).
        if self.extra_events.get(f"on_{event_name}") or self._listeners.get(event_name):
            super().dispatch(event_name, *args, **kwargs)

    async def setup_hook(self) -> None:
        # The database was migrated when main() opened it (before any connection to Discord).
        for gone in await self.rounds.discard_unposted(self.started_at):
            log.warning("Round %s was being started when the bot stopped: forgotten", gone)
        log.info("Round threads known: %d", await self.rounds.load_threads())
        self.capture.start()
        self._upkeep = asyncio.create_task(self._optimize_every(UPKEEP_SECONDS), name="upkeep")
        shipped = await self.packs.sync_shipped()
        log.info("Shipped packs: %s", ", ".join(shipped) or "none")
        for name in self.extension_names:
            await self.load_extension(name)
        log.info(
            "Loaded %d extension(s): %s", len(self.extension_names), ", ".join(self.extension_names)
        )
        self.timer.start()  # waits until the bot is ready, then runs what the cogs registered
        # From here on the loop serves Discord (before, nothing is connected that could wait).
        self.watchdog.start()
        # What start-up made (modules, cogs, commands, caches) lives as long as the process:
        # out of the collector's sight, each collection looks at the messages' objects only.
        gc.freeze()

    async def sync_commands(self) -> list[discord.app_commands.AppCommand]:
        """Register the slash commands with Discord: DEV_GUILD_ID when set, else globally."""
        guild_id = self.settings.dev_guild_id
        if guild_id is None:
            return await self.tree.sync()
        guild = discord.Object(id=guild_id)
        self.tree.copy_global_to(guild=guild)
        return await self.tree.sync(guild=guild)

    async def close(self) -> None:
        """Stop cleanly, once: a second call (discord.py's, or the composition root's before
        it closes the database) waits for the first to finish."""
        if self._stopping is None:
            self._stopping = asyncio.ensure_future(self._close())
        await asyncio.shield(self._stopping)

    async def _close(self) -> None:
        # Before the connection closes: the timer's pass and the members' requests under way
        # finish within STOP_GRACE_SECONDS, or are cut short and the members told (in_flight.py).
        grace = self.settings.stop_grace_seconds
        await asyncio.gather(self.timer.stop(grace), self.in_flight.drain(grace))
        await super().close()
        await self.capture.stop()  # what was received is stored before the database closes
        if self._upkeep is not None:
            self._upkeep.cancel()
        await self.watchdog.stop()
        self.imports.close()  # the import worker process ends with the bot

    async def _optimize_every(self, seconds: float) -> None:
        """Keep the query planner's statistics current while the bot runs."""
        while True:
            await asyncio.sleep(seconds)
            try:
                await self.services.optimize()
            except Exception:
                log.exception("PRAGMA optimize failed")

    async def on_ready(self) -> None:
        # Fires again after every reconnect: never sync or create clients here.
        assert self.user is not None
        log.info("Connected as %s (%s) to %d guild(s)", self.user, self.user.id, len(self.guilds))


class ShardedRoundtableBot(RoundtableBot, commands.AutoShardedBot):
    """The same bot running a range of Discord's shards, as one of several processes
    (`python bot.py run --shard-count N --shards A-B`)."""


def make_bot(
    *, shard_count: int | None = None, shard_ids: list[int] | None = None, **options: Any
) -> RoundtableBot:
    """One process for everything (no shard count), or the process of `shard_ids` of
    `shard_count` shards."""
    if shard_count is None:
        return RoundtableBot(**options)
    log.info("Running shards %s of %d", shard_ids, shard_count)
    return ShardedRoundtableBot(shard_count=shard_count, shard_ids=shard_ids, **options)
