"""How an incoming stint is recognised among the ones a member already has.

Plain Python: the services that write imports ask these questions of records
they read from the database.  Two stints at one organisation (or school) are
the same when their dates overlap at month precision: "Mar 2019" and
15 March 2019 are one month, "2019" covers January to December.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from deskmate.importing.dates import PartialDate

__all__ = ["MonthSpan", "date_within", "span_of_dates", "span_of_partials", "spans_compatible"]


@dataclass(frozen=True, slots=True)
class MonthSpan:
    """Months counted from year 0; ``last`` is ``None`` while the stint goes on."""

    first: int
    last: int | None

    def overlaps(self, other: MonthSpan) -> bool:
        """Whether the two spans share at least one month.

        >>> MonthSpan(2019 * 12, 2021 * 12).overlaps(MonthSpan(2021 * 12, None))
        True
        >>> MonthSpan(2019 * 12, 2020 * 12).overlaps(MonthSpan(2020 * 12 + 1, None))
        False
        """
        ends_first = self.last is not None and self.last < other.first
        starts_after = other.last is not None and other.last < self.first
        return not (ends_first or starts_after)


def _month(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def span_of_dates(start: dt.date | None, end: dt.date | None) -> MonthSpan | None:
    """The months a stored stint covers; ``None`` when it has no dates at all."""
    first = start or end
    if first is None:
        return None
    return MonthSpan(_month(first), _month(end) if end is not None else None)


def span_of_partials(start: PartialDate | None, end: PartialDate | None) -> MonthSpan | None:
    """The months an incoming stint covers, each side at its widest ("2014" ends in December)."""
    first = start or end
    if first is None:
        return None
    return MonthSpan(_month(first.first_day), _month(end.last_day) if end is not None else None)


def date_within(stored: dt.date | None, incoming: PartialDate | None) -> bool:
    """Whether a stored date says the same as the file's: 15 Mar 2019 is within "Mar 2019"."""
    if stored is None or incoming is None:
        return stored is None and incoming is None
    return incoming.first_day <= stored <= incoming.last_day


def spans_compatible(stored: MonthSpan | None, incoming: MonthSpan | None) -> bool:
    """Overlapping spans, or one side without dates (nothing says they differ)."""
    return stored is None or incoming is None or stored.overlaps(incoming)
