"""Rates such as ``10/15m``; read by the settings, so nothing here touches the database."""

import re
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from deskmate import config

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
RATE_PATTERN = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")


@dataclass(frozen=True)
class Rate:
    """At most ``limit`` hits in each window of ``period`` seconds."""

    limit: int
    period: int

    @classmethod
    def parse(cls, text: str) -> "Rate":
        """``"10/15m"`` is ten hits per fifteen minutes; units are s, m, h and d.

        >>> Rate.parse("3/h")
        Rate(limit=3, period=3600)
        >>> Rate.parse("60/10m")
        Rate(limit=60, period=600)
        """
        match = RATE_PATTERN.match(text or "")
        if match is None:
            raise ImproperlyConfigured(
                f"{text!r} is not a rate; write hits/period, e.g. 10/15m, 3/h or 100/d."
            )
        count, multiple, unit = match.groups()
        return cls(limit=int(count), period=int(multiple or 1) * UNITS[unit])


def rate_from_env(name: str, default: str) -> str:
    """A rate from the environment, refused at start-up with the variable's name if malformed."""
    value = config.env_str(name, default)
    try:
        Rate.parse(value)
    except ImproperlyConfigured as error:
        raise ImproperlyConfigured(f"{name}: {error}") from None
    return value
