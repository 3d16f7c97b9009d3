"""A member posting a round's summary for everyone (#27): once per five minutes per member and
round, on the bot's clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from roundtable.clock import ManualClock
from roundtable.errors import UserError
from roundtable.guild_config import GuildConfig
from roundtable.packs.library import PackLibrary
from roundtable.privacy.service import PrivacyService
from roundtable.rounds import RoundService
from roundtable.summaries.service import PUBLIC_POST_COOLDOWN, SummaryService
from storage.database import Database
from storage.guild_settings import GuildSettingsRepository
from storage.packs import PackRepository
from storage.privacy import PrivacyRepository
from storage.rounds import RoundRepository
from storage.summaries import SummaryRepository


async def test_one_public_post_per_member_and_round_in_five_minutes(db: Database) -> None:
    clock = ManualClock(datetime(2026, 12, 6, 20, 0, tzinfo=UTC))
    config = GuildConfig(GuildSettingsRepository(db), llm_configured=False)
    rounds = RoundService(RoundRepository(db), PackLibrary(PackRepository(db)), config, clock)
    summaries = SummaryService(
        SummaryRepository(db), rounds, PrivacyService(PrivacyRepository(db)), config
    )
    summaries.claim_public_post(1, 7, 42)
    for _ in range(20):
        with pytest.raises(UserError, match="post it again in 300 s"):
            summaries.claim_public_post(1, 7, 42)
    summaries.claim_public_post(1, 8, 42)  # another round
    summaries.claim_public_post(1, 7, 43)  # another member
    clock.advance(PUBLIC_POST_COOLDOWN - timedelta(seconds=1))
    with pytest.raises(UserError, match="post it again in 1 s"):
        summaries.claim_public_post(1, 7, 42)
    clock.advance(timedelta(seconds=1))
    summaries.claim_public_post(1, 7, 42)
