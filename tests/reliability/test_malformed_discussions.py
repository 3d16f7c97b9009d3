"""`python bot.py summarize` on malformed files (issue #14, defect 12): a clear sentence and
exit status 1 for each, never a traceback; files too big to read are refused with a message."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from roundtable.errors import UserError
from roundtable.summaries import sources
from roundtable.summaries.sources import read_discussions

ROOT = Path(__file__).resolve().parents[2]
OURS = {"format": "roundtable-discussion/1", "title": "t", "questions": ["q?"]}
EXPORT = {"format": "roundtable-export/1", "guild_id": "1"}
GOOD_MESSAGE = {"id": "5", "content": "hello there", "author": {"id": "7", "name": "a"}}


def chat(*messages: object) -> dict:
    return {"guild": {"id": "1"}, "channel": {"id": "2"}, "messages": list(messages)}


MALFORMED: dict[str, bytes | object] = {
    "empty file": b"",
    "not JSON": b"hello",
    "binary": bytes(range(256)),
    "UTF-16 without a mark": '{"messages": []}'.encode("utf-16-le"),
    "a list": [],
    "a number": 42,
    "a string": "messages",
    "null": None,
    "an object of nothing known": {"hello": "world"},
    "deeply nested": b"[" * 100_000 + b"]" * 100_000,
    "messages not a list": {"messages": {"a": 1}},
    "a message that is a string": chat("hi"),
    "a message that is a list": chat([1, 2]),
    "a message without an id": chat({"content": "x", "author": {"id": "1"}}),
    "an id that is not a number": chat({**GOOD_MESSAGE, "id": "abc"}),
    "an author that is a string": chat({**GOOD_MESSAGE, "author": "ada"}),
    "an author id that is not a number": chat({**GOOD_MESSAGE, "author": {"id": "x"}}),
    "a garbage timestamp": chat({**GOOD_MESSAGE, "timestamp": "yesterday"}),
    "a reference that is a string": chat({**GOOD_MESSAGE, "reference": "5"}),
    "a bad reference id": chat({**GOOD_MESSAGE, "reference": {"messageId": "x"}}),
    "ours without contributions": {**OURS},
    "contributions not a list": {**OURS, "contributions": 5},
    "a contribution that is a string": {**OURS, "contributions": ["x"]},
    "a contribution without text": {**OURS, "contributions": [{"message_id": 1, "user_id": 2}]},
    "a question that is text": {
        **OURS,
        "contributions": [{"message_id": 1, "user_id": 2, "text": "x", "question": "one"}],
    },
    "a question zero": {
        **OURS,
        "contributions": [{"message_id": 1, "user_id": 2, "text": "x", "question": 0}],
    },
    "questions that are a string": {**OURS, "questions": "why?", "contributions": []},
    "stances that are numbers": {**OURS, "opening": {"1": 5}, "contributions": []},
    "opening that is a list": {**OURS, "opening": [1], "contributions": []},
    "a member id that is not a number": {**OURS, "opening": {"ada": "Agree"}, "contributions": []},
    "an export without rounds": {**EXPORT},
    "an export with no rounds": {**EXPORT, "rounds": []},
    "a round that is a string": {**EXPORT, "rounds": ["x"]},
    "a round with summaries only": {
        **EXPORT,
        "rounds": [{"id": "1", "section": {"title": "s"}, "questions": []}],
    },
    "a response without an id": {
        **EXPORT,
        "rounds": [{"id": "1", "section": {"title": "s"}, "responses": [{"text": "x"}]}],
    },
}


def raw(value: bytes | object) -> bytes:
    return value if isinstance(value, bytes) else json.dumps(value).encode()


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_each_malformed_file_gets_a_clear_sentence(name: str) -> None:
    with pytest.raises(UserError) as refused:
        read_discussions(raw(MALFORMED[name]))
    message = str(refused.value)
    assert message.endswith((".", ")")) and len(message) > 20, message


def test_the_command_line_never_shows_a_traceback(tmp_path: Path) -> None:
    failures = []
    for n, (name, value) in enumerate(sorted(MALFORMED.items())):
        path = tmp_path / f"{n}.json"
        path.write_bytes(raw(value))
        done = subprocess.run(
            [sys.executable, str(ROOT / "bot.py"), "summarize", str(path)],
            capture_output=True, text=True, timeout=60, env={}, cwd=tmp_path, check=False,
        )  # fmt: skip
        if done.returncode != 1 or "Traceback" in done.stderr or "roundtable:" not in done.stderr:
            failures.append((name, done.returncode, done.stderr[-300:]))
    assert failures == []


def test_files_too_big_to_read_are_refused_with_a_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sources, "MAX_FILE_BYTES", 1_000)
    with pytest.raises(UserError, match="a summary reads files of up to 1,000"):
        read_discussions(b" " * 1_001)
    monkeypatch.setattr(sources, "MAX_MESSAGES", 3)
    many = chat(*[{**GOOD_MESSAGE, "id": str(n)} for n in range(4)])
    with pytest.raises(UserError, match="It has 4 messages; a summary reads at most 3"):
        read_discussions(json.dumps(many).encode())
