"""LLM faults (issue #14, defects 3, 8, 9): whatever an OpenAI-compatible server answers, a
round's close publishes a summary, never an invented citation, never a foreign link. Through
the real openai client against the local fake server, and the real summary service on a real
SQLite file."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from roundtable.llm import LLM, open_llm
from roundtable.settings import load_settings
from roundtable.summaries.llm_engine import LLMSummariser
from roundtable.summaries.service import SummaryService
from sandbox.fake_openai import FakeOpenAI, Reply
from storage.database import Database
from storage.summaries import SummaryRepository
from tests.fixtures.discussions import GUILD, fixed_round, services

HTML = "<!DOCTYPE html><html><body><h1>Welcome to nginx!</h1></body></html>"


def completion(message: object, usage: object) -> dict:
    return {
        "id": "x",
        "object": "chat.completion",
        "created": 0,
        "model": "m",
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
        "usage": usage,
    }


GOOD = json.dumps(
    {
        "points": [{"label": "export controls", "text": "Members weighed the bans.", "ids": ["1"]}],
        "disagreements": [],
        "decisions": [],
    }
)
ODD = {
    "an HTML page (a wrong base URL)": Reply(raw=HTML),
    "plain text": Reply(raw="Service temporarily unavailable", content_type="text/plain"),
    "null usage fields": Reply(
        body=completion(
            {"role": "assistant", "content": "not json"},
            {"prompt_tokens": None, "completion_tokens": None},
        )
    ),
    "string usage": Reply(
        body=completion({"role": "assistant", "content": "nope"}, "lots of tokens")
    ),
    "a null message": Reply(body=completion(None, None)),
    "no choices": Reply(body={"id": "x", "object": "chat.completion", "choices": []}),
    "an error object with status 200": Reply(body={"error": {"message": "quota exceeded"}}),
    "truncated JSON": Reply.text('{"points": [{"text": "cut sh'),
    "the wrong shape": Reply.json({"summary": "All good."}),
    "a 500 error": Reply.failure(500),
    "a 429 storm": Reply.failure(429),
}


@pytest.fixture
async def llm() -> AsyncIterator[tuple[FakeOpenAI, LLM]]:
    async with FakeOpenAI() as fake:
        env = {"OPENAI_BASE_URL": fake.base_url, "OPENAI_MODEL": "fake-model"}
        async with open_llm(load_settings(env, need_token=False)) as client:
            assert client is not None
            yield fake, client


async def test_a_slow_server_and_a_refused_connection_fall_back(db: Database) -> None:
    """A server that answers after the timeout, and a port where nothing listens."""
    round_id = await fixed_round(db)
    async with FakeOpenAI() as fake:
        fake.script(*[Reply.json({"points": []}, delay=5.0)] * 12)
        slow = {"OPENAI_BASE_URL": fake.base_url, "OPENAI_MODEL": "m", "LLM_TIMEOUT_SECONDS": "0.5"}
        closed_port = fake.base_url  # nothing listens there once the server below has stopped
        async with open_llm(load_settings(slow, need_token=False)) as client:
            assert client is not None
            service = await summary_service(db, client)
            record = await service.rounds.get(GUILD, round_id)
            made = await service.make(record, engine="llm")
            assert made.summary.engine == "offline"
            assert "timed out" in made.summary.notes[0].lower()
    refused = {"OPENAI_BASE_URL": closed_port, "OPENAI_MODEL": "m", "LLM_TIMEOUT_SECONDS": "2"}
    async with open_llm(load_settings(refused, need_token=False)) as client:
        assert client is not None
        service = await summary_service(db, client)
        async with db.transaction() as conn:
            await conn.execute("DELETE FROM summaries")
        made = await service.make(record, engine="llm")
        assert made.summary.engine == "offline"
        assert made.summary.notes[0].startswith("The LLM could not write this summary")


async def test_a_slow_server_within_the_timeout_still_writes_the_summary(db: Database) -> None:
    round_id = await fixed_round(db)
    async with FakeOpenAI() as fake:
        fake.default = lambda request: Reply.json(
            {"points": [{"label": "l", "text": "A slow point.",
                         "ids": [str(n) for n in range(1, 12)]}],
             "disagreements": [], "decisions": []},
            delay=0.8,
        )  # fmt: skip
        env = {"OPENAI_BASE_URL": fake.base_url, "OPENAI_MODEL": "m", "LLM_TIMEOUT_SECONDS": "5"}
        async with open_llm(load_settings(env, need_token=False)) as client:
            assert client is not None
            service = await summary_service(db, client)
            record = await service.rounds.get(GUILD, round_id)
            made = await service.make(record, engine="llm")
    assert made.summary.engine == "llm"
    assert any(p.text == "A slow point." for s in made.summary.sections for p in s.points)


async def summary_service(db: Database, client: LLM) -> SummaryService:
    s = await services(db)
    return SummaryService(
        SummaryRepository(db), s.rounds, s.privacy, s.summaries.config, LLMSummariser(client)
    )


@pytest.mark.parametrize("kind", sorted(ODD))
async def test_any_odd_answer_falls_back_to_the_offline_summary(
    db: Database, llm: tuple[FakeOpenAI, LLM], kind: str
) -> None:
    fake, client = llm
    round_id = await fixed_round(db)
    service = await summary_service(db, client)
    record = await service.rounds.get(GUILD, round_id)
    fake.script(*[ODD[kind]] * 12)  # every request and re-ask of every section
    made = await service.make(record, engine="llm")
    assert made.summary.engine == "offline", kind
    assert made.summary.notes[0].startswith("The LLM could not write this summary"), kind
    assert any(s.points for s in made.summary.sections)
    stored = await db.fetch_one("SELECT engine FROM summaries WHERE round_id = ?", (round_id,))
    assert stored["engine"] == "offline"


async def test_content_as_a_list_of_parts_is_read(llm: tuple[FakeOpenAI, LLM]) -> None:
    fake, client = llm
    parts = [{"type": "text", "text": GOOD[:40]}, {"type": "text", "text": GOOD[40:]}]
    fake.script(Reply(body=completion({"role": "assistant", "content": parts}, None)))
    from tests.roundtable.summaries.test_summaries_llm import small

    summary = await LLMSummariser(client).summarise(small(), excluded=set())
    assert summary.engine == "llm"
    assert [(p.label, p.text) for p in summary.sections[0].points] == [
        ("export controls", "Members weighed the bans.")
    ]
    assert (summary.prompt_tokens, summary.completion_tokens) == (0, 0)


async def test_links_in_model_text_never_reach_the_summary(llm: tuple[FakeOpenAI, LLM]) -> None:
    fake, client = llm
    from tests.roundtable.summaries.test_summaries_llm import small

    fake.script(
        Reply.json(
            {
                "points": [
                    {
                        "label": "[verify](https://evil.example/login)",
                        "text": "Members must [verify at discord.com/verify](https://evil.example)"
                        " or see https://evil.example/x and <https://evil.example/y>.",
                        "ids": ["1"],
                    }
                ],
                "disagreements": [],
                "decisions": [{"text": "Agreed: go to http://evil.example", "ids": ["2"]}],
            }
        )
    )
    summary = await LLMSummariser(client).summarise(small(), excluded=set())
    [point] = summary.sections[0].points
    assert point.label == "verify"
    assert point.text == (
        "Members must verify at discord.com/verify or see (link removed) and (link removed)."
    )
    assert [p.text for p in summary.decisions] == ["Agreed: go to (link removed)"]
    assert "evil.example" not in repr(summary)


async def test_a_section_whose_citations_are_all_invented_gets_the_offline_points(
    llm: tuple[FakeOpenAI, LLM],
) -> None:
    fake, client = llm
    from tests.roundtable.summaries.test_summaries_llm import small

    fake.script(
        Reply.json(
            {
                "points": [{"label": "x", "text": "Invented.", "ids": ["404", "999"]}],
                "disagreements": [],
                "decisions": [],
            }
        )
    )
    summary = await LLMSummariser(client).summarise(small(), excluded=set())
    points = summary.sections[0].points
    assert points and "Invented." not in [p.text for p in points]
    assert all(set(p.message_ids) <= {111, 222, 333, 444} for p in points)
    assert "the offline summary's points are shown there" in summary.notes[-1]
