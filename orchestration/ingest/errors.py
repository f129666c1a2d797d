"""Errors a provider or an operator can act on."""

from __future__ import annotations


class FileRejected(Exception):
    """A submission file that cannot be used at all. ``reason`` is written for the provider who sent it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
