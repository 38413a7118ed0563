"""Property tests for the extractors: the geoparser and the event extractor on any text.

Whatever the text (scraped markup, control characters, numbers in every form, huge or odd
dates), they return well-formed values: offsets that slice the text, coordinates on Earth,
severities 0-5, facts that are None or non-negative finite numbers, categories from the
taxonomy. One end-to-end test feeds hostile articles through the whole run and checks that no
string reaches the map as markup.

The ``check_*`` functions hold the properties; bench/fuzz_long.py runs them for longer.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapper.cli import main
from mapper.config import EventsConfig
from mapper.events.extract import extract_event
from mapper.events.taxonomy import Taxonomy, load_taxonomy
from mapper.geoparse import Geoparser
from mapper.ingest import _clean_text
from mapper.models import Article, GeoparsedArticle

CORPUS = Path(__file__).resolve().parents[1] / "fuzz_corpus"
TAXONOMY = load_taxonomy("default")
# One config object: extractors are cached by the identity of their taxonomy and config.
EVENTS = EventsConfig()
ROLES = {"event", "origin", "destination", "affected", "mentioned"}
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# Words that steer the extractors into their rules: casualty verbs, numbers in words and
# digits, magnitudes, dates, places (and near-places), relative places, transfers.
NEWS_WORDS = [
    "killed",
    "injured",
    "dead",
    "wounded",
    "missing",
    "displaced",
    "evacuated",
    "at least",
    "more than",
    "dozens",
    "hundreds",
    "thousands of",
    "12",
    "1,200",
    "3.5 million",
    "-4",
    "99999999999999999999",
    "1e308",
    "½",
    "٣",
    "magnitude",
    "7.8",
    "earthquake",
    "wildfire",
    "hectares",
    "airstrike",
    "shelling",
    "protest",
    "shipped",
    "from",
    "to",
    "in",
    "near",
    "Gaza",
    "Kyiv",
    "Los Angeles",
    "Tibet",
    "Russia's southwestern border",
    "North Korea",
    "the Himalayas",
    "Georgia",
    "Paris",
    "Springfield",
    "Bangor, Maine",
    "on Monday",
    "March 5, 2024",
    "2024-02-30",
    "yesterday",
    "last week",
    "in 1999",
    "BC",
    ".",
    ",",
    ";",
    "\n",
    "\n\n",
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    "&amp;",
    "\u202e",
    "\x00",
]
news_text = st.lists(
    st.sampled_from(NEWS_WORDS) | st.text(max_size=10), min_size=0, max_size=40
).map(" ".join)
any_text = st.text(max_size=300) | news_text
article_dates = st.none() | st.dates().map(lambda d: d.isoformat())


def check_extract(text: str, title: str, article_date: str | None, taxonomy: Taxonomy) -> None:
    """An Event for any text, with no toponyms: every field in its documented range."""
    article = Article("fuzz", _clean_text(text), _clean_text(title), article_date)
    event = extract_event(GeoparsedArticle(article, ()), taxonomy, EVENTS)
    assert event.article_id == "fuzz"
    assert event.category in taxonomy.ids
    assert isinstance(event.severity, int) and 0 <= event.severity <= 5
    assert isinstance(event.severity_reason, str)
    for name, value in event.facts.as_dict().items():
        if value is not None:
            assert math.isfinite(value) and value >= 0, (name, value)
    assert event.evidence == "" or event.evidence in article.text
    assert event.event_date is None or ISO_DATE.fullmatch(event.event_date)
    assert event.locations == ()
    assert 0.0 <= event.confidence <= 1.0 or math.isfinite(event.confidence)


def check_geoparse(text: str, geoparser: Geoparser) -> None:
    """Toponyms slice the text exactly and resolve to points on Earth (or abstain)."""
    text = _clean_text(text)
    for toponym in geoparser.parse_text(text):
        assert 0 <= toponym.start < toponym.end <= len(text)
        assert text[toponym.start : toponym.end] == toponym.name
        assert math.isfinite(toponym.score)
        place = toponym.place
        if place is not None:
            assert -90 <= place.lat <= 90 and -180 <= place.lon <= 180, place
            assert place.place_id and place.extent_km >= 0


def check_geoparse_then_extract(text: str, geoparser: Geoparser, taxonomy: Taxonomy) -> None:
    """The real chain: toponyms feed the event's locations, each with a known role."""
    article = Article("fuzz", _clean_text(text))
    doc = geoparser.parse(article)
    event = extract_event(doc, taxonomy, EVENTS)
    spans = {(t.start, t.end) for t in doc.toponyms}
    for location in event.locations:
        assert location.role in ROLES
        if location.start is not None:
            assert (location.start, location.end) in spans
            assert article.text[location.start : location.end] == location.name


@FUZZ
@given(text=any_text, title=st.text(max_size=60) | news_text, article_date=article_dates)
def test_extract_any_text(text, title, article_date):
    check_extract(text, title, article_date, TAXONOMY)


@FUZZ
@given(text=any_text)
def test_geoparse_any_text(geoparser, text):
    check_geoparse(text, geoparser)


@FUZZ
@given(text=news_text)
def test_geoparse_then_extract(geoparser, text):
    check_geoparse_then_extract(text, geoparser, TAXONOMY)


def test_hostile_batch_reaches_the_map_only_as_text(tmp_path):
    """Hostile titles, texts, outlets and URLs, read from a file and run end to end.

    tests/render checks the renderer with hostile Incident values; this checks that the whole
    run (ingest, geoparse, extract, merge, store) adds no other path into the page.
    """
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["run", "--input", str(CORPUS / "hostile_html.jsonl"), "--output-dir", str(out)]
    )
    assert result.exit_code == 0, result.stderr
    html = (out / "incident_map.html").read_text(encoding="utf-8")
    data = re.search(r'id="mapper-data">(.*?)</script>', html, re.S)
    assert data is not None
    assert "<" not in data.group(1) and ">" not in data.group(1)
    for needle in ("<script>window.__xss", "<img src=x", "javascript:", "data:text/html"):
        assert needle not in html, needle
    payload: Any = json.loads(data.group(1))
    assert "window.__xss=1" in json.dumps(payload)  # kept, as text to show with textContent
