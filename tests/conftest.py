"""Shared fixtures: the bundled workshop table and its statements."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "data" / "raw" / "workshop_ungt_utenforskap_2023.txt"


@pytest.fixture(scope="session")
def bundled_path() -> Path:
    return BUNDLED


@pytest.fixture(scope="session")
def statements(bundled_path):
    from utenforskap import read_workshop

    return read_workshop(bundled_path)
