import pytest

from deskmate.importing.names import (
    is_email_address,
    normalise_organisation_name,
    normalise_school_name,
    normalise_skill_name,
)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("ACME, Inc", "acme"),
        ("Acme Inc.", "acme"),
        ("acme", "acme"),
        ("  Acme   Ltd ", "acme"),
        ("Acme Co., Ltd.", "acme"),
        ("Acme GmbH & Co. KG", "acme"),
        ("Acme Corp", "acme"),
        ("Acme LLC", "acme"),
        ("Acme plc", "acme"),
        ("Acme B.V.", "acme"),
        ("ACME AG", "acme"),
        ("Nestlé S.A.", "nestle"),
        ("Société Générale S. A.", "societe generale"),
        ("The Boeing Company", "boeing"),
        ("J.P. Morgan", "jp morgan"),
        ("J. P. Morgan Chase & Co.", "jp morgan chase"),
        ("Procter & Gamble", "procter and gamble"),
        ("Procter and Gamble Co", "procter and gamble"),
        ("AT&T", "at and t"),
        ("McDonald's Corporation", "mcdonalds"),
        ("Coca-Cola", "coca cola"),
        ("Company", "company"),  # nothing but a suffix: keep it
        ("The", "the"),
        ("", ""),
    ],
)
def test_organisation_keys(name: str, key: str) -> None:
    assert normalise_organisation_name(name) == key


def test_spellings_of_one_organisation_share_a_key() -> None:
    assert normalise_organisation_name("ACME, Inc") == normalise_organisation_name("Acme Inc.")


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("The University of X", "university of x"),
        ("University of X", "university of x"),
        ("university  of  x.", "university of x"),
        ("Universität München", "universitat munchen"),
        ("Texas A&M University", "texas a and m university"),
        ("Imperial College London", "imperial college london"),
    ],
)
def test_school_keys(name: str, key: str) -> None:
    assert normalise_school_name(name) == key


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("  Machine   Learning ", "machine learning"),
        ("PYTHON", "python"),
        ("ＰＹＴＨＯＮ", "python"),
        ("C++", "c++"),
        ("C#", "c#"),
        (".NET", ".net"),
        ("C", "c"),
        ("Node.js", "node.js"),
    ],
)
def test_skill_keys(name: str, key: str) -> None:
    assert normalise_skill_name(name) == key


def test_symbol_skills_stay_distinct() -> None:
    keys = {normalise_skill_name(name) for name in ("C", "C++", "C#", ".NET", "NET")}
    assert len(keys) == 5


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ana@example.es", True),
        ("first.last+tag@sub.example.org", True),
        ("not-an-email", False),
        ("@example.org", False),
        ("ana@", False),
        ("a@b@c", False),
        ("ana @example.es", False),
    ],
)
def test_is_email_address(value: str, expected: bool) -> None:
    assert is_email_address(value) is expected
