import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskmate.importing.dates import (
    InvalidDate,
    PartialDate,
    Precision,
    ends_before,
    parse_partial_date,
)

YEAR, MONTH, DAY = Precision.YEAR, Precision.MONTH, Precision.DAY


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019", PartialDate(dt.date(2019, 1, 1), YEAR)),
        ("Jan 2020", PartialDate(dt.date(2020, 1, 1), MONTH)),
        ("January 2020", PartialDate(dt.date(2020, 1, 1), MONTH)),
        ("Sept. 2020", PartialDate(dt.date(2020, 9, 1), MONTH)),
        ("  jan   2020 ", PartialDate(dt.date(2020, 1, 1), MONTH)),
        ("03/2020", PartialDate(dt.date(2020, 3, 1), MONTH)),
        ("3/2020", PartialDate(dt.date(2020, 3, 1), MONTH)),
        ("2024-03", PartialDate(dt.date(2024, 3, 1), MONTH)),
        ("2024-03-12", PartialDate(dt.date(2024, 3, 12), DAY)),
        ("12 Mar 2024", PartialDate(dt.date(2024, 3, 12), DAY)),
        ("03 Jan 2023", PartialDate(dt.date(2023, 1, 3), DAY)),
        ("Mar 12, 2024", PartialDate(dt.date(2024, 3, 12), DAY)),
        ("March 12 2024", PartialDate(dt.date(2024, 3, 12), DAY)),
        # Left to dateutil:
        ("March 12th, 2024", PartialDate(dt.date(2024, 3, 12), DAY)),
        ("12-Mar-2024", PartialDate(dt.date(2024, 3, 12), DAY)),
        ("2024/03/12", PartialDate(dt.date(2024, 3, 12), DAY)),
        ("25/12/2023", PartialDate(dt.date(2023, 12, 25), DAY)),
        ("07/07/2021", PartialDate(dt.date(2021, 7, 7), DAY)),
        ("March, 2020", PartialDate(dt.date(2020, 3, 1), MONTH)),
        ("2020 March", PartialDate(dt.date(2020, 3, 1), MONTH)),
    ],
)
def test_parses_the_way_people_write_dates(text: str, expected: PartialDate) -> None:
    assert parse_partial_date(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "\t\r\n"])
def test_blank_is_no_date(text: str) -> None:
    assert parse_partial_date(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "Smarch 2020",
        "Mar 12",  # no year: dateutil would take the current one
        "Jan",
        "12",
        "3/12/24",  # two-digit year
        "03/04/2024",  # 3 April or 4 March?
        "2024-13",
        "2024-02-30",
        "13/2020",
        "0000",
        "yesterday",
        "Present",
        "2019 2020",
    ],
)
def test_refuses_what_it_would_have_to_guess(text: str) -> None:
    with pytest.raises(InvalidDate):
        parse_partial_date(text)


def test_year_does_not_borrow_todays_month_or_day() -> None:
    parsed = parse_partial_date("2019")
    assert parsed is not None
    assert (parsed.date, parsed.precision, str(parsed)) == (dt.date(2019, 1, 1), YEAR, "2019")


@pytest.mark.parametrize(
    ("partial", "last_day", "text"),
    [
        (PartialDate.year(2019), dt.date(2019, 12, 31), "2019"),
        (PartialDate.month(2024, 2), dt.date(2024, 2, 29), "2024-02"),
        (PartialDate.month(2023, 2), dt.date(2023, 2, 28), "2023-02"),
        (PartialDate.day(2024, 3, 12), dt.date(2024, 3, 12), "2024-03-12"),
    ],
)
def test_period_ends_and_text(partial: PartialDate, last_day: dt.date, text: str) -> None:
    assert (partial.last_day, str(partial)) == (last_day, text)


def test_partial_date_must_start_its_period() -> None:
    with pytest.raises(ValueError):
        PartialDate(dt.date(2020, 3, 5), MONTH)
    with pytest.raises(ValueError):
        PartialDate(dt.date(2020, 3, 1), YEAR)


@pytest.mark.parametrize(
    ("end", "start", "expected"),
    [
        ("Mar 2024", "12 Mar 2024", False),
        ("2024", "Dec 2024", False),
        ("28 Feb 2024", "Mar 2024", True),
        ("2019", "2020", True),
        ("Dec 2019", "2020", True),
        ("2020", "2020", False),
    ],
)
def test_ends_before_takes_each_period_at_its_widest(end: str, start: str, expected: bool) -> None:
    end_date, start_date = parse_partial_date(end), parse_partial_date(start)
    assert end_date is not None and start_date is not None
    assert ends_before(end_date, start_date) is expected


@given(st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_round_trips_any_date_at_each_precision(day: dt.date) -> None:
    assert parse_partial_date(day.isoformat()) == PartialDate(day, DAY)
    assert parse_partial_date(f"{day.day} {day:%b} {day.year}") == PartialDate(day, DAY)
    month = PartialDate(day.replace(day=1), MONTH)
    assert parse_partial_date(f"{day:%B} {day.year}") == month
    assert parse_partial_date(str(month)) == month
    assert parse_partial_date(str(day.year)) == PartialDate(dt.date(day.year, 1, 1), YEAR)
