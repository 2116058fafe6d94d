"""The domain exceptions of the document importer; their messages are French, for the user."""


class DocumentError(Exception):
    """A document that cannot be read: empty, damaged, protected, scanned, too big…"""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ApplyError(Exception):
    """A proposed plan that cannot be saved into this CTG; nothing was written."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
