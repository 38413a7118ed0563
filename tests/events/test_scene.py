"""The event-place chooser (mapper.events.scene) on full paragraphs written for these tests.

Places are invented so that nothing depends on the gazetteer: a country (Northland) with a
province (Vale Province), towns inside them, a neighbouring country and its capital.
"""

from __future__ import annotations

import re

import pytest

from mapper.events.locations import assign_roles
from mapper.gazetteer.hierarchy import contains
from mapper.models import Place, Toponym

NORTHLAND = Place("ne:NL", "Northland", 10.0, 20.0, "country", "country", "NL", extent_km=400)
VALE = Place("admin1:NL-VA", "Vale Province", 11.0, 21.0, "admin1", "admin1", "NL", "NL-VA", 0, 90)
BROOKFIELD = Place("geonames:1", "Brookfield", 11.2, 21.3, "city", "city", "NL", "NL-VA", 9000, 4)
CAPITALIA = Place("geonames:2", "Capitalia", 8.0, 18.0, "city", "city", "NL", "NL-CA", 2e6, 30)
ELMWOOD = Place("geonames:3", "Elmwood", 9.0, 22.5, "city", "city", "NL", "NL-EA", 50000, 8)
SOUTHMARK = Place("ne:SM", "Southmark", 2.0, 25.0, "country", "country", "SM", extent_km=300)
PORTSEA = Place("geonames:4", "Portsea", 1.5, 25.5, "city", "city", "SM", "SM-01", 8e5, 20)
NORTHERN_VALE = Place(
    "rel:admin1:NL-VA:north",
    "northern Vale Province",
    11.35,
    21.1,
    "relative",
    "region",
    "NL",
    extent_km=45,
)

# A broad natural area inside Northland (an island), larger than Vale Province.
GREENISLE = Place(
    "region:greenisle", "Greenisle", 10.5, 20.5, "region", "region", "NL", None, 0, 250
)
PLACES = {
    p.name: p
    for p in (NORTHLAND, VALE, BROOKFIELD, CAPITALIA, ELMWOOD, SOUTHMARK, PORTSEA, GREENISLE)
}
PLACES.update({"CAPITALIA": CAPITALIA, "Vale": VALE, "Northlandish": NORTHLAND})


def topos(text: str, *, demonyms: tuple[str, ...] = (), relative: dict | None = None):
    """Every mention of a known name in ``text``, in order (longest names first)."""
    names = sorted(PLACES, key=len, reverse=True)
    pattern = re.compile("|".join(rf"\b{re.escape(n)}\b" for n in names))
    out = []
    for m in pattern.finditer(text):
        name = m.group(0)
        rel = (relative or {}).get(m.start())
        out.append(
            Toponym(m.start(), m.end(), name, PLACES[name], 5.0, "test", name in demonyms, rel)
        )
    return tuple(out)


def scene(text: str, **kwargs) -> str:
    demonyms = kwargs.pop("demonyms", ())
    relative = kwargs.pop("relative", None)
    mentions = topos(text, demonyms=demonyms, relative=relative)
    events = [loc for loc in assign_roles(mentions, text, **kwargs) if loc.role == "event"]
    assert len(events) == 1
    mention = next(t for t in mentions if t.start == events[0].start)
    return (mention.relative or mention.place).name


def test_scene_hierarchy_is_known():
    assert contains(NORTHLAND, BROOKFIELD) and contains(VALE, BROOKFIELD)
    assert contains(NORTHLAND, VALE) and not contains(VALE, NORTHLAND)
    assert not contains(NORTHLAND, PORTSEA) and not contains(BROOKFIELD, BROOKFIELD)


def test_scene_a_town_inside_the_country_beats_the_country():
    text = (
        "A powerful earthquake struck Northland on Saturday, killing at least 60 people.\n"
        "Rescuers worked through the night in Brookfield, where dozens of homes collapsed.\n"
        "The government of Northland declared a state of emergency."
    )
    assert scene(text, evidence=(0, 80)) == "Brookfield"


def test_scene_descends_province_then_town():
    text = (
        "Floods swept through Vale Province in Northland this week. In the town of Brookfield, "
        "water reached the rooftops and eleven people drowned."
    )
    assert scene(text, evidence=(0, 60)) == "Brookfield"


@pytest.mark.parametrize(
    "text",
    [
        "CAPITALIA, Northland (Wire) - Rebels seized the town of Elmwood after two days of "
        "fighting, the army said on Monday.",
        "CAPITALIA - Rebels seized the town of Elmwood after two days of fighting, the army "
        "said on Monday.",
        "By a staff reporter\nCAPITALIA, Jan 4: Rebels seized the town of Elmwood after two "
        "days of fighting.",
    ],
)
def test_scene_the_dateline_is_where_the_reporter_files(text):
    assert scene(text) == "Elmwood"


def test_scene_the_dateline_stands_when_nothing_else_is_named():
    assert scene("CAPITALIA (Wire) - Thousands marched to parliament on Friday.") == "Capitalia"


def test_scene_officials_speaking_in_the_capital_are_not_the_scene():
    text = (
        "Officials in Capitalia said a bus carrying pilgrims overturned on a mountain road "
        "near Elmwood early on Sunday, killing 14 people."
    )
    assert scene(text, evidence=(0, len(text))) == "Elmwood"


@pytest.mark.parametrize(
    "text",
    [
        "A Capitalia-bound train derailed outside Elmwood on Tuesday, injuring 40 passengers.",
        # Without the rule the port, after "port of" and first in the text, would win.
        "A freighter bound for the port of Capitalia sank on Tuesday; Elmwood's coastguard "
        "rescued 12 sailors.",
        "A bus heading to Capitalia overturned on Tuesday; Elmwood's hospital took in 40 injured.",
    ],
)
def test_scene_where_it_was_heading_is_not_the_scene(text):
    assert scene(text, evidence=(0, len(text))) == "Elmwood"


def test_scene_past_events_are_background():
    # No reporting sentence is known: the earlier fire, named first and after "near", would win.
    text = (
        "In 2015 a fire near Brookfield destroyed 300 houses in the hills.\n"
        "This week wildfires forced thousands from their homes around Elmwood."
    )
    assert scene(text, article_year=2024) == "Elmwood"


def test_scene_a_broad_place_with_a_scene_inside_it_beats_its_partner():
    # Both countries run the drills; the one that hosts them holds the place they began at.
    text = (
        "Northland and Southmark launched joint military drills on Monday. Thousands of troops "
        "from both armies took part in the exercise. The drills began in Portsea town."
    )
    assert scene(text, evidence=(0, 65)) == "Portsea"


def test_scene_the_headline_names_it():
    text = (
        "Police said the gunmen escaped. Residents of Elmwood and of Brookfield described "
        "hours of terror. A curfew was imposed across Northland."
    )
    assert scene(text, title="Gunmen kill nine in Brookfield market") == "Brookfield"


def test_scene_a_headline_speaker_does_not_count():
    # Counted as a headline place, Capitalia would outscore Elmwood, the place the report names.
    text = "Heavy rain fell over Capitalia on Monday. Elmwood's floods killed nine on Sunday."
    title = "Capitalia says nine died after the floods"
    assert scene(text, title=title, evidence=(text.index("Elmwood"), len(text))) == "Elmwood"


def test_scene_a_delivery_happens_where_it_arrives():
    text = (
        "Southmark delivered a first batch of air defence missiles to Northland on Friday, "
        "unloading them at Elmwood, the ministry said."
    )
    assert scene(text, evidence=(0, len(text)), transfer=True) == "Elmwood"


def test_scene_a_town_inside_a_relative_part_beats_the_part():
    text = (
        "Fighting spread across northern Vale Province on Monday as insurgents attacked "
        "Brookfield, a market town, from three sides."
    )
    relative = {text.index("Vale"): NORTHERN_VALE}
    assert scene(text, evidence=(0, len(text)), relative=relative) == "Brookfield"


def test_scene_a_demonym_confirms_its_country_but_is_never_the_scene():
    text = "Northlandish troops shelled positions near Portsea, in Southmark, overnight."
    assert scene(text, evidence=(0, len(text)), demonyms=("Northlandish",)) == "Portsea"


def test_scene_reason_is_kept_on_the_event_location():
    text = "A cyclone made landfall near Brookfield in Northland on Sunday."
    [event] = [
        loc for loc in assign_roles(topos(text), text, evidence=(0, 64)) if loc.role == "event"
    ]
    assert event.reason.startswith("scene: ") and "Northland" in event.reason


@pytest.mark.parametrize(
    "text",
    [
        "Staff at the Capitalia Times watched a ferry sink, drowning 30 people, in Elmwood.",
        "Pilots at a Capitalia-based airline saw a plane crash, killing 30 people, in Elmwood.",
        "Medics from Capitalia's Red Cross saw a ferry sink, drowning 30 people, in Elmwood.",
    ],
)
def test_scene_a_place_in_an_organisation_name_is_not_the_scene(text):
    assert scene(text, evidence=(0, len(text))) == "Elmwood"


def offset(base: Place, phrase: str, lat: float, lon: float, km: int, bearing: int) -> Place:
    """A measured offset as the relative stage makes it ("40 km south of Brookfield")."""
    return Place(
        f"rel:{base.place_id}:{km}km{bearing}", phrase, lat, lon, "relative", "region", base.country
    )


def test_scene_the_lead_skips_a_ticker_of_other_stories():
    # The ticker's places come first and after "at" / "in"; the report below is the lead.
    text = (
        "Latest\nElmwood mayor opens bridge • Storm delays flights at Capitalia • Markets "
        "rally in Portsea\nBy a staff writer\nFloods swept through Brookfield on Tuesday, "
        "drowning nine people and cutting the roads to the hills.\nRescuers were still "
        "searching for two children on Wednesday, officials said."
    )
    assert scene(text) == "Brookfield"


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        (
            "Troops clashed with rebels in Elmwood on Saturday. On Sunday gunmen raided Ayo, a "
            "farming village about 40 km south of Brookfield, killing 12 people.",
            "40 km south of Brookfield",
        ),
        (
            "Rebels shelled Elmwood last week. Jets landed at the Ayo air base, located some 25 "
            "miles to the west of Brookfield, with a first load of missiles.",
            "25 miles to the west of Brookfield",
        ),
    ],
)
def test_scene_a_measured_offset_after_the_scene_places_it(text, phrase):
    # Without the offset's own evidence, Elmwood (first, after "in") would be the scene.
    at = text.index("Brookfield")
    relative = {at: offset(BROOKFIELD, phrase, 10.84, 21.3, 40, 180)}
    assert scene(text, relative=relative) == phrase


def test_scene_an_offset_refines_the_place_it_is_measured_from():
    # Brookfield is named in the reporting sentence; the strike was 30 km east of it.
    text = (
        "Jets bombed Brookfield Township in Vale Province on Tuesday, killing 40 people. The "
        "bombs fell on a school in Ayo, about 30 km east of Brookfield, witnesses said."
    )
    second = text.index("Brookfield", 40)
    relative = {second: offset(BROOKFIELD, "30 km east of Brookfield", 11.2, 21.57, 30, 90)}
    assert scene(text, evidence=(0, 70), relative=relative) == "30 km east of Brookfield"


def test_scene_a_bound_place_in_the_headline_does_not_count():
    text = (
        "Capitalia refineries were waiting for the fuel. Pirates boarded the tanker off Portsea "
        "on Sunday."
    )
    assert scene(text, title="Pirates seize Capitalia-bound tanker") == "Portsea"


def test_scene_a_port_on_the_ships_route_is_not_the_scene():
    # "on its way from X to the port of Y": Y, after "port of" and named first, is not it.
    text = (
        "The freighter, on its way from Portsea to the port of Elmwood, was boarded by pirates "
        "off Brookfield on Monday, the navy said."
    )
    assert scene(text) == "Brookfield"


def test_scene_a_station_named_after_a_town_does_not_pull_the_scene_down():
    text = (
        "Protesters occupied the main airport of Northland on Monday, halting all flights. "
        "Police fired tear gas at Elmwood MTR station."
    )
    assert scene(text, evidence=(0, 80)) == "Northland"


def test_scene_where_an_agreement_is_announced_is_where_officials_speak():
    text = (
        "Northland and Southmark signed a border treaty on Monday. The foreign minister "
        "announced the agreement in Capitalia on Tuesday."
    )
    assert scene(text, evidence=(0, 57), category="diplomacy_sanctions") != "Capitalia"


def test_scene_a_division_inside_beats_a_broad_island_inside():
    # Both lie in Northland; the island scores higher, but the province is the scene's unit.
    text = (
        "A typhoon pounded Northland on Sunday, killing ten people and cutting power to "
        "millions. Landslides buried houses on the island of Greenisle overnight. "
        "The typhoon made landfall on Vale Province before dawn."
    )
    assert scene(text, evidence=(0, 90)) == "Vale Province"


def test_scene_a_place_before_a_comma_and_said_is_not_the_speaker():
    # "X, witnesses said": the witnesses speak. Read as a speaker, Elmwood would lose.
    text = (
        "Officials in Capitalia gave no toll. Shells hit the market in Elmwood, witnesses said, "
        "killing nine people."
    )
    roles = {loc.name: loc.role for loc in assign_roles(topos(text), text)}
    assert roles["Capitalia"] == "mentioned"
    assert scene(text) == "Elmwood"
