"""The client key: HMAC-SHA-256 of ``upper(FINITIAL)|upper(SINITIAL)|DOB|SEX`` under a secret key.

The key comes from ``JOURNEYS_PSEUDONYM_KEY`` (see :mod:`orchestration.settings`). It is never written to SQL
text that dbt logs, compiles or stores: :class:`Plugin` (a dbt-duckdb plugin named in ``profiles.yml``) defines
a *temporary* DuckDB macro ``journeys_client_key(finitial, sinitial, dob, sex)`` on each connection dbt opens.
The macro computes the HMAC in SQL (vectorised, no Python per row), from the key's inner and outer pads.
The output is the lowercase hex digest, identical to ``hmac.new(key, msg, sha256).hexdigest()``.

The key's fingerprint (:func:`key_fingerprint`: HMAC-SHA-256 of a fixed label under the key, never the key) is
recorded in ``ingest.pipeline_info`` on first use. Every later run compares it before writing anything
(:func:`check_key`), and the plugin compares it again on each connection dbt opens, so client keys can never be
recomputed under another key silently. The serving snapshot carries it in ``marts.snapshot_info``.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import duckdb
from dbt.adapters.duckdb.plugins import BasePlugin

from orchestration.settings import pseudonym_key

MACRO_NAME = "journeys_client_key"
_BLOCK = 64  # SHA-256 block size in bytes
FINGERPRINT_LABEL = b"journeys pseudonymisation key fingerprint v1"


class KeyMismatchError(RuntimeError):
    """The pseudonymisation key differs from the one the warehouse was built with."""


def key_fingerprint(key: bytes | None = None) -> str:
    """HMAC-SHA-256 of a fixed label under the key (hex): identifies the key without revealing it."""
    return hmac.new(key if key is not None else pseudonym_key(), FINGERPRINT_LABEL, hashlib.sha256).hexdigest()


def pipeline_version() -> str:
    """The installed journeys version (``unknown`` from a source tree never installed)."""
    try:
        return version("journeys")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown"


def recorded_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    """The fingerprint recorded in this warehouse (None on a warehouse that has not recorded one yet)."""
    exists = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'ingest' and table_name = 'pipeline_info' "
        "and database_name = current_database()"
    ).fetchone()
    if not exists or not exists[0]:
        return None
    row = con.execute("select key_fingerprint from ingest.pipeline_info limit 1").fetchone()
    return str(row[0]) if row else None


def verify_key(recorded: str | None, key: bytes, where: str) -> None:
    """Raise KeyMismatchError when ``key`` is not the one ``recorded`` (if any) was made with."""
    if recorded is not None and recorded != key_fingerprint(key):
        raise KeyMismatchError(
            f"JOURNEYS_PSEUDONYM_KEY is not the key {where} was built with (key fingerprint {recorded[:12]}…, "
            f"this key {key_fingerprint(key)[:12]}…); nothing was written: set the original key and run again, "
            "or build a new warehouse (--warehouse) and serving file (--serving) for the new key"
        )


def check_key(warehouse: Path, key: bytes | None = None) -> None:
    """Before a run writes anything: the key must be the one the warehouse recorded (read-only; no-op for a
    warehouse that does not exist yet)."""
    from orchestration.warehouse import WarehouseBusy, connect, warehouse_in_use

    # A warehouse in use by another run is not waited for here: the run then waits for the writer where that wait
    # is shown and bounded, and its ingest step checks the key (record_key) before it writes anything.
    if not warehouse.exists() or warehouse_in_use(warehouse):
        return
    key = key if key is not None else pseudonym_key()
    try:
        with connect(warehouse, read_only=True) as con:
            recorded = recorded_fingerprint(con)
    except WarehouseBusy:
        return
    verify_key(recorded, key, f"the warehouse {warehouse}")


def record_key(con: duckdb.DuckDBPyConnection, key: bytes | None = None) -> None:
    """On a writable warehouse connection: record the key's fingerprint on first use (checked again, in case
    another run recorded a different key meanwhile) and this run's pipeline version."""
    key = key if key is not None else pseudonym_key()
    verify_key(recorded_fingerprint(con), key, "this warehouse")
    run = {"v": pipeline_version(), "t": datetime.now(UTC).replace(tzinfo=None)}
    con.execute(
        "insert into ingest.pipeline_info (key_fingerprint, key_recorded_at, pipeline_version, last_run_at) "
        "select $f, $t, $v, $t where not exists (select 1 from ingest.pipeline_info)",
        {"f": key_fingerprint(key), **run},
    )
    con.execute("update ingest.pipeline_info set pipeline_version = $v, last_run_at = $t", run)


def client_key(finitial: str, sinitial: str, dob: str, sex: str, key: bytes) -> str:
    """Reference implementation (Python), used by tests to check the SQL macro."""
    message = f"{finitial.upper()}|{sinitial.upper()}|{dob}|{sex}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _pads(key: bytes) -> tuple[str, str]:
    if len(key) > _BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(_BLOCK, b"\0")
    inner = bytes(b ^ 0x36 for b in key).hex()
    outer = bytes(b ^ 0x5C for b in key).hex()
    return inner, outer


def define_macro(con: duckdb.DuckDBPyConnection, key: bytes | None = None) -> None:
    """Create the temporary client-key macro on one connection (not persisted in the database file)."""
    inner, outer = _pads(key if key is not None else pseudonym_key())
    con.execute(
        f"""
        create or replace temp macro {MACRO_NAME}(finitial, sinitial, dob, sex) as
        sha256(
            unhex('{outer}') || unhex(sha256(
                unhex('{inner}')
                || encode(upper(finitial) || '|' || upper(sinitial) || '|' || cast(dob as varchar) || '|' || sex)
            ))
        )
        """
    )


class Plugin(BasePlugin):
    """dbt-duckdb plugin: defines the client-key macro on every connection and cursor, after checking that the key
    is the one the warehouse recorded (so a dbt run on its own cannot recompute client keys under another key)."""

    def initialize(self, plugin_config: dict[str, Any]) -> None:
        """Read the key once, when dbt loads the plugin."""
        self._key = pseudonym_key()

    def configure_connection(self, conn: duckdb.DuckDBPyConnection) -> None:
        """Check the key against the warehouse's, then define the macro on the connection."""
        verify_key(recorded_fingerprint(conn), self._key, "this warehouse")
        define_macro(conn, self._key)

    def configure_cursor(self, cursor: duckdb.DuckDBPyConnection) -> None:
        """Define the macro on each cursor too."""
        define_macro(cursor, self._key)
