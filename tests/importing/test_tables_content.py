"""What a table file is, decided by its content: refused PDFs and images, workbooks by any name, CSV in any common encoding and delimiter."""

import io

import openpyxl
import pytest

from deskmate.importing.errors import ImportFileError
from deskmate.importing.safety import BINARY_CONTENT
from deskmate.importing.tables import (
    NOT_A_TABLE_IMAGE,
    NOT_A_TABLE_PDF,
    OLD_EXCEL,
    table_records,
)

ROWS = [["Name", "Email", "Topics"], ["Zoë Müller", "zoe@example.org", "Control, Dynamics"]]


def records(raw: bytes, name: str = "answers.csv") -> list[tuple[int, list[str]]]:
    return list(table_records(raw, file=name))


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", NOT_A_TABLE_PDF),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", NOT_A_TABLE_IMAGE.format(kind="PNG")),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", NOT_A_TABLE_IMAGE.format(kind="JPEG")),
        (b"GIF89a\x01\x00", NOT_A_TABLE_IMAGE.format(kind="GIF")),
        (b"\x00\x00\x00\x18ftypheic\x00\x00", NOT_A_TABLE_IMAGE.format(kind="HEIC")),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40, OLD_EXCEL),
    ],
)
def test_a_pdf_an_image_or_an_old_workbook_is_refused_as_what_it_is(raw, message):
    with pytest.raises(ImportFileError) as refused:
        records(raw)
    assert str(refused.value) == f"answers.csv: {message}"


def test_an_xlsx_is_read_as_a_workbook_whatever_its_name():
    workbook = openpyxl.Workbook()
    for row in ROWS:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    for name in ("answers.csv", "answers.txt", "answers"):
        assert records(buffer.getvalue(), name) == [(1, ROWS[0]), (2, ROWS[1])]


def csv_text(delimiter: str) -> str:
    return "\r\n".join(
        delimiter.join(f'"{cell}"' if "," in cell else cell for cell in row) for row in ROWS
    )


@pytest.mark.parametrize(
    ("raw", "label"),
    [
        (csv_text(",").encode("utf-8"), "UTF-8"),
        (b"\xef\xbb\xbf" + csv_text(",").encode("utf-8"), "UTF-8 with a byte-order mark"),
        (csv_text("\t").encode("utf-16"), "UTF-16 with a mark, tabs (Excel's Unicode text)"),
        (csv_text("\t").encode("utf-16-le"), "UTF-16 without a mark"),
        (csv_text(";").encode("cp1252"), "Windows-1252, semicolons (a European Excel CSV)"),
        (csv_text("|").encode("utf-8"), "vertical bars"),
    ],
)
def test_csv_in_the_common_encodings_and_delimiters(raw, label):
    assert records(raw) == [(1, ROWS[0]), (2, ROWS[1])], label


def test_binary_that_is_not_a_known_format_is_refused():
    with pytest.raises(ImportFileError) as refused:
        records(b"Name,Email\n\x00\x01\x02\x03garbage\x00\xff")
    assert str(refused.value) == f"answers.csv: {BINARY_CONTENT}"
