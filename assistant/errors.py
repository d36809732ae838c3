"""The exception types users see, each reported as a single readable line: bad input, an index
database that cannot be used, and a configuration the index cannot be used with."""


class InputError(Exception):
    """Raised for input the assistant cannot read; its message is shown to the user verbatim."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason

    def __reduce__(self):
        """Rebuilt from its two parts, so that it crosses from a worker process intact."""
        return InputError, (self.source, self.reason)


class StoreError(Exception):
    """The index database cannot be used as it is (unreachable, or written by a newer program); its
    message is one line for the user."""


class ConfigurationError(Exception):
    """The configured environment cannot serve the index (an embedding that is not installed, or
    one that differs from the index's); its message says what to do."""
