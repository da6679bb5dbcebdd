"""What a BI tool sees through psycopg and SQLAlchemy's introspection, as one JSON document.

Run by Tests/StoreTests/BIAccessTests.swift with the conninfo of a BI login:
    python3 bi_client_check.py "host=... dbname=... user=..." <sleep seconds>
Prints {"views": {name: [[column, type], ...]}, "organisations": [...], "errors": {check: sqlstate}}.
"""
import json
import sys

import psycopg
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.types import TIMESTAMP

conninfo, sleep_seconds = sys.argv[1], float(sys.argv[2])
# SQLAlchemy's own URL cannot carry every libpq conninfo form; let psycopg open the connection.
engine = create_engine("postgresql+psycopg://", creator=lambda: psycopg.connect(conninfo))


def type_name(column_type):
    if isinstance(column_type, TIMESTAMP) and column_type.timezone:
        return "TIMESTAMP WITH TIME ZONE"
    return str(column_type)


def sqlstate(statement):
    """The SQLSTATE a statement fails with, or None when it succeeds."""
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
        return None
    except Exception as error:  # SQLAlchemy wraps psycopg's error; the SQLSTATE is on the original.
        return getattr(getattr(error, "orig", None), "sqlstate", type(error).__name__)


inspector = inspect(engine)
views = {
    name: [[column["name"], type_name(column["type"])] for column in inspector.get_columns(name, schema="bi")]
    for name in sorted(inspector.get_view_names(schema="bi"))
}
organisations = set()
with engine.connect() as connection:
    for name in views:
        rows = connection.execute(text(f'SELECT DISTINCT org_id::text FROM bi."{name}"'))
        organisations.update(row[0] for row in rows)

errors = {
    "write_view": sqlstate("DELETE FROM bi.initiatives"),
    "write_base_table": sqlstate("UPDATE public.organisations SET name = name"),
    "read_base_table": sqlstate("SELECT count(*) FROM public.initiatives"),
    "sleep_past_timeout": sqlstate(f"SELECT pg_sleep({sleep_seconds})"),
}
print(json.dumps({"views": views, "organisations": sorted(organisations), "errors": errors}))
