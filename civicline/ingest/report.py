"""Where an import problem is, and what it is: the types every reader reports with."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Location:
    """A place in an imported file; unknown parts are None and left out of `str()`."""

    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None  # the column header (or docx key) as written in the file
    field: str | None = None  # the wire/guide field the column maps to, when it differs
    section: str | None = None  # a docx heading, for guides read from documents

    def __str__(self) -> str:
        parts = [self.file]
        if self.sheet is not None:
            parts.append(f"sheet {self.sheet}")
        if self.section is not None:
            parts.append(f"section {self.section}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            shown = f"column {self.column}"
            if self.field and self.field != self.column:
                shown += f" ({self.field})"
            parts.append(shown)
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """Something wrong in an imported file; `message` is Chinese and never echoes personal data."""

    # A warning is informational: the data around it was still imported.

    location: Location
    message: str
    warning: bool = False

    def __str__(self) -> str:
        return f"{self.location}: {'提示：' if self.warning else ''}{self.message}"
