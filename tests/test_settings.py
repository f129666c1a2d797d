"""Configuration: secrets come from the environment only."""

from __future__ import annotations

import pytest

from orchestration.settings import pseudonym_key


def test_production_refuses_the_development_pseudonym_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JOURNEYS_PSEUDONYM_KEY", raising=False)
    monkeypatch.setenv("JOURNEYS_DEPLOYMENT", "production")
    with pytest.raises(RuntimeError, match="refusing"):
        pseudonym_key()
    monkeypatch.setenv("JOURNEYS_DEPLOYMENT", "development")
    with pytest.warns(UserWarning, match="DEVELOPMENT"):
        assert pseudonym_key()
