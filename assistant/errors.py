"""The one exception type users see: bad input, reported as a single readable line."""


class InputError(Exception):
    """Raised for input the assistant cannot read; its message is shown to the user verbatim."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason

    def __reduce__(self):
        """Rebuilt from its two parts, so that it crosses from a worker process intact."""
        return InputError, (self.source, self.reason)
