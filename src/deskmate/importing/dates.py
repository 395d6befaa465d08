"""Dates as people write them in exports, kept with the precision they were given.

"2019" means some time in 2019, not 1 January: a :class:`PartialDate` keeps
the first day of the period together with its precision, so later code can
compare periods honestly (a stint "finished Mar 2024" does not end before one
"started 12 Mar 2024").
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import functools
import re
from dataclasses import dataclass

from dateutil import parser as dateutil_parser

__all__ = ["InvalidDate", "PartialDate", "Precision", "parse_partial_date"]


class Precision(enum.StrEnum):
    YEAR = "year"
    MONTH = "month"
    DAY = "day"


class InvalidDate(ValueError):
    """The text is not a date we can read without guessing."""


@dataclass(frozen=True, slots=True, order=True)
class PartialDate:
    """A date known to the year, the month or the day.

    ``date`` is the first day of the period: 2019 → 2019-01-01 with precision
    year; Mar 2024 → 2024-03-01 with precision month.

    >>> PartialDate(dt.date(2024, 3, 1), Precision.MONTH).last_day
    datetime.date(2024, 3, 31)
    """

    date: dt.date
    precision: Precision

    def __post_init__(self) -> None:
        if self.precision is not Precision.DAY and self.date.day != 1:
            raise ValueError(f"a {self.precision} date must fall on day 1: {self.date}")
        if self.precision is Precision.YEAR and self.date.month != 1:
            raise ValueError(f"a year date must fall on 1 January: {self.date}")

    @classmethod
    def year(cls, year: int) -> PartialDate:
        return cls(dt.date(year, 1, 1), Precision.YEAR)

    @classmethod
    def month(cls, year: int, month: int) -> PartialDate:
        return cls(dt.date(year, month, 1), Precision.MONTH)

    @classmethod
    def day(cls, year: int, month: int, day: int) -> PartialDate:
        return cls(dt.date(year, month, day), Precision.DAY)

    @property
    def first_day(self) -> dt.date:
        return self.date

    @property
    def last_day(self) -> dt.date:
        """The last day the period covers."""
        if self.precision is Precision.YEAR:
            return dt.date(self.date.year, 12, 31)
        if self.precision is Precision.MONTH:
            days = calendar.monthrange(self.date.year, self.date.month)[1]
            return dt.date(self.date.year, self.date.month, days)
        return self.date

    def __str__(self) -> str:
        if self.precision is Precision.YEAR:
            return f"{self.date.year:04d}"
        if self.precision is Precision.MONTH:
            return f"{self.date.year:04d}-{self.date.month:02d}"
        return self.date.isoformat()


def ends_before(end: PartialDate, start: PartialDate) -> bool:
    """Whether a period ending at ``end`` certainly ends before ``start`` begins.

    Each side is taken at its most generous: "Mar 2024" ends on 31 March, so it
    does not end before "12 Mar 2024".
    """
    return end.last_day < start.first_day


_MONTHS: dict[str, int] = {}
for _number in range(1, 13):
    _MONTHS[calendar.month_name[_number].lower()] = _number
    _MONTHS[calendar.month_abbr[_number].lower()] = _number
_MONTHS["sept"] = 9

_YEAR = re.compile(r"(\d{4})")
_ISO_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_SLASH_MONTH = re.compile(r"(\d{1,2})/(\d{4})")
_NAMED_MONTH = re.compile(r"([a-z]+)\.? (\d{4})")
_DAY_NAMED_MONTH = re.compile(r"(\d{1,2}) ([a-z]+)\.?,? (\d{4})")
_NAMED_MONTH_DAY = re.compile(r"([a-z]+)\.? (\d{1,2}),? (\d{4})")
_FOUR_DIGIT_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")
_SPACES = re.compile(r"\s+")

# Two defaults that differ in every component: whatever dateutil fills in from
# them differs between the two parses, which shows what the text left out.
_DEFAULT_A = dt.datetime(2000, 1, 1)
_DEFAULT_B = dt.datetime(2001, 2, 2)


def parse_partial_date(text: str) -> PartialDate | None:
    """Read a date written as "Jan 2020", "2019", "12 Mar 2024", "2024-03-12" etc.

    Empty or blank text gives ``None``.  Text that is not a date, that names no
    four-digit year, or whose day/month order cannot be known raises
    :class:`InvalidDate`.  Nothing is invented: "2019" is 2019 at year precision.

    >>> parse_partial_date("Jan 2020")
    PartialDate(date=datetime.date(2020, 1, 1), precision=<Precision.MONTH: 'month'>)
    >>> str(parse_partial_date("12 Mar 2024"))
    '2024-03-12'
    >>> parse_partial_date("  ") is None
    True
    """
    if not text or text.isspace():
        return None
    return _parse_text(text)


@functools.lru_cache(maxsize=8192)
def _parse_text(raw: str) -> PartialDate:
    # Exports repeat the same few hundred dates; caching keeps 30,000 rows cheap.
    text = _SPACES.sub(" ", raw.strip()).lower()
    try:
        quick = _parse_common(text)
    except ValueError as error:  # a recognised shape with impossible numbers
        raise InvalidDate(text) from error
    if quick is not None:
        return quick
    return _parse_with_dateutil(text)


def _parse_common(text: str) -> PartialDate | None:
    if match := _YEAR.fullmatch(text):
        return PartialDate.year(int(match[1]))
    if match := _ISO_DAY.fullmatch(text):
        return PartialDate.day(int(match[1]), int(match[2]), int(match[3]))
    if match := _ISO_MONTH.fullmatch(text):
        return PartialDate.month(int(match[1]), int(match[2]))
    if match := _SLASH_MONTH.fullmatch(text):
        return PartialDate.month(int(match[2]), int(match[1]))
    if (match := _NAMED_MONTH.fullmatch(text)) and match[1] in _MONTHS:
        return PartialDate.month(int(match[2]), _MONTHS[match[1]])
    if (match := _DAY_NAMED_MONTH.fullmatch(text)) and match[2] in _MONTHS:
        return PartialDate.day(int(match[3]), _MONTHS[match[2]], int(match[1]))
    if (match := _NAMED_MONTH_DAY.fullmatch(text)) and match[1] in _MONTHS:
        return PartialDate.day(int(match[3]), _MONTHS[match[1]], int(match[2]))
    return None


def _parse_with_dateutil(text: str) -> PartialDate:
    if len(_FOUR_DIGIT_YEAR.findall(text)) != 1:
        # A two-digit year ("3/12/24") or no year at all would be a guess.
        raise InvalidDate(text)
    try:
        first = dateutil_parser.parse(text, default=_DEFAULT_A)
        second = dateutil_parser.parse(text, default=_DEFAULT_B)
    except (ValueError, OverflowError) as error:
        raise InvalidDate(text) from error
    if first.year != second.year:
        raise InvalidDate(text)
    if first.month != second.month:
        return PartialDate.year(first.year)
    if first.day != second.day:
        return PartialDate.month(first.year, first.month)
    if _is_ambiguous_numeric(text):
        raise InvalidDate(text)
    return PartialDate.day(first.year, first.month, first.day)


_NUMERIC_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-]\d{4}")


def _is_ambiguous_numeric(text: str) -> bool:
    """ "03/04/2024" is 3 April in Europe and 4 March in the US: refuse to pick."""
    match = _NUMERIC_DMY.fullmatch(text)
    if match is None:
        return False
    first, second = int(match[1]), int(match[2])
    return first <= 12 and second <= 12 and first != second
