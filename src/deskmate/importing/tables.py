"""Rows of a CSV or spreadsheet, addressed by column name, with spreadsheet row numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from deskmate.importing.errors import (
    MALFORMED_CSV,
    MISSING_COLUMNS,
    TOO_MANY_CELLS,
    TOO_MANY_ROWS,
    ErrorCollector,
    ImportFileError,
)

#: How far down a file the header row may sit (LinkedIn puts notes above it).
MAX_PREAMBLE_ROWS = 20


@dataclass(frozen=True, slots=True)
class Column:
    """A column a parser understands: its name, other spellings, and whether it must exist."""

    name: str
    aliases: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True, slots=True)
class Row:
    """One record: its spreadsheet row number and its cells, stripped, by column name.

    Every column the parser asked for is there; one missing from the file reads
    as "".  ``cells`` follows the order of the parser's columns.
    """

    number: int
    cells: tuple[str, ...]
    index: dict[str, int]

    def __getitem__(self, name: str) -> str:
        return self.cells[self.index[name]]


def _clean(cell: str) -> str:
    """A cell stripped, with line breaks inside it as plain ``\\n``."""
    cell = cell.strip()
    if "\r" in cell:
        return cell.replace("\r\n", "\n").replace("\r", "\n")
    return cell


def header_key(label: str) -> str:
    """How header cells are compared: case, spacing, ``-`` and ``_`` do not matter."""
    return " ".join(
        label.replace("\ufeff", "").replace("_", " ").replace("-", " ").split()
    ).casefold()


@dataclass(frozen=True, slots=True)
class Table:
    file: str
    header_row: int
    #: Column name → the label the file uses for it, for columns the file has.
    labels: dict[str, str]
    #: Header labels the parser does not know, in file order.
    unknown_labels: tuple[str, ...]
    rows: tuple[Row, ...]

    def has(self, name: str) -> bool:
        return name in self.labels

    def label(self, name: str) -> str:
        """The column as the file spells it, for error messages."""
        return self.labels.get(name, name)


DELIMITERS = ",;\t"


def sniff_delimiter(text: str, *, header: str | None = None) -> str:
    r"""The field delimiter of CSV ``text``: comma, semicolon or tab.

    Python's sniffer decides from the first 64 KiB; when ``header`` is given, a
    delimiter that splits out a header cell with that name (compared by
    :func:`header_key`) in the first rows wins over the sniffed one.

    >>> sniff_delimiter("a;b;c\n1;2;3\n")
    ';'
    >>> sniff_delimiter("External ID\tName, full\nE1\tAda, L\n", header="external_id")
    '\t'
    >>> sniff_delimiter("")
    ','
    """
    sample = text[: 64 * 1024]
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = ","
    if header is None:
        return sniffed
    wanted = header_key(header)
    lines = sample.splitlines()[:MAX_PREAMBLE_ROWS]
    for candidate in (sniffed, *(d for d in DELIMITERS if d != sniffed)):
        for record in csv.reader(lines, delimiter=candidate):
            if any(header_key(cell) == wanted for cell in record):
                return candidate
    return sniffed


def csv_records(text: str, *, file: str, delimiter: str = ",") -> Iterator[tuple[int, list[str]]]:
    """Records of CSV text numbered as a spreadsheet numbers rows (from 1).

    A quoted field with line breaks is one record, and a blank line is a row of
    its own, exactly as a spreadsheet program shows the file.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"')
    number = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise ImportFileError(
                file, number + 1, None, MALFORMED_CSV.format(detail=error)
            ) from None
        number += 1
        yield number, record


@dataclass(frozen=True, slots=True)
class _Header:
    row: int
    width: int
    #: Position in the record → column name.
    positions: dict[int, str]
    labels: dict[str, str]
    unknown: tuple[str, ...]


def _header_of(record: Sequence[str], number: int, by_key: dict[str, str]) -> _Header:
    """What a record would say as the header: the known columns it names, and the others."""
    positions: dict[int, str] = {}
    labels: dict[str, str] = {}
    unknown: list[str] = []
    for index, label in enumerate(record):
        name = by_key.get(header_key(label))
        if name is not None and name not in labels:
            positions[index] = name
            labels[name] = label.replace("\ufeff", "").strip()
        elif label.strip():
            unknown.append(label.strip())
    width = max((i + 1 for i, label in enumerate(record) if label.strip()), default=0)
    return _Header(number, width, positions, labels, tuple(unknown))


def _find_header(
    iterator: Iterator[tuple[int, Sequence[str]]],
    *,
    file: str,
    columns: Sequence[Column],
) -> _Header:
    """The first of the top rows that names every required column; consumes up to it."""
    by_key: dict[str, str] = {}
    for column in columns:
        for spelling in (column.name, *column.aliases):
            by_key[header_key(spelling)] = column.name
    required = [column.name for column in columns if column.required]
    for number, record in iterator:
        if number > MAX_PREAMBLE_ROWS:
            break
        if not any(cell.strip() for cell in record):
            continue
        header = _header_of(record, number, by_key)
        if all(name in header.labels for name in required):
            return header
    names = ", ".join(f'"{name}"' for name in required) or "any known column"
    raise ImportFileError(file, None, None, MISSING_COLUMNS.format(columns=names))


def read_table(
    records: Iterable[tuple[int, Sequence[str]]],
    *,
    file: str,
    columns: Sequence[Column],
    collector: ErrorCollector,
    max_rows: int | None = None,
) -> Table:
    """Find the header row and read every non-blank record under it.

    The header is the first of the top :data:`MAX_PREAMBLE_ROWS` records that
    names every required column (or the first non-blank record when none is
    required).  Fully blank records are skipped.  A record with non-blank cells
    beyond the header's width is reported to ``collector``.
    """
    iterator = iter(records)
    header = _find_header(iterator, file=file, columns=columns)
    by_name = {name: index for index, name in header.positions.items()}
    # Absent columns read the "" appended to every record below.
    sources = [by_name.get(column.name, -1) for column in columns]
    width = max(sources) + 1
    column_positions = {column.name: position for position, column in enumerate(columns)}
    rows: list[Row] = []
    for number, record in iterator:
        joined = "".join(record)
        if not joined.strip():
            continue
        if max_rows is not None and len(rows) >= max_rows:
            raise ImportFileError(file, number, None, TOO_MANY_ROWS.format(limit=max_rows))
        if len(record) > header.width and "".join(record[header.width :]).strip():
            message = TOO_MANY_CELLS.format(count=len(record), expected=header.width)
            collector.add(ImportFileError(file, number, None, message))
            continue
        cells = list(record)
        if len(cells) < width:
            cells.extend([""] * (width - len(cells)))
        cells.append("")
        if "\r" in joined:
            rows.append(Row(number, tuple([_clean(cells[i]) for i in sources]), column_positions))
        else:
            rows.append(Row(number, tuple([cells[i].strip() for i in sources]), column_positions))
    return Table(file, header.row, header.labels, header.unknown, tuple(rows))
