"""Bulk rows for the benchmarks, generated inside PostgreSQL (`generate_series`),
so a large group builds in minutes rather than hours of ORM inserts."""

from django.db import connection


def insert_rows(model, expressions: dict[str, str], source: str) -> None:
    """INSERT one row of `model` for each row of `source` (a FROM clause) in one
    statement. `expressions` gives SQL (no parameters: numbers and ids only,
    written in by the caller) for some columns in terms of `source`'s columns;
    every other column gets its field's default, prepared by Django."""
    columns, values, defaults = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(field.column)
        expression = expressions.get(field.column, expressions.get(field.attname))
        if expression is None:
            values.append("%s")
            defaults.append(field.get_db_prep_save(field.get_default(), connection))
        else:
            values.append(expression.replace("%", "%%"))  # `%` is modulo, not a parameter
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} FROM {source.replace('%', '%%')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, defaults)


def insert_series(model, count: int, expressions: dict[str, str]) -> None:
    """INSERT `count` rows of `model`; `expressions` are in terms of the series
    number `g` (1…count)."""
    insert_rows(model, expressions, f"generate_series(1, {int(count)}) AS g")


def int_array(ids) -> str:
    """A SQL array literal of integers (ids read from the database)."""
    return "ARRAY[" + ",".join(str(int(i)) for i in ids) + "]::bigint[]"


def text_array(values) -> str:
    """A SQL array literal of choice codes (constants of the code, not input)."""
    return "ARRAY[" + ",".join(f"'{value}'" for value in values) + "]"
