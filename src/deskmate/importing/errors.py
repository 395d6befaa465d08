"""The one error type every import parser raises, and the messages they share.

An error names where a person should look: the file, the row as a spreadsheet
shows it (the header is row 1, so the first record under it is row 2; for
vCard files the "row" is the card number), the column or property, and what
is wrong.
"""

from __future__ import annotations

from collections.abc import Iterable

# Messages shared by several parsers.  Parser-specific ones live in their module.
NOT_A_DATE = '"{value}" is not a date (expected e.g. "Jan 2020", "2019" or "12 Mar 2024")'
REQUIRED = "a value is required"
END_BEFORE_START = '"{end}" is before the start "{start}"'
MISSING_COLUMNS = "no header row with the columns {columns} was found"
TOO_MANY_CELLS = "the row has {count} cells but the header has {expected}"
TOO_MANY_ROWS = "the file has more than {limit:,} rows"
MALFORMED_CSV = "the file is not valid CSV here ({detail})"
INVALID_EMAIL = '"{value}" is not an email address'
TOO_MANY_ERRORS = "stopped after {count} errors"

#: Parsers stop collecting after this many errors; the rest of the file is not read.
MAX_ERRORS = 100


class ImportFileError(Exception):
    """Something in an imported file that stops it from being imported.

    ``row`` is the spreadsheet row (header = row 1) or, with ``unit="card"``,
    the 1-based card number in a vCard file; ``field`` is the column or
    property name.  Both are ``None`` when the problem concerns the whole file.
    """

    def __init__(
        self,
        file: str,
        row: int | None,
        field: str | None,
        message: str,
        *,
        unit: str = "row",
    ) -> None:
        self.file = file
        self.row = row
        self.field = field
        self.message = message
        self.unit = unit
        super().__init__(self._describe())

    def _describe(self) -> str:
        place = [self.file]
        if self.row is not None:
            place.append(f"{self.unit} {self.row}")
        if self.field is not None:
            place.append(f'"{self.field}"')
        return f"{', '.join(place)}: {self.message}"

    def __str__(self) -> str:
        return self._describe()

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.file!r}, {self.row!r}, {self.field!r}, {self.message!r})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ImportFileError) or type(other) is not type(self):
            return NotImplemented
        return (self.file, self.row, self.field, self.message, self.unit) == (
            other.file,
            other.row,
            other.field,
            other.message,
            other.unit,
        )

    def __hash__(self) -> int:
        return hash((self.file, self.row, self.field, self.message, self.unit))

    @property
    def errors(self) -> tuple[ImportFileError, ...]:
        """All errors this exception stands for; just itself for a single error."""
        return (self,)


class ImportFileErrors(ImportFileError):
    """Several errors found in one pass; behaves like the first for display.

    Catching :class:`ImportFileError` also catches this; read ``.errors`` for
    the full list.  ``truncated`` is true when the parser stopped early after
    :data:`MAX_ERRORS`.
    """

    def __init__(self, errors: Iterable[ImportFileError], *, truncated: bool = False) -> None:
        collected = tuple(errors)
        if not collected:
            raise ValueError("ImportFileErrors needs at least one error")
        self._errors = collected
        self.truncated = truncated
        first = collected[0]
        super().__init__(first.file, first.row, first.field, first.message, unit=first.unit)

    def _describe(self) -> str:
        text = super()._describe()
        others = len(self._errors) - 1
        if self.truncated:
            stopped = TOO_MANY_ERRORS.format(count=len(self._errors))
            return f"{text} (and {others} more errors; {stopped})"
        if others:
            return f"{text} (and {others} more {'error' if others == 1 else 'errors'})"
        return text

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self._errors)!r}, truncated={self.truncated!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ImportFileErrors) or type(other) is not type(self):
            return NotImplemented
        return self._errors == other._errors and self.truncated == other.truncated

    __hash__ = ImportFileError.__hash__

    @property
    def errors(self) -> tuple[ImportFileError, ...]:
        return self._errors


class ErrorCollector:
    """Gathers row errors while a parser keeps going, up to :data:`MAX_ERRORS`.

    Errors come out grouped by file (in the order files were first named) and
    by row within a file, whatever order the checks ran in.
    """

    def __init__(self, limit: int = MAX_ERRORS) -> None:
        self.limit = limit
        self.errors: list[ImportFileError] = []

    def add(self, error: ImportFileError) -> None:
        """Record ``error``; raise at once when the limit is reached."""
        self.errors.append(error)
        if len(self.errors) >= self.limit:
            raise ImportFileErrors(self._in_order(), truncated=True)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ImportFileErrors(self._in_order())

    def _in_order(self) -> list[ImportFileError]:
        files: dict[str, int] = {}
        for error in self.errors:
            files.setdefault(error.file, len(files))
        return sorted(self.errors, key=lambda error: (files[error.file], error.row or 0))
