import pytest

from deskmate.importing.errors import INVALID_EMAIL, ImportFileError
from deskmate.importing.safety import BINARY_CONTENT, FILE_TOO_LARGE, NOT_UTF8
from deskmate.importing.vcard import (
    NO_CARDS,
    NO_NAME,
    TOO_MANY_CARDS,
    UNREADABLE_PROPERTY,
    UNSUPPORTED_VERSION,
    UNTERMINATED,
    Contact,
    parse_vcards,
)
from tests.importing.archives import VCARD_30_PHONE, VCARD_40

JANE = Contact(
    card=1,
    full_name="Dr. Jane Q. Doe",
    first_name="Jane",
    last_name="Doe",
    emails=("jane.doe@acme.example", "jane@home.example"),
    organisation="Acme, Inc.",
    title="Head of Payments",
    urls=("https://www.linkedin.com/in/janedoe",),  # folded over two lines
    phones=("+44 7700 900123",),
)
JURGEN = Contact(
    card=2,
    full_name="Jürgen Müller",
    first_name="Jürgen",
    last_name="Müller",
    emails=(),
    organisation="",
    title="",
    urls=(),
    phones=("+49 30 123456",),
)
ANA = Contact(
    card=1,
    full_name="Ana López",
    first_name="Ana",
    last_name="López",
    emails=("ana@globex.example",),
    organisation="Globex",
    title="Product Manager",
    urls=("https://ana.example.es", "https://globex.example/ana"),
    phones=("+34-600-000-000",),
)

GOOD_CARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Good Card\r\nEND:VCARD\r\n"


def errors_of(text: str | bytes, **options: int) -> tuple[ImportFileError, ...]:
    data = text.encode() if isinstance(text, str) else text
    with pytest.raises(ImportFileError) as caught:
        parse_vcards(data, filename="contacts.vcf", **options)
    return caught.value.errors


def card_error(card: int, field: str | None, message: str) -> ImportFileError:
    return ImportFileError("contacts.vcf", card, field, message, unit="card")


def test_phone_export_version_3() -> None:
    assert parse_vcards(VCARD_30_PHONE.encode()) == (JANE, JURGEN)


def test_version_4_with_lf_line_ends() -> None:
    assert parse_vcards(VCARD_40.encode()) == (ANA,)


def test_many_cards_of_mixed_versions_with_a_bom() -> None:
    data = b"\xef\xbb\xbf" + (VCARD_30_PHONE + "\r\n" + VCARD_40).encode()
    contacts = parse_vcards(data)
    assert [contact.full_name for contact in contacts] == [
        "Dr. Jane Q. Doe",
        "Jürgen Müller",
        "Ana López",
    ]
    assert contacts[2].card == 3


def test_utf16_export() -> None:
    assert parse_vcards(VCARD_40.encode("utf-16")) == (ANA,)


def test_version_2_1_quoted_printable() -> None:
    card = (
        "BEGIN:VCARD\r\nVERSION:2.1\r\n"
        "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen;;;\r\n"
        "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen M=C3=BCller\r\n"
        "EMAIL;INTERNET;HOME:juergen@example.de\r\n"
        "END:VCARD\r\n"
    )
    assert parse_vcards(card.encode()) == (
        Contact(1, "Jürgen Müller", "Jürgen", "Müller", ("juergen@example.de",), "", "", (), ()),
    )


def test_name_taken_from_n_when_fn_is_missing_and_mailto_is_dropped() -> None:
    card = (
        "BEGIN:VCARD\nVERSION:4.0\nN:Nair;Priya;;;\n"
        "EMAIL:mailto:priya@example.in\nTEL:tel:+91-98-0000-0000\nEND:VCARD\n"
    )
    assert parse_vcards(card.encode()) == (
        Contact(
            1,
            "Priya Nair",
            "Priya",
            "Nair",
            ("priya@example.in",),
            "",
            "",
            (),
            ("+91-98-0000-0000",),
        ),
    )


def test_every_bad_card_is_named_with_its_property() -> None:
    text = (
        GOOD_CARD
        + "BEGIN:VCARD\nVERSION:3.0\nFN:Broken\nEMAIL;TYPE=WORK broken@example.org\nEND:VCARD\n"
        + "BEGIN:VCARD\nVERSION:3.0\nFN:Bad Mail\nEMAIL:not-an-email\nEND:VCARD\n"
        + "BEGIN:VCARD\nVERSION:3.0\nORG:Nameless Ltd\nEND:VCARD\n"
        + "BEGIN:VCARD\nVERSION:5.0\nFN:Future\nEND:VCARD\n"
        + GOOD_CARD
    )
    assert errors_of(text) == (
        card_error(
            2,
            "EMAIL",
            UNREADABLE_PROPERTY.format(detail='line "EMAIL;TYPE=WORK broken@example.org"'),
        ),
        card_error(3, "EMAIL", INVALID_EMAIL.format(value="not-an-email")),
        card_error(4, "FN", NO_NAME),
        card_error(5, "VERSION", UNSUPPORTED_VERSION.format(value="5.0")),
    )


def test_error_message_reads_naturally() -> None:
    text = GOOD_CARD + "BEGIN:VCARD\nVERSION:3.0\nFN:Bad Mail\nEMAIL:nope\nEND:VCARD\n"
    (error,) = errors_of(text)
    assert str(error) == 'contacts.vcf, card 2, "EMAIL": "nope" is not an email address'


def test_unterminated_card() -> None:
    assert errors_of(GOOD_CARD + "BEGIN:VCARD\nVERSION:3.0\nFN:Cut off\n") == (
        card_error(2, None, UNTERMINATED),
    )


@pytest.mark.parametrize("text", ["", "hello\n", "BEGIN:VCALENDAR\nEND:VCALENDAR\n"])
def test_a_file_without_cards(text: str) -> None:
    assert errors_of(text) == (ImportFileError("contacts.vcf", None, None, NO_CARDS),)


def test_number_of_cards_is_bounded() -> None:
    assert errors_of(GOOD_CARD * 3, max_cards=2) == (
        ImportFileError("contacts.vcf", None, None, TOO_MANY_CARDS.format(limit=2)),
    )


def test_size_is_bounded() -> None:
    assert errors_of(GOOD_CARD * 10, max_bytes=100) == (
        ImportFileError("contacts.vcf", None, None, FILE_TOO_LARGE.format(limit="100 bytes")),
    )


def test_binary_and_non_utf8_files_are_refused() -> None:
    assert errors_of(b"\x89PNG\r\n\x1a\n\x00\x00") == (
        ImportFileError("contacts.vcf", None, None, BINARY_CONTENT),
    )
    latin1 = "BEGIN:VCARD\nVERSION:3.0\nFN:Jürgen\nEND:VCARD\n".encode("latin-1")
    assert errors_of(latin1) == (ImportFileError("contacts.vcf", None, None, NOT_UTF8),)
