"""Shared fixtures: the real gazetteer (built once per machine, cached) and paths."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED_ARTICLES = SHARED / "samples" / "seed_articles.txt"
SAMPLE_BATCH = REPO / "mapper" / "examples" / "articles.jsonl"


@pytest.fixture(scope="session")
def gazetteer():
    from mapper.gazetteer import load_gazetteer

    return load_gazetteer()


@pytest.fixture(scope="session")
def geoparser(gazetteer):
    from mapper.geoparse import Geoparser

    return Geoparser(gazetteer)


@pytest.fixture(scope="session")
def seed_articles() -> Path:
    if not SEED_ARTICLES.exists():
        pytest.skip(f"seed articles not found beside the checkout ({SEED_ARTICLES.name})")
    return SEED_ARTICLES
