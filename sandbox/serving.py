"""Run an aiohttp app on a loopback port, as an async context manager base class."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Self

from aiohttp import web


class LoopbackServer(ABC):
    """Subclasses build their app in `make_app`; `start` binds 127.0.0.1 (port 0: any free)."""

    host = "127.0.0.1"

    def __init__(self) -> None:
        self.port = 0
        self._runner: web.AppRunner | None = None

    @abstractmethod
    def make_app(self) -> web.Application:
        """The aiohttp application to serve."""

    async def start(self, port: int = 0) -> Self:
        self._runner = web.AppRunner(self.make_app(), handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        await self.started()
        return self

    async def started(self) -> None:  # noqa: B027 (an optional hook, empty by default)
        """Hook: runs once the port is known."""

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
