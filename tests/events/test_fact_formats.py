"""Facts in the formats real reporting uses: machine alerts, tolls, cases kept apart from deaths,
units that are not people, flight and evacuation. Every sentence is written for this file."""

from __future__ import annotations

import pytest

from mapper.config import EventsConfig
from mapper.events.extract import EventExtractor
from mapper.events.facts import FactExtractor
from mapper.events.taxonomy import load_taxonomy
from mapper.models import COUNT_FACTS, Article, GeoparsedArticle


@pytest.fixture(scope="module")
def extractor() -> FactExtractor:
    return FactExtractor()


ALERTS: list[tuple[str, str, float | None]] = [
    # (title, text, magnitude): alert templates and wire phrasings
    ("", "Green alert: the earthquake had Magnitude 5.7M, Depth:10km near the coast.", 5.7),
    ("M 6.1 - 23 km NNE of Lowtown", "Origin time 04:12 UTC. Depth 35.0 km.", 6.1),
    ("", "A magnitude-6.8 quake rattled the hill towns at dawn.", 6.8),
    ("", "A 6.8-magnitude quake rattled the hill towns at dawn.", 6.8),
    ("", "Residents ran outside when a 7.1 quake hit before midnight.", 7.1),
    ("", "An earthquake of magnitude 6.2 struck the border region.", 6.2),
    ("", "The agency recorded an event of Mag: 5.1 under the bay.", 5.1),
    ("", "Seismologists put the shock at M=4.9, at a depth of 12 km.", 4.9),
    ("6.4 Magnitude Earthquake Shakes Valley", "Windows broke in several streets.", 6.4),
    ("", "A Magnitude (Mw) 5.5 earthquake was felt along the coast.", 5.5),
    ("", "Officials said 5.7 million people live in the shaken region after the quake.", None),
    ("", "Five quakes hit the island overnight, none strong.", None),
]


@pytest.mark.parametrize(("title", "text", "magnitude"), ALERTS, ids=[a[1][:40] for a in ALERTS])
def test_alert_magnitudes(
    extractor: FactExtractor, title: str, text: str, magnitude: float | None
) -> None:
    assert extractor.extract(text, title, seismic=True).facts.magnitude == magnitude


COUNTS: list[tuple[str, dict[str, float]]] = [
    # units are people, not villages, houses or cases
    ("Authorities ordered residents to evacuate seven villages near the river.", {}),
    ("Rescuers evacuated 300 people from four districts.", {"evacuated": 300}),
    ("Troops killed 5 fighters in three villages.", {"killed": 5}),
    ("Two cases of the virus were confirmed, one of them fatal.", {"killed": 1}),
    ("Three patients were admitted, one of whom later died.", {"killed": 1}),
    ("The ministry reported 340 cases and 12 deaths.", {"killed": 12}),
    ("So far 4,100 suspected cases and 61 deaths have been recorded.", {"killed": 61}),
    (
        "The number of cases and deaths has risen to 2,300 and 45, respectively.",
        {"killed": 45},
    ),
    ("Deaths and injuries stood at 18 and 70 respectively.", {"killed": 18, "injured": 70}),
    ("Cases and deaths stood at 950 and 16 respectively.", {"killed": 16}),
    ("The dead and injured numbered 7 and 22, respectively.", {"killed": 7, "injured": 22}),
    # tolls
    ("The death toll has crossed 200, officials said.", {"killed": 200}),
    ("The death toll rose above 60 on Friday.", {"killed": 60}),
    ("The number of victims was later reported to be at least 44.", {"killed": 44}),
    ("Initially 12 were reported dead. The death toll later rose to 31.", {"killed": 31}),
    ("Mourners held funerals for the 14 victims on Sunday.", {"killed": 14}),
    ("Dozens were killed in the raid. As many as 70 people are feared dead.", {"killed": 70}),
    (
        "Gunmen returned to the village, which was hit by an attack that left 40 people dead. "
        "Officials said 9 people were killed in the new attack.",
        {"killed": 9},
    ),
    ("Soldiers fired on the crowd, killing a large number of civilians.", {}),
    ("Eleven people were nonetheless killed in the stampede.", {"killed": 11}),
    ("As many as 25 people, including four children, were killed.", {"killed": 25}),
    (
        "A total of 90 cases, including 6 deaths, were reported. Overall 130 cases and 9 deaths "
        "have been recorded.",
        {"killed": 9},
    ),
    # alert and table formats
    ("Death toll: 23 after the storm.", {"killed": 23}),
    ("Fatalities: 5. Injured: 12.", {"killed": 5, "injured": 12}),
    ("Evacuated = 350", {"evacuated": 350}),
    # quantities are not one person; a family is not a person
    ("Half a dozen fishermen drowned off the point.", {"killed": 6}),
    ("A child drowned in the canal.", {"killed": 1}),
    ("The gunmen killed eight members of one family.", {"killed": 8}),
    # evacuation orders and forced departures
    ("Evacuation orders were issued for 30,000 residents.", {"evacuated": 30000}),
    ("About 9,000 residents are under mandatory evacuation orders.", {"evacuated": 9000}),
    ("The fighting forced 20,000 from their homes.", {"displaced": 20000}),
    # bulletin phrasings of deaths among cases
    ("Of the 120 cases reported this year, 12 were fatal.", {"killed": 12}),
    ("Since January 120 cases have been reported, of which 12 were fatal.", {"killed": 12}),
    ("There have been 14 fatal cases in the district.", {"killed": 14}),
    # shelter
    ("Some 3,400 people were moved to evacuation centres.", {"evacuated": 3400}),
    ("Over 5,000 people sought shelter in evacuation centres.", {"evacuated": 5000}),
    # leaving home
    ("Nearly 3,000 residents had to leave their homes.", {"displaced": 3000}),
    ("Some 800 families were forced from their homes.", {"displaced": 800}),
    ("About 12,000 people were ordered to evacuate.", {"evacuated": 12000}),
]


@pytest.mark.parametrize(("sentence", "expected"), COUNTS, ids=[c[0][:50] for c in COUNTS])
def test_counts(extractor: FactExtractor, sentence: str, expected: dict[str, float]) -> None:
    facts = extractor.extract(sentence).facts
    assert {name: getattr(facts, name) for name in COUNT_FACTS} == {
        name: expected.get(name) for name in COUNT_FACTS
    }


@pytest.mark.parametrize(
    ("hazard", "field"), [(True, "evacuated"), (False, "displaced")], ids=["hazard", "conflict"]
)
def test_flight_is_evacuation_in_a_hazard(
    extractor: FactExtractor, hazard: bool, field: str
) -> None:
    facts = extractor.extract("About 5,000 people fled to the hills overnight.", hazard=hazard)
    assert facts.facts.as_dict()[field] == 5000
    other = "displaced" if field == "evacuated" else "evacuated"
    assert facts.facts.as_dict()[other] is None


def test_vague_flight_gives_way_to_a_count(extractor: FactExtractor) -> None:
    text = "Thousands fled their homes in the night. Officials said 6,500 people fled to the port."
    assert extractor.extract(text, hazard=True).facts.evacuated == 6500


def test_extractor_files_flight_by_event_type() -> None:
    extractor = EventExtractor(load_taxonomy("default"), EventsConfig())

    def event(title: str, text: str) -> dict[str, object]:
        article = Article(article_id="a", text=text, title=title)
        return extractor.extract(GeoparsedArticle(article)).facts.as_dict()

    lava = event(
        "Volcano erupts", "Lava poured down the slopes and 4,000 people fled to the coast."
    )
    war = event(
        "Fighting in the north",
        "Heavy fighting between the army and rebels went on, and 4,000 people fled to the coast.",
    )
    assert (lava["evacuated"], lava["displaced"]) == (4000, None)
    assert (war["evacuated"], war["displaced"]) == (None, 4000)


def test_alert_title_alone_is_a_magnitude_hint(extractor: FactExtractor) -> None:
    # no quake word anywhere: the "M 5.3 -" template says it
    assert extractor.extract("Depth 10 km.", "M 5.3 - 8 km W of Eastbay").facts.magnitude == 5.3
