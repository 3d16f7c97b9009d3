"""A loopback Discord-compatible server for tests, `make demo` and benchmarks.

Real discord.py connects to it over HTTP and a websocket on 127.0.0.1; tests act as members
through `Sandbox` and read back everything the bot posted.
"""

from sandbox.limits import DiscordError
from sandbox.model import Channel, ChannelType, Guild, Message, Perm, Role, User
from sandbox.server import Sandbox, SandboxError
from sandbox.world import Interaction

__all__ = [
    "Channel",
    "ChannelType",
    "DiscordError",
    "Guild",
    "Interaction",
    "Message",
    "Perm",
    "Role",
    "Sandbox",
    "SandboxError",
    "User",
]
