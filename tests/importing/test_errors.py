import pytest

from deskmate.importing.errors import (
    NOT_A_DATE,
    REQUIRED,
    ErrorCollector,
    ImportFileError,
    ImportFileErrors,
)


def test_reads_like_a_pointer_into_the_spreadsheet() -> None:
    error = ImportFileError(
        "Positions.csv", 4, "Started On", NOT_A_DATE.format(value="Smarch 2020")
    )
    assert str(error) == (
        'Positions.csv, row 4, "Started On": "Smarch 2020" is not a date '
        '(expected e.g. "Jan 2020", "2019" or "12 Mar 2024")'
    )
    assert error.errors == (error,)


def test_leaves_out_what_it_does_not_know() -> None:
    assert str(ImportFileError("archive.zip", None, None, "not a zip archive")) == (
        "archive.zip: not a zip archive"
    )
    assert str(ImportFileError("people.csv", 7, None, "oops")) == "people.csv, row 7: oops"
    assert str(ImportFileError("contacts.vcf", 3, "EMAIL", "bad", unit="card")) == (
        'contacts.vcf, card 3, "EMAIL": bad'
    )


def test_aggregate_shows_the_first_and_counts_the_rest() -> None:
    first = ImportFileError("Positions.csv", 2, "Company Name", REQUIRED)
    second = ImportFileError("Positions.csv", 5, "Company Name", REQUIRED)
    errors = ImportFileErrors([first, second])
    assert isinstance(errors, ImportFileError)
    assert errors.errors == (first, second)
    assert (errors.file, errors.row, errors.field) == ("Positions.csv", 2, "Company Name")
    assert str(errors) == (
        'Positions.csv, row 2, "Company Name": a value is required (and 1 more error)'
    )


def test_collector_stops_at_its_limit() -> None:
    collector = ErrorCollector(limit=3)
    collector.add(ImportFileError("f.csv", 2, None, "x"))
    collector.add(ImportFileError("f.csv", 3, None, "x"))
    with pytest.raises(ImportFileErrors) as caught:
        collector.add(ImportFileError("f.csv", 4, None, "x"))
    assert caught.value.truncated is True
    assert [error.row for error in caught.value.errors] == [2, 3, 4]
    assert str(caught.value) == "f.csv, row 2: x (and 2 more errors; stopped after 3 errors)"


def test_aggregate_needs_an_error() -> None:
    with pytest.raises(ValueError):
        ImportFileErrors([])
