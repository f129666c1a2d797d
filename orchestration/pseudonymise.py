"""The client key: HMAC-SHA-256 of ``upper(FINITIAL)|upper(SINITIAL)|DOB|SEX`` under a secret key.

The key comes from ``JOURNEYS_PSEUDONYM_KEY`` (see :mod:`orchestration.settings`). It is never written to SQL
text that dbt logs, compiles or stores: :class:`Plugin` (a dbt-duckdb plugin named in ``profiles.yml``) defines
a *temporary* DuckDB macro ``journeys_client_key(finitial, sinitial, dob, sex)`` on each connection dbt opens.
The macro computes the HMAC in SQL (vectorised, no Python per row), from the key's inner and outer pads.
The output is the lowercase hex digest, identical to ``hmac.new(key, msg, sha256).hexdigest()``.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import duckdb
from dbt.adapters.duckdb.plugins import BasePlugin

from orchestration.settings import pseudonym_key

MACRO_NAME = "journeys_client_key"
_BLOCK = 64  # SHA-256 block size in bytes


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
    """dbt-duckdb plugin: defines the client-key macro on every connection and cursor."""

    def initialize(self, plugin_config: dict[str, Any]) -> None:
        self._key = pseudonym_key()

    def configure_connection(self, conn: duckdb.DuckDBPyConnection) -> None:
        define_macro(conn, self._key)

    def configure_cursor(self, cursor: duckdb.DuckDBPyConnection) -> None:
        define_macro(cursor, self._key)
