"""Fixed-window counters in the database: one atomic upsert per hit, shared by every process."""

import hashlib
import hmac
import math
import random
import time

from django.conf import settings
from django.db import connection

from deskmate.limits.models import LimitWindow
from deskmate.limits.rates import Rate

#: One hit in this many also deletes expired windows, which keeps the table small without a task.
CLEAN_UP_ONE_IN = 200

UPSERT = f"""
    INSERT INTO {LimitWindow._meta.db_table} (scope, "key", window_start, expires_at, hits)
    VALUES (%s, %s, %s, %s, 1)
    ON CONFLICT (scope, "key", window_start)
    DO UPDATE SET hits = {LimitWindow._meta.db_table}.hits + 1
    RETURNING hits
"""


def key_digest(kind: str, value: str) -> str:
    """Keys are kept as keyed digests, so the table holds no address or e-mail in the clear."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{kind}:{value}".encode(), hashlib.sha256)
    return f"{kind}:{digest.hexdigest()[:40]}"


def hit(scope: str, key: str, rate: Rate, *, now: float | None = None) -> int | None:
    """Count one hit; ``None`` if it is within the rate, else the seconds until the window ends."""
    now = time.time() if now is None else now
    window_start = int(now // rate.period) * rate.period
    expires_at = window_start + rate.period
    with connection.cursor() as cursor:
        cursor.execute(UPSERT, [scope, key, window_start, expires_at])
        (hits,) = cursor.fetchone()
    if random.randrange(CLEAN_UP_ONE_IN) == 0:
        LimitWindow.objects.filter(expires_at__lt=int(now)).delete()
    if hits <= rate.limit:
        return None
    return max(1, math.ceil(expires_at - now))


def wait_text(seconds: int) -> str:
    """How long to wait, in words.

    >>> wait_text(40), wait_text(60), wait_text(61), wait_text(3600)
    ('a minute', 'a minute', '2 minutes', '60 minutes')
    """
    minutes = max(1, math.ceil(seconds / 60))
    return "a minute" if minutes == 1 else f"{minutes} minutes"
