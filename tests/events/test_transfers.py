"""Arms transfers are typed as such (not as strikes because missiles are named) and get an
origin and a destination. Regression for the bundled sample's shipments."""

import pytest

from mapper.config import EventsConfig
from mapper.events.extract import extract_event
from mapper.events.taxonomy import load_taxonomy
from mapper.models import Article

CASES = [
    (
        "A cargo ship carrying 12 tanks and six howitzers from Germany docked at the port of "
        "Klaipeda on Monday, Lithuania's defence ministry said.",
        "DE",
        "LT",
    ),
    (
        "Officials said on Friday that Iran had shipped hundreds of ballistic missiles to Russia "
        "across the Caspian Sea.",
        "IR",
        "RU",
    ),
    (
        "France has delivered a first batch of six self-propelled howitzers to Armenia, the "
        "ministry said.",
        "FR",
        "AM",
    ),
]


@pytest.mark.parametrize(("text", "origin", "destination"), CASES)
def test_transfer_typed_with_origin_and_destination(geoparser, text, origin, destination):
    doc = geoparser.parse(Article("t", text))
    event = extract_event(doc, load_taxonomy(), EventsConfig())
    assert event.category == "military_cooperation"
    assert event.location("origin").place.country == origin
    assert event.location("destination").place.country == destination
    assert event.severity == 1
