"""The domain exception of the governance app."""


class GovernanceError(Exception):
    """A change was refused; the message is in French, ready to show to the user.

    `field` names the form field the message is about, when there is one.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
