"""Reading a member's upload without trusting its declared size: streamed, and stopped as soon
as it passes the limit (a forged 500 MB file costs us the limit, not 500 MB)."""

from __future__ import annotations

import aiohttp
import discord

from roundtable.errors import UserError

CHUNK = 64 * 1024


def too_big(filename: str, size: int, limit: int) -> UserError:
    return UserError(f"{filename} is {size:,} bytes; the limit is {limit:,}.")


async def read_limited(attachment: discord.Attachment, limit: int) -> bytes:
    if attachment.size > limit:
        raise too_big(attachment.filename, attachment.size, limit)
    data = bytearray()
    async with aiohttp.ClientSession() as session, session.get(attachment.url) as response:
        if response.status != 200:
            raise UserError(
                f"{attachment.filename} could not be downloaded from Discord "
                f"(status {response.status}): try again."
            )
        async for chunk in response.content.iter_chunked(CHUNK):
            data += chunk
            if len(data) > limit:
                raise UserError(
                    f"{attachment.filename} is more than {limit:,} bytes, the limit (its "
                    "declared size was wrong)."
                )
    return bytes(data)
