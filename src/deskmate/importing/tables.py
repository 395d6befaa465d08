"""Rows of a CSV or spreadsheet, addressed by column name, with spreadsheet row numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from deskmate.importing.errors import (
    MALFORMED_CSV,
    MISSING_COLUMNS,
    TOO_MANY_CELLS,
    TOO_MANY_ROWS,
    ErrorCollector,
    ImportFileError,
)
from deskmate.importing.safety import BINARY_CONTENT, ZipLimits, open_zip

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
#: What a table of any origin may be separated by: Excel's "Unicode text" uses tabs,
#: European spreadsheets semicolons, some database exports a vertical bar.
TABLE_DELIMITERS = ",;\t|"


def sniff_delimiter(text: str, *, header: str | None = None, delimiters: str = DELIMITERS) -> str:
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
        sniffed = csv.Sniffer().sniff(sample, delimiters=delimiters).delimiter
    except csv.Error:
        sniffed = ","
    if header is None:
        return sniffed
    wanted = header_key(header)
    lines = sample.splitlines()[:MAX_PREAMBLE_ROWS]
    for candidate in (sniffed, *(d for d in delimiters if d != sniffed)):
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


# ---------------------------------------------------------------- what a file is


NOT_A_TABLE_PDF = (
    "This is a PDF, not a table: export the answers as CSV or as an Excel workbook (.xlsx) "
    "and upload that"
)
NOT_A_TABLE_IMAGE = (
    "This is an image ({kind}), not a table: export the answers as CSV or as an Excel "
    "workbook (.xlsx) and upload that"
)
OLD_EXCEL = "This is an old Excel workbook (.xls): save it as .xlsx or as CSV and upload that"
NOT_A_WORKBOOK = "the file is not an Excel workbook that can be read ({detail})"
EMPTY_WORKBOOK = "the workbook has no sheet"
#: How far a workbook's parts may be compressed (sheets of repeated cells compress well).
XLSX_MAX_RATIO = 250

_IMAGES = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
)


def sniff_content(raw: bytes, *, file: str) -> str:
    """What the bytes are, whatever the file is called: ``"workbook"`` or ``"text"``.

    A PDF, an image or an old binary Excel workbook is refused as what it is.

    >>> sniff_content(b"PK\\x03\\x04...", file="answers.csv")
    'workbook'
    >>> sniff_content(b"Name,Email\\n", file="answers.xlsx")
    'text'
    """
    if b"%PDF-" in raw[:1024]:
        raise ImportFileError(file, None, None, NOT_A_TABLE_PDF)
    for signature, kind in _IMAGES:
        if raw.startswith(signature):
            raise ImportFileError(file, None, None, NOT_A_TABLE_IMAGE.format(kind=kind))
    if raw[:4] == b"RIFF" and raw[8:12] == b"WEBP":
        raise ImportFileError(file, None, None, NOT_A_TABLE_IMAGE.format(kind="WebP"))
    if raw[4:8] == b"ftyp" and raw[8:12] in (b"heic", b"heix", b"mif1", b"avif"):
        raise ImportFileError(file, None, None, NOT_A_TABLE_IMAGE.format(kind="HEIC"))
    if raw.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise ImportFileError(file, None, None, OLD_EXCEL)
    if raw.startswith(b"PK\x03\x04"):
        return "workbook"
    return "text"


def _looks_like_utf16(raw: bytes) -> str | None:
    """ "utf-16-le" or "utf-16-be" for UTF-16 text without a byte-order mark, else None."""
    sample = raw[:400]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > len(odd) * 0.6 and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) > len(even) * 0.6 and odd.count(0) == 0:
        return "utf-16-be"
    return None


def decode_table_text(raw: bytes, *, file: str) -> str:
    """Text of a CSV as spreadsheets and form tools write it.

    UTF-8 with or without a byte-order mark (Excel's "CSV UTF-8"), UTF-16 with
    a mark (Excel's "Unicode text") or without one, and, when the bytes are not
    UTF-8, Windows-1252 (Excel's plain "CSV" on Windows).
    """
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        encoding: str | None = "utf-16"
    else:
        encoding = _looks_like_utf16(raw)
    if encoding is not None:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            raise ImportFileError(file, None, None, BINARY_CONTENT) from None
        return text.removeprefix("\ufeff")
    if b"\x00" in raw:
        raise ImportFileError(file, None, None, BINARY_CONTENT)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        raise ImportFileError(file, None, None, BINARY_CONTENT) from None


def workbook_records(raw: bytes, *, file: str) -> Iterator[tuple[int, list[str]]]:
    """Records of a workbook's first sheet, numbered as the spreadsheet numbers them."""
    import openpyxl  # only needed for workbooks, and slow to import

    open_zip(raw, file=file, limits=ZipLimits(max_bytes=len(raw) + 1, max_ratio=XLSX_MAX_RATIO))
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise ImportFileError(file, None, None, NOT_A_WORKBOOK.format(detail=error)) from None
    try:
        if not workbook.worksheets:
            raise ImportFileError(file, None, None, EMPTY_WORKBOOK)
        records = []
        for cells in workbook.worksheets[0].iter_rows():
            number = next((cell.row for cell in cells if getattr(cell, "row", None)), None)
            if number is not None:
                records.append((number, [cell_text(cell.value) for cell in cells]))
    finally:
        workbook.close()
    return iter(records)


def cell_text(value: Any) -> str:
    """A workbook cell as the text a CSV export of it would hold."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def table_records(raw: bytes, *, file: str) -> Iterator[tuple[int, list[str]]]:
    """The records of an uploaded table, whatever its name says: a workbook or a CSV.

    The content decides: an .xlsx is read as a workbook even when it is called
    ``answers.csv``; CSV text may be in any encoding :func:`decode_table_text`
    reads, separated by any of :data:`TABLE_DELIMITERS`.
    """
    if sniff_content(raw, file=file) == "workbook":
        return workbook_records(raw, file=file)
    text = decode_table_text(raw, file=file)
    return csv_records(
        text, file=file, delimiter=sniff_delimiter(text, delimiters=TABLE_DELIMITERS)
    )
