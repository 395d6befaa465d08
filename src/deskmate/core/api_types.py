"""Bounded types for every API schema and operation, in one place.

An id, offset or limit outside these bounds is answered 422 naming the
field, before any query runs: a number past what the database stores would
otherwise fail inside the driver (``OverflowError`` on SQLite, a datatype
error on PostgreSQL) as a server error.
"""

from typing import Annotated, Any

from pydantic import Field

#: The largest id either database stores (ids are 64-bit on SQLite and PostgreSQL).
MAX_ID = 2**63 - 1
#: No list the API pages through is longer than this; an offset past it is a mistake.
MAX_OFFSET = 1_000_000
#: The most rows any list endpoint returns at once (each endpoint may return fewer).
MAX_LIMIT = 1000

#: An object's id.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
#: How many rows of a list to skip.
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET)]
#: How many rows of a list to return.
Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT)]
#: A list of ids, as many as a request may name.
IdList = Annotated[list[Id], Field(max_length=100)]


#: The default of a field a partial update may leave out but not send as null:
#: ``name: str = LEFT_OUT``. The field keeps its real type (``null`` is refused
#: with a 422 naming it); read the update with ``exclude_unset=True``.
LEFT_OUT: Any = None
