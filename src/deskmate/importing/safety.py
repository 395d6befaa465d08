"""Guards every parser puts between an uploaded file and its own code.

Uploads are read into memory up to a bound; zip archives are inspected from
their central directory before anything is decompressed, and members are
decompressed in a stream that counts real bytes.  Nothing is ever written to
disk.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, BinaryIO, Protocol

from deskmate.importing.errors import ImportFileError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_UNCOMPRESSED",
    "DEFAULT_MAX_MEMBERS",
    "DEFAULT_MAX_RATIO",
    "RATIO_CHECK_MIN_BYTES",
    "SafeZip",
    "ZipLimits",
    "decode_text",
    "open_zip",
    "read_upload",
]

FILE_TOO_LARGE = "the file is larger than the {limit} limit"
NOT_A_ZIP = "not a zip archive"
CORRUPT_ZIP = "the zip archive is damaged ({detail})"
ENCRYPTED = 'the zip archive is password-protected ("{name}"); export it again without a password'
UNSAFE_PATH = 'the zip archive contains an unsafe file name "{name}"'
TOO_MANY_MEMBERS = "the zip archive has {count} files; at most {limit} are accepted"
UNCOMPRESSED_TOO_LARGE = "the zip archive would expand to more than {limit}"
RATIO_TOO_HIGH = (
    '"{name}" is compressed {ratio}:1, more than the {limit}:1 accepted; '
    "the archive looks like a zip bomb"
)
BINARY_CONTENT = "the file is not text (it contains binary data)"
NOT_UTF8 = "the file is not UTF-8 text; save it as UTF-8 and upload it again"

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
DEFAULT_MAX_UNCOMPRESSED = 256 * 1024 * 1024
DEFAULT_MAX_MEMBERS = 1_000
DEFAULT_MAX_RATIO = 100
#: Members smaller than this are not held to the ratio limit: tiny files
#: compress erratically and cannot hurt anyone.
RATIO_CHECK_MIN_BYTES = 1024 * 1024
_CHUNK = 64 * 1024


def format_size(size: int) -> str:
    """Bytes in the largest whole unit: ``format_size(64 * 1024 * 1024) == "64 MiB"``."""
    for unit, factor in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if size >= factor and size % factor == 0:
            return f"{size // factor} {unit}"
    return f"{size} bytes"


class _Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def read_upload(
    data: bytes | bytearray | BinaryIO | _Readable, *, file: str, max_bytes: int
) -> bytes:
    """The upload's bytes, refusing to read more than ``max_bytes``."""
    if isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data)
    else:
        raw = data.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise ImportFileError(file, None, None, FILE_TOO_LARGE.format(limit=format_size(max_bytes)))
    return raw


def decode_text(raw: bytes, *, file: str, allow_utf16: bool = False) -> str:
    """Text of a CSV or vCard member: UTF-8 with or without a byte-order mark.

    With ``allow_utf16``, a UTF-16 byte-order mark is honoured too (Excel's
    "Unicode text").  NUL bytes in anything else mean a binary file.
    """
    if allow_utf16 and raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportFileError(file, None, None, NOT_UTF8) from None
        if "\x00" in text:
            raise ImportFileError(file, None, None, BINARY_CONTENT)
        return text
    if b"\x00" in raw:
        raise ImportFileError(file, None, None, BINARY_CONTENT)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(file, None, None, NOT_UTF8) from None


@dataclass(frozen=True, slots=True)
class ZipLimits:
    """Bounds for one archive; defaults fit a LinkedIn archive comfortably."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_uncompressed: int = DEFAULT_MAX_UNCOMPRESSED
    max_members: int = DEFAULT_MAX_MEMBERS
    max_ratio: int = DEFAULT_MAX_RATIO


def _is_unsafe_name(name: str) -> bool:
    if not name or "\\" in name or "\x00" in name or name.startswith("/"):
        return True
    if len(name) >= 2 and name[1] == ":":  # a drive letter, "C:/..."
        return True
    return ".." in name.split("/")


class SafeZip:
    """A zip archive whose directory has passed the checks in :func:`open_zip`.

    ``read`` decompresses one member, counting real bytes against what is left
    of the archive's budget, whatever the member's header claims.
    """

    def __init__(self, archive: zipfile.ZipFile, *, file: str, limits: ZipLimits) -> None:
        self._archive = archive
        self.file = file
        self.limits = limits
        self._budget = limits.max_uncompressed

    def members(self) -> list[zipfile.ZipInfo]:
        """Files in the archive, folders left out."""
        return [info for info in self._archive.infolist() if not info.is_dir()]

    def read(self, info: zipfile.ZipInfo) -> bytes:
        chunks: list[bytes] = []
        total = 0
        try:
            with self._archive.open(info) as stream:
                for chunk in _chunks(stream):
                    total += len(chunk)
                    if total > self._budget or total > info.file_size:
                        raise ImportFileError(
                            self.file,
                            None,
                            None,
                            UNCOMPRESSED_TOO_LARGE.format(
                                limit=format_size(self.limits.max_uncompressed)
                            ),
                        )
                    chunks.append(chunk)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as error:
            raise ImportFileError(self.file, None, None, CORRUPT_ZIP.format(detail=error)) from None
        except NotImplementedError as error:  # an exotic compression method
            raise ImportFileError(self.file, None, None, CORRUPT_ZIP.format(detail=error)) from None
        self._budget -= total
        return b"".join(chunks)


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    while chunk := stream.read(_CHUNK):
        yield chunk


def open_zip(
    data: bytes | bytearray | BinaryIO | _Readable,
    *,
    file: str,
    limits: ZipLimits = ZipLimits(),
) -> SafeZip:
    """Open an uploaded zip archive after checking everything its directory says.

    Refused: uploads over ``max_bytes``; anything that is not a zip archive;
    encrypted members; names that could escape a folder (``..``, absolute
    paths, backslashes, drive letters); more than ``max_members`` entries;
    declared sizes adding up to more than ``max_uncompressed``; any member
    over :data:`RATIO_CHECK_MIN_BYTES` compressed more than ``max_ratio``:1.
    """
    raw = read_upload(data, file=file, max_bytes=limits.max_bytes)
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError):
        raise ImportFileError(file, None, None, NOT_A_ZIP) from None
    infos = archive.infolist()
    if len(infos) > limits.max_members:
        raise ImportFileError(
            file,
            None,
            None,
            TOO_MANY_MEMBERS.format(count=len(infos), limit=limits.max_members),
        )
    declared = 0
    for info in infos:
        if _is_unsafe_name(info.filename):
            raise ImportFileError(file, None, None, UNSAFE_PATH.format(name=info.filename))
        if info.flag_bits & 0x1:
            raise ImportFileError(file, None, None, ENCRYPTED.format(name=info.filename))
        declared += info.file_size
        if declared > limits.max_uncompressed:
            raise ImportFileError(
                file,
                None,
                None,
                UNCOMPRESSED_TOO_LARGE.format(limit=format_size(limits.max_uncompressed)),
            )
        if info.file_size >= RATIO_CHECK_MIN_BYTES:
            ratio = info.file_size // max(info.compress_size, 1)
            if ratio > limits.max_ratio:
                raise ImportFileError(
                    file,
                    None,
                    None,
                    RATIO_TOO_HIGH.format(name=info.filename, ratio=ratio, limit=limits.max_ratio),
                )
    return SafeZip(archive, file=file, limits=limits)
