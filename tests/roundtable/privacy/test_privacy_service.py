"""The privacy service on a real SQLite file: the one owner of a member's choices."""

from __future__ import annotations

import pytest

from roundtable.errors import UserError
from roundtable.privacy.model import Privacy
from roundtable.privacy.service import PrivacyService
from storage.database import Database
from storage.privacy import PrivacyRepository


async def test_choices_are_kept_per_server_and_a_bad_choice_is_refused(db: Database) -> None:
    privacy = PrivacyService(PrivacyRepository(db))
    assert await privacy.get(1, 5) == Privacy(1, 5)  # the defaults: named, AI allowed
    assert await privacy.set(1, 5, no_ai=True, exports="anonymous") == Privacy(
        1, 5, True, "anonymous"
    )
    assert await privacy.opted_out_of_ai(1) == {5}
    assert await privacy.get(2, 5) == Privacy(2, 5)  # another server: untouched
    with pytest.raises(UserError, match="Exports are one of named, anonymous, excluded"):
        await privacy.set(1, 5, no_ai=False, exports="everyone")
    assert await privacy.get(1, 5) == Privacy(1, 5, True, "anonymous")  # nothing half-written
