"""The domain exception of the facilities app."""


class FacilitiesError(Exception):
    """A change was refused; the message is in French, ready to show to the user."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
