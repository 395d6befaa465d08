"""Small helpers for the few reads written as plain SQL over the models' tables.

Plain SQL is kept for hot reads over lists of ids, where building and
compiling an ORM query costs more than the database spends answering it.
Names always come from the models, so the SQL follows their tables and
columns.
"""

from collections.abc import Sequence

from django.db import connection
from django.db.models import Model


def table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def column(model: type[Model], field: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(field).column)


def marks(values: Sequence) -> str:
    """Placeholders for an ``IN (...)`` list of ``values``."""
    return ", ".join(["%s"] * len(values))


def fetch(sql: str, params: Sequence) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall()
