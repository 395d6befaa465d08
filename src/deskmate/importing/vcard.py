"""vCard files (.vcf): one or many cards, versions 3.0 and 4.0 (2.1 where it parses).

Cards are cut apart here and each is read by ``vobject``, so a broken card is
reported by its number while the others are still checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, BinaryIO

import vobject

from deskmate.importing.errors import INVALID_EMAIL, ErrorCollector, ImportFileError
from deskmate.importing.names import is_email_address
from deskmate.importing.safety import decode_text, read_upload

__all__ = ["Contact", "parse_vcards"]

DEFAULT_FILENAME = "contacts.vcf"
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_CARDS = 50_000

NO_CARDS = "no vCard (BEGIN:VCARD … END:VCARD) was found"
TOO_MANY_CARDS = "the file has more than {limit} cards"
UNTERMINATED = "the card has no END:VCARD"
UNREADABLE_PROPERTY = "cannot be read ({detail})"
UNREADABLE_CARD = "the card cannot be read ({detail})"
NO_NAME = "the card has no name (FN or N)"
UNSUPPORTED_VERSION = '"{value}" is not a supported vCard version (expected 2.1, 3.0 or 4.0)'

_SUPPORTED_VERSIONS = frozenset({"2.1", "3.0", "4.0"})
_BEGIN = "BEGIN:VCARD"
_END = "END:VCARD"
_PROPERTY_NAME = re.compile(r"(?:[A-Za-z0-9-]+\.)?([A-Za-z0-9-]+)")


@dataclass(frozen=True, slots=True)
class Contact:
    #: The card's position in the file, from 1.
    card: int
    full_name: str
    first_name: str
    last_name: str
    emails: tuple[str, ...]
    organisation: str
    title: str
    urls: tuple[str, ...]
    phones: tuple[str, ...]


def parse_vcards(
    data: bytes | BinaryIO,
    *,
    filename: str = DEFAULT_FILENAME,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_cards: int = DEFAULT_MAX_CARDS,
) -> tuple[Contact, ...]:
    """Every card in a vCard file, in file order.

    Raises :class:`~deskmate.importing.errors.ImportFileErrors` naming each bad
    card ("contacts.vcf, card 3, "EMAIL": ...") after reading them all.
    """
    raw = read_upload(data, file=filename, max_bytes=max_bytes)
    text = decode_text(raw, file=filename, allow_utf16=True)
    blocks = _split_cards(text, file=filename, max_cards=max_cards)
    collector = ErrorCollector()
    contacts = []
    for number, block in enumerate(blocks, start=1):
        contact = _read_card(block, number=number, file=filename, collector=collector)
        if contact is not None:
            contacts.append(contact)
    collector.raise_if_any()
    return tuple(contacts)


def _split_cards(text: str, *, file: str, max_cards: int) -> list[str]:
    blocks: list[str] = []
    current: list[str] = []
    depth = 0
    for line in text.splitlines(keepends=True):
        marker = line.strip().upper()
        if marker == _BEGIN:
            depth += 1
        if depth:
            current.append(line)
        if marker == _END and depth:
            depth -= 1
            if depth == 0:
                blocks.append("".join(current))
                current = []
                if len(blocks) > max_cards:
                    raise ImportFileError(file, None, None, TOO_MANY_CARDS.format(limit=max_cards))
    if depth:
        raise ImportFileError(file, len(blocks) + 1, None, UNTERMINATED, unit="card")
    if not blocks:
        raise ImportFileError(file, None, None, NO_CARDS)
    return blocks


def _error(file: str, card: int, field: str | None, message: str) -> ImportFileError:
    return ImportFileError(file, card, field, message, unit="card")


def _read_card(block: str, *, number: int, file: str, collector: ErrorCollector) -> Contact | None:
    try:
        card = vobject.readOne(block, validate=False)
    except vobject.base.ParseError as error:
        line = _failed_line(error)
        field = _property_name(line)
        detail = f'line "{line}"' if line else str(error)
        if field is None:
            collector.add(_error(file, number, None, UNREADABLE_CARD.format(detail=detail)))
        else:
            collector.add(_error(file, number, field, UNREADABLE_PROPERTY.format(detail=detail)))
        return None
    except Exception as error:  # vobject raises assorted errors on malformed values
        collector.add(_error(file, number, None, UNREADABLE_CARD.format(detail=error)))
        return None

    contents: dict[str, list[Any]] = card.contents
    version = _text(contents, "version")
    if version and version not in _SUPPORTED_VERSIONS:
        message = UNSUPPORTED_VERSION.format(value=version)
        collector.add(_error(file, number, "VERSION", message))
        return None

    emails = []
    for line in contents.get("email", []):
        value = _value_text(line.value).strip()
        if not value:
            continue
        if value.lower().startswith("mailto:"):
            value = value[len("mailto:") :]
        if not is_email_address(value):
            collector.add(_error(file, number, "EMAIL", INVALID_EMAIL.format(value=value)))
            return None
        emails.append(value)

    first_name = last_name = ""
    if "n" in contents:
        name = contents["n"][0].value
        first_name = _value_text(getattr(name, "given", "")).strip()
        last_name = _value_text(getattr(name, "family", "")).strip()
    full_name = _text(contents, "fn") or " ".join(part for part in (first_name, last_name) if part)
    if not full_name:
        collector.add(_error(file, number, "FN", NO_NAME))
        return None

    organisation = ""
    if "org" in contents:
        org = contents["org"][0].value
        organisation = (org[0] if isinstance(org, list) and org else _value_text(org)).strip()

    return Contact(
        card=number,
        full_name=full_name,
        first_name=first_name,
        last_name=last_name,
        emails=tuple(emails),
        organisation=organisation,
        title=_text(contents, "title"),
        urls=_all_text(contents, "url"),
        phones=tuple(_phone(value) for value in _all_text(contents, "tel")),
    )


def _value_text(value: object) -> str:
    if isinstance(value, list | tuple):
        return " ".join(str(part) for part in value if part)
    return "" if value is None else str(value)


def _text(contents: dict[str, list[Any]], name: str) -> str:
    lines = contents.get(name)
    return _value_text(lines[0].value).strip() if lines else ""


def _all_text(contents: dict[str, list[Any]], name: str) -> tuple[str, ...]:
    values = (_value_text(line.value).strip() for line in contents.get(name, []))
    return tuple(value for value in values if value)


def _phone(value: str) -> str:
    """A phone number without the ``tel:`` URI prefix vCard 4.0 allows."""
    return value[len("tel:") :] if value.lower().startswith("tel:") else value


def _failed_line(error: Exception) -> str:
    prefix = "Failed to parse line: "
    text = str(error)
    at = text.find(prefix)
    return text[at + len(prefix) :].strip() if at >= 0 else ""


def _property_name(line: str) -> str | None:
    """The property a content line is about, "EMAIL" for "item2.EMAIL;TYPE=…:x"."""
    match = _PROPERTY_NAME.match(line)
    if match is None or match.end() == len(line) or line[match.end()] not in ":;":
        return None
    return match[1].upper()
