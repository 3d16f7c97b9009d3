"""Errors the core raises for the person who asked; cogs show the message as it is."""


class UserError(Exception):
    """Bad input or a refused action. The message is a complete sentence for the member."""
