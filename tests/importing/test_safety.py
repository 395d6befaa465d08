"""Hostile or broken uploads: each is refused before any of its content is used."""

import io
import zipfile

import pytest

from deskmate.importing.errors import ImportFileError
from deskmate.importing.linkedin import parse_linkedin_archive
from deskmate.importing.safety import (
    BINARY_CONTENT,
    CORRUPT_ZIP,
    ENCRYPTED,
    FILE_TOO_LARGE,
    NOT_A_ZIP,
    NOT_UTF8,
    RATIO_TOO_HIGH,
    TOO_MANY_MEMBERS,
    UNCOMPRESSED_TOO_LARGE,
    UNSAFE_PATH,
    format_size,
)
from tests.importing.archives import (
    POSITIONS_CSV,
    as_export_bytes,
    build_encrypted_zip,
    build_linkedin_zip,
    build_zip,
    build_zip_bomb,
)

ARCHIVE = "linkedin.zip"


def refusal(data: bytes, **limits: int) -> ImportFileError:
    with pytest.raises(ImportFileError) as caught:
        parse_linkedin_archive(data, filename=ARCHIVE, **limits)
    return caught.value


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    return build_zip_bomb()  # 200 MB of zeros


def test_zip_bomb_is_small_on_the_wire(zip_bomb: bytes) -> None:
    assert len(zip_bomb) < 1_000_000


def test_zip_bomb_refused_by_its_compression_ratio(zip_bomb: bytes) -> None:
    info = zipfile.ZipFile(io.BytesIO(zip_bomb)).infolist()[0]
    ratio = info.file_size // info.compress_size
    error = refusal(zip_bomb)
    assert (error.file, error.row, error.field) == (ARCHIVE, None, None)
    assert error.message == RATIO_TOO_HIGH.format(name="Connections.csv", ratio=ratio, limit=100)


def test_zip_bomb_refused_by_its_declared_size(zip_bomb: bytes) -> None:
    error = refusal(zip_bomb, max_ratio=10_000, max_uncompressed=100 * 1024 * 1024)
    assert str(error) == f"{ARCHIVE}: the zip archive would expand to more than 100 MiB"
    assert error.message == UNCOMPRESSED_TOO_LARGE.format(limit="100 MiB")


def test_declared_sizes_are_added_up_across_members() -> None:
    data = build_zip({f"part{i}.csv": b"x" * 600 for i in range(4)})
    error = refusal(data, max_uncompressed=2000)
    assert error.message == UNCOMPRESSED_TOO_LARGE.format(limit="2000 bytes")


def test_a_member_lying_about_its_size_is_refused() -> None:
    data = bytearray(build_linkedin_zip({"Positions.csv": POSITIONS_CSV}, folder=None))
    real_size = len(as_export_bytes(POSITIONS_CSV)).to_bytes(4, "little")
    # Shrink the declared size in both headers: decompression stops short and the CRC fails.
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.index(signature) + offset
        assert data[at : at + 4] == real_size
        data[at : at + 4] = (10).to_bytes(4, "little")
    error = refusal(bytes(data))
    assert error.message.startswith(CORRUPT_ZIP.format(detail="")[:-1])


@pytest.mark.parametrize(
    "name",
    [
        "../Positions.csv",
        "export/../../Positions.csv",
        "/etc/Positions.csv",
        "export\\Positions.csv",
        "C:/Users/Positions.csv",
        "..",
    ],
)
def test_names_that_escape_a_folder_are_refused(name: str) -> None:
    data = build_zip({"Profile.csv": "First Name\nAna\n", name: POSITIONS_CSV})
    error = refusal(data)
    assert error.message == UNSAFE_PATH.format(name=name)
    assert str(error) == f'{ARCHIVE}: the zip archive contains an unsafe file name "{name}"'


@pytest.mark.parametrize(
    "data",
    [b"", b"First Name,Last Name\r\nAna,Lopez\r\n", b"%PDF-1.7\n" + bytes(100), b"PK\x03\x04junk"],
)
def test_anything_but_a_zip_is_refused(data: bytes) -> None:
    assert str(refusal(data)) == f"{ARCHIVE}: {NOT_A_ZIP}"


def test_password_protected_archive_is_refused() -> None:
    error = refusal(build_encrypted_zip())
    assert error.message == ENCRYPTED.format(name="Positions.csv")


def test_too_many_members_are_refused() -> None:
    data = build_zip({f"file{i}.csv": "" for i in range(6)})
    error = refusal(data, max_members=5)
    assert error.message == TOO_MANY_MEMBERS.format(count=6, limit=5)


def test_upload_size_is_bounded() -> None:
    data = build_linkedin_zip()
    error = refusal(data, max_bytes=1024)
    assert str(error) == f"{ARCHIVE}: the file is larger than the 1 KiB limit"
    assert error.message == FILE_TOO_LARGE.format(limit="1 KiB")


def test_file_like_upload_is_bounded_without_reading_it_all() -> None:
    class Upload(io.BytesIO):
        largest_read = 0

        def read(self, size: int | None = -1) -> bytes:
            Upload.largest_read = max(Upload.largest_read, size if size is not None else -1)
            return super().read(size)

    upload = Upload(bytes(10_000))
    error = refusal(upload, max_bytes=100)  # type: ignore[arg-type]
    assert error.message == FILE_TOO_LARGE.format(limit="100 bytes")
    assert Upload.largest_read == 101


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10",
        b"Company Name,Title\r\nAcme\x00,Engineer\r\n",
    ],
)
def test_binary_content_inside_a_csv_is_refused_by_name(content: bytes) -> None:
    error = refusal(build_linkedin_zip({"Positions.csv": content}))
    assert str(error) == "Positions.csv: the file is not text (it contains binary data)"
    assert error.message == BINARY_CONTENT


def test_text_that_is_not_utf8_is_refused_by_name() -> None:
    content = "Company Name,Title,Started On\r\nSociété Générale,Analyst,2019\r\n".encode("cp1252")
    error = refusal(build_linkedin_zip({"Positions.csv": content}))
    assert (error.file, error.row, error.message) == ("Positions.csv", None, NOT_UTF8)


@pytest.mark.parametrize(
    ("size", "text"),
    [(1024**3, "1 GiB"), (64 * 1024**2, "64 MiB"), (2048, "2 KiB"), (1500, "1500 bytes")],
)
def test_format_size(size: int, text: str) -> None:
    assert format_size(size) == text
