"""The error a hook step reports to the user."""


class HookError(RuntimeError):
    """Something the user must know about; ``str()`` is the line to show them."""
