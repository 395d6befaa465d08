"""Small helpers for the few reads written as plain SQL over the models' tables.

Plain SQL is kept for hot reads over lists of ids, where building and
compiling an ORM query costs more than the database spends answering it.
Names always come from the models, so the SQL follows their tables and
columns.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.db import connection
from django.db.models import Model


def table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def column(model: type[Model], field: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(field).column)


def select(
    model: type[Model], fields: Sequence[str], where: str = "", order_by: Sequence[str] = ()
) -> str:
    """``SELECT`` of these fields of ``model``, with an optional condition and newest-first order (``-field``)."""
    names = ", ".join(column(model, name) for name in fields)
    sql = f"SELECT {names} FROM {table(model)}"
    if where:
        sql += f" WHERE {where}"
    if order_by:
        terms = (
            f"{column(model, name.lstrip('-'))}{' DESC' if name.startswith('-') else ''}"
            for name in order_by
        )
        sql += " ORDER BY " + ", ".join(terms)
    return sql


def marks(values: Sequence) -> str:
    """Placeholders for an ``IN (...)`` list of ``values``."""
    return ", ".join(["%s"] * len(values))


def one_of(column_sql: str, values: Sequence) -> tuple[str, list]:
    """``column_sql`` is one of ``values``: the condition and its parameters.

    PostgreSQL gets one array parameter (``= ANY(%s)``), which costs half as
    much to send and plan as a placeholder per value; SQLite gets ``IN (...)``.
    """
    values = list(values)
    if connection.vendor == "postgresql":
        return f"{column_sql} = ANY(%s)", [values]
    return f"{column_sql} IN ({marks(values)})", values


def fetch(sql: str, params: Sequence) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall()


@contextmanager
def sqlite_page_cache(kib: int) -> Iterator[None]:
    """On SQLite, a page cache of ``kib`` KiB while a bulk write runs (index pages written once,
    not spilled and read back); the connection's old size after. Nothing elsewhere."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (previous,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def refresh_statistics(*models: type[Model]) -> None:
    """After a bulk write, let PostgreSQL's planner see the tables' new sizes at once.

    Without statistics (autovacuum lags behind a load of millions of rows, and
    may be off) the planner guesses hundreds of thousands of rows for a
    one-member look-up, and picks parallel scans and JIT compilation that
    cost ten times the query. SQLite plans from its indexes and needs nothing.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {table(model)}")
