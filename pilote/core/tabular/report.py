"""What an import found in a file: problems with their line and column, and the columns read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .reader import TabularError

MAX_REPORTED = 500  # problems listed; beyond, only counted


@dataclass(frozen=True)
class Problem:
    """A problem of the file: its line (None for the whole file), column and French message."""

    line: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"ligne {self.line}")
        if self.column:
            where.append(f"colonne « {self.column} »")
        if not where:
            return self.message[:1].upper() + self.message[1:]
        text = ", ".join(where)
        return f"{text[:1].upper()}{text[1:]} : {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "message": self.message}


@dataclass
class ImportReport:
    """Errors (counted, the first MAX_REPORTED listed), warnings and the columns read."""

    filename: str
    sheet: str = ""
    errors: list[Problem] = field(default_factory=list)
    error_count: int = 0
    warnings: list[Problem] = field(default_factory=list)
    columns: list[tuple[str, str]] = field(default_factory=list)  # (header, what it gives)

    @property
    def ok(self) -> bool:
        return not self.error_count

    @property
    def rejected_lines(self) -> int:
        return len({problem.line for problem in self.errors if problem.line is not None})

    def error(self, line: int | None, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED:
            self.errors.append(Problem(line, column, message))

    def warn(self, line: int | None, column: str, message: str) -> None:
        if len(self.warnings) < MAX_REPORTED:
            self.warnings.append(Problem(line, column, message))

    def unreadable(self, error: TabularError) -> None:
        """Report a file the reader refused: each faulty cell, or the whole file."""
        if error.problems:
            for line, column, message in error.problems:
                self.error(line, column, message)
        else:
            self.error(None, "", str(error))

    def summary(self, limit: int = 10) -> str:
        """Return the errors as one French text (for commands and the demo loader)."""
        lines = [str(problem) for problem in self.errors[:limit]]
        if self.error_count > limit:
            lines.append(f"… et {self.error_count - limit} autre(s) erreur(s).")
        return "\n".join(lines)
