"""What sqlfluff's jinja templater needs beyond its dbt builtins to render this project without dbt.

Loaded through `library_path` (dbt_project/.sqlfluff): every public name here is a Jinja global. `var()` reads
the defaults of dbt_project.yml (so the models render as dbt renders them), `adapter.dispatch()` picks the
project's `default__` macro, and `dbt.*` renders dbt's cross-database macros as DuckDB SQL.
"""

import datetime as _datetime
import re as _re
import types as _types
from pathlib import Path as _Path

import jinja2 as _jinja2
import yaml as _yaml

_VARS = _yaml.safe_load((_Path(__file__).parent.parent / "dbt_project.yml").read_text())["vars"]


def var(name: str, default: object = None) -> object:
    """dbt's var(): the project default, else the given default."""
    return _VARS.get(name, default)


@_jinja2.pass_context
def _dispatch(context: _jinja2.runtime.Context, macro_name: str, macro_namespace: str | None = None) -> object:
    """adapter.dispatch(): the project's `default__` implementation."""
    return context[f"default__{macro_name}"]


def _raise_compiler_error(message: str) -> str:
    raise _jinja2.TemplateError(message)


adapter = _types.SimpleNamespace(dispatch=_dispatch)
exceptions = _types.SimpleNamespace(raise_compiler_error=_raise_compiler_error)
modules = _types.SimpleNamespace(re=_re, datetime=_datetime)
run_started_at = _datetime.datetime(2000, 1, 1)

dbt = _types.SimpleNamespace(
    type_bigint=lambda: "bigint",
    type_boolean=lambda: "boolean",
    type_int=lambda: "integer",
    type_string=lambda: "varchar",
    type_timestamp=lambda: "timestamp",
    concat=lambda fields: " || ".join(fields),
    date_trunc=lambda datepart, date: f"date_trunc('{datepart}', {date})",
    dateadd=lambda datepart, interval, from_date_or_timestamp: (
        f"({from_date_or_timestamp} + (interval ({interval}) {datepart}))"
    ),
    datediff=lambda first_date, second_date, datepart: f"date_diff('{datepart}', {first_date}, {second_date})",
    last_day=lambda date, datepart: f"last_day({date})",
    safe_cast=lambda field, type: f"try_cast({field} as {type})",
)
