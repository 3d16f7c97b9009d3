"""What every cog shares: the Bot, the command tree and its error path, permission checks."""
