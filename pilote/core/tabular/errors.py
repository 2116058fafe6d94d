"""The error of a file that cannot be read as a table."""

from __future__ import annotations

DAMAGED = "Le classeur est endommagé ou tronqué : il ne peut pas être ouvert."


class TabularError(Exception):
    """A file that cannot be read as a table; the message is for the user, in French.

    problems lists, when the fault lies in given cells, each as (row number, column header,
    French message), for import reports that show them line by line.
    """

    def __init__(self, message: str, *, problems: list[tuple[int, str, str]] | None = None):
        super().__init__(message)
        self.problems = problems or []
