"""Shared fixtures: paths to the bundled data and to the real Dutch data in ../shared/data."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"
SHARED_DATA = REPO.parent / "shared" / "data"
ADMIN_GPKG = SHARED_DATA / "nl_admin_2023.gpkg"
FARMS_GPKG = SHARED_DATA / "nl_farms_2026.gpkg"


def require_shared(path: Path = ADMIN_GPKG) -> Path:
    """Skip the calling test, with the reason, when the real data set is absent."""
    if not path.exists():
        pytest.skip(f"real data not available: {path} is missing (see ../shared/data/SOURCES.md)")
    return path


@pytest.fixture(scope="session")
def admin_gpkg() -> Path:
    return require_shared(ADMIN_GPKG)


@pytest.fixture(scope="session")
def farms_gpkg() -> Path:
    return require_shared(FARMS_GPKG)


@pytest.fixture(scope="session")
def bundled_data() -> Path:
    return DATA
