"""Reading progress on a real database (SQLite, then PostgreSQL): the round's button only moves
it forward, /progress sets it either way, the spread per pack, scoping and /forget."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cogs.support.render import spread_by_section, spread_line
from roundtable.clock import ManualClock
from roundtable.errors import UserError
from roundtable.packs.library import PackLibrary
from roundtable.privacy.service import PrivacyService
from roundtable.progress.service import ProgressService
from storage.database import Database
from storage.packs import PackRepository
from storage.privacy import PrivacyRepository
from storage.progress import ProgressRepository

SHIPPED = "deepseek-r1-chinas-sputnik-moment"  # four sections
GUILD, ADA, BOB, CY = 1, 5, 6, 7


@pytest.fixture
async def progress(backend_db: Database) -> ProgressService:
    packs = PackLibrary(PackRepository(backend_db))
    await packs.sync_shipped()
    clock = ManualClock(datetime(2031, 5, 6, 7, 8, tzinfo=UTC))
    return ProgressService(ProgressRepository(backend_db), packs, clock)


async def test_the_button_moves_progress_forward_and_progress_sets_it_either_way(
    progress: ProgressService, backend_db: Database
) -> None:
    pack = (await PackLibrary(PackRepository(backend_db)).load(GUILD, SHIPPED))[0].id
    read = await progress.read(GUILD, ADA, pack, 2)
    assert (read.section, read.sections, read.section_title) == (2, 4, "No chips for China")
    assert (await progress.read(GUILD, ADA, pack, 3)).section == 3
    assert (await progress.read(GUILD, ADA, pack, 1)).section == 3  # an earlier round: kept
    assert (await progress.set(GUILD, ADA, SHIPPED, 1)).section == 1  # set back on purpose
    with pytest.raises(UserError, match="has sections 1 to 4, not 5"):
        await progress.set(GUILD, ADA, SHIPPED, 5)
    with pytest.raises(UserError, match="There is no pack 'nope' here"):
        await progress.set(GUILD, ADA, "nope", 1)
    assert await progress.get(GUILD, ADA, pack) == 1  # nothing half-written
    [mine] = await progress.mine(GUILD, ADA)
    assert (mine.pack_title, mine.section) == ("DeepSeek-R1: China's Sputnik moment?", 1)
    assert await progress.mine(2, ADA) == []  # another server


async def test_the_spread_of_a_packs_readers_and_forget(
    progress: ProgressService, backend_db: Database
) -> None:
    pack = (await PackLibrary(PackRepository(backend_db)).load(GUILD, SHIPPED))[0].id
    spread = await progress.of_pack(GUILD, pack)
    assert spread is not None and spread.counts == (0, 0, 0, 0)
    assert spread_line(spread, 2) == "Nobody has marked any of this pack read yet."
    for user, section in ((ADA, 2), (BOB, 4), (CY, 1)):
        await progress.read(GUILD, user, pack, section)
    await progress.read(2, ADA, pack, 4)  # another server's reader
    spread = await progress.of_pack(GUILD, pack)
    assert spread is not None and spread.counts == (1, 1, 0, 1)
    assert spread_line(spread, 2) == (
        "2 members (of 3 tracking this pack) read this section or further."
    )
    assert spread_by_section(spread) == "Read up to §1: 1 · §2: 1 · §4: 1 (3 members)"
    assert await progress.of_pack(GUILD, 999) is None  # no such pack
    await PrivacyService(PrivacyRepository(backend_db)).forget(GUILD, BOB)
    assert await progress.get(GUILD, BOB, pack) == 0
    spread = await progress.of_pack(GUILD, pack)
    assert spread is not None and spread.counts == (1, 1, 0, 0)
