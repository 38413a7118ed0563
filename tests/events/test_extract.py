"""Event typing, location roles, transfers and the extract_event wrapper (own sentences)."""

from __future__ import annotations

import pytest

from mapper.config import EventsConfig
from mapper.events.classify import EventTyper
from mapper.events.extract import EventExtractor, event_record, extract_event, extract_events
from mapper.events.locations import assign_roles
from mapper.events.taxonomy import Taxonomy, load_taxonomy
from mapper.models import Article, GeoparsedArticle, Place, Toponym


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return load_taxonomy("default")


@pytest.fixture(scope="module")
def typer(taxonomy: Taxonomy) -> EventTyper:
    return EventTyper(taxonomy)


TYPING = [
    # every category, in plain news phrasing
    ("Rebels and government troops clashed for hours near the river crossing.", "armed_conflict"),
    (
        "Insurgents seized control of the district capital after a week of fighting.",
        "armed_conflict",
    ),
    ("Army units recaptured three villages from the militia on Monday.", "armed_conflict"),
    (
        "Warplanes carried out airstrikes on the outskirts of the city overnight.",
        "airstrike_shelling",
    ),
    ("Artillery shelling hit residential districts, killing four people.", "airstrike_shelling"),
    ("A drone strike targeted a convoy on the highway.", "airstrike_shelling"),
    ("A suicide bomber blew himself up at a crowded market, killing 14.", "terror_attack"),
    ("A roadside bomb exploded as a bus passed, police said.", "terror_attack"),
    ("Gunmen opened fire on worshippers leaving the mosque.", "terror_attack"),
    ("Thousands of protesters marched to parliament demanding new elections.", "protest_unrest"),
    ("Police fired tear gas to disperse demonstrators outside the ministry.", "protest_unrest"),
    ("Workers went on strike over unpaid wages and blocked the port.", "protest_unrest"),
    ("Police arrested six suspects and seized a cache of weapons.", "crime_security"),
    ("A gang of armed robbers looted shops in the market.", "crime_security"),
    ("The bomb squad defused an explosive device found near the school.", "crime_security"),
    (
        "The government approved an arms deal to supply tanks and missiles to its ally.",
        "military_cooperation",
    ),
    ("The two navies began joint exercises in the gulf.", "military_cooperation"),
    ("The army established a new military base near the border.", "military_cooperation"),
    ("The foreign ministers met for talks on a ceasefire agreement.", "diplomacy_sanctions"),
    ("The union imposed new sanctions and expelled two diplomats.", "diplomacy_sanctions"),
    ("The two countries signed a trade and peace agreement at the summit.", "diplomacy_sanctions"),
    ("A magnitude 6.4 earthquake struck the coast, toppling buildings.", "earthquake"),
    ("Aftershocks rattled the region a day after the quake.", "earthquake"),
    ("A wildfire has burned 5,000 hectares of forest and forced evacuations.", "wildfire"),
    ("Firefighters are battling bushfires burning out of control in the hills.", "wildfire"),
    ("Flash floods swept through the valley after torrential rain.", "flood_storm"),
    ("The typhoon made landfall with winds of 200 km/h.", "flood_storm"),
    ("A tornado tore through the town, flattening homes.", "flood_storm"),
    ("The volcano erupted, spewing ash over nearby villages.", "other_natural_hazard"),
    ("A severe drought has left millions facing famine.", "other_natural_hazard"),
    ("Swarms of locusts destroyed crops across the region.", "other_natural_hazard"),
    ("A passenger train derailed and collided with a freight train.", "accident"),
    ("A gas explosion at a chemical plant killed five workers.", "accident"),
    ("A fire broke out at a nightclub, killing dozens of people.", "accident"),
    ("The ferry capsized in rough seas with 80 passengers on board.", "accident"),
    ("Health authorities reported 120 suspected cases of cholera.", "disease_outbreak"),
    ("A measles outbreak has infected hundreds of children.", "disease_outbreak"),
    ("The home side won the championship final on penalties.", "other"),
    ("The company reported record profits and its shares rose.", "other"),
    ("Voters go to the polls on Sunday to elect a new parliament.", "other"),
    # negation and context
    ("Ceasefire talks resumed in the capital with both delegations.", "diplomacy_sanctions"),
    ("The city requires earthquake-proof buildings under a new law.", "other"),
    ("Soldiers opened fire on the convoy and troops returned fire.", "armed_conflict"),
    ("Police said the shooting was not a terror attack; a suspect was arrested.", "crime_security"),
    ("No tsunami warning was issued; the minister discussed the budget.", "other"),
]


@pytest.mark.parametrize(("text", "category"), TYPING, ids=[t[0][:40] for t in TYPING])
def test_typing(typer: EventTyper, text: str, category: str) -> None:
    assert typer.classify("", text).category == category


def test_title_counts(typer: EventTyper) -> None:
    result = typer.classify("Floods kill 12", "Officials met on Tuesday to discuss relief.")
    assert result.category == "flood_storm"
    assert 0.0 < result.confidence <= 1.0


def test_no_cue_is_fallback(typer: EventTyper) -> None:
    assert typer.classify("", "The weather was mild.").category == "other"


def _place(name: str, precision: str = "city", country: str = "XX") -> Place:
    return Place(f"test:{name}", name, 1.0, 2.0, "city", precision, country)  # type: ignore[arg-type]


def _topos(text: str, names: list[str], demonyms: tuple[str, ...] = ()) -> tuple[Toponym, ...]:
    out = []
    cursor = 0
    for name in names:
        start = text.index(name, cursor)
        cursor = start + len(name)
        is_demonym = name in demonyms
        place = None if is_demonym else _place(name)
        out.append(Toponym(start, start + len(name), name, place, 0.9, "test", is_demonym))
    return tuple(out)


def _roles(locations: tuple) -> dict[str, list[str]]:
    roles: dict[str, list[str]] = {}
    for loc in locations:
        roles.setdefault(loc.role, []).append(loc.name)
    return roles


def test_event_place_is_the_trigger_sentence_not_the_speaker() -> None:
    text = "Washington said on Monday that floods in Rivertown killed 12 people."
    topos = _topos(text, ["Washington", "Rivertown"])
    roles = _roles(assign_roles(topos, text, evidence=(0, len(text))))
    assert roles["event"] == ["Rivertown"]
    assert roles["mentioned"] == ["Washington"]


def test_affected_area() -> None:
    text = "The quake struck near Lakeside, shaking buildings in neighbouring Hillcountry."
    roles = _roles(assign_roles(_topos(text, ["Lakeside", "Hillcountry"]), text))
    assert roles == {"event": ["Lakeside"], "affected": ["Hillcountry"]}


def test_dateline_and_in_place() -> None:
    text = "PORTVILLE - A bomb exploded in Marketown on Friday, killing three."
    roles = _roles(assign_roles(_topos(text, ["PORTVILLE", "Marketown"]), text, evidence=(12, 66)))
    assert roles["event"] == ["Marketown"]


def test_exactly_one_event_and_demonyms_mentioned() -> None:
    text = "Northland troops entered Borderton. Northlandish officials in Capitalia praised them."
    topos = _topos(text, ["Northland", "Borderton", "Northlandish", "Capitalia"], ("Northlandish",))
    locations = assign_roles(topos, text)
    assert [loc.role for loc in locations].count("event") == 1
    assert _roles(locations)["event"] == ["Borderton"]
    assert next(loc for loc in locations if loc.name == "Northlandish").role == "mentioned"


def test_no_resolved_place_no_event() -> None:
    text = "Floods hit Nowhereville."
    topo = Toponym(11, 23, "Nowhereville", None, 0.0, "abstained")
    assert [loc.role for loc in assign_roles((topo,), text)] == ["mentioned"]


def test_transfer_origin_destination() -> None:
    text = "Eastland delivered 40 tanks and ammunition to Westland on Monday."
    locations = assign_roles(_topos(text, ["Eastland", "Westland"]), text, transfer=True)
    roles = _roles(locations)
    assert roles["origin"] == ["Eastland"]
    assert roles["destination"] == ["Westland"]
    assert len(roles["event"]) == 1


def test_transfer_from_to_with_demonym() -> None:
    text = "Ships carrying Southern arms sailed from Portia and were sent to Harbourg."
    topos = _topos(text, ["Southern", "Portia", "Harbourg"], ("Southern",))
    roles = _roles(assign_roles(topos, text, transfer=True))
    assert roles["origin"] == ["Southern", "Portia"]
    assert roles["destination"] == ["Harbourg"]


def _doc(
    text: str, title: str = "", date: str | None = None, names: list[str] = ()
) -> GeoparsedArticle:
    return GeoparsedArticle(Article("a1", text, title, date), _topos(text, list(names)))


def test_extract_event_end_to_end(taxonomy: Taxonomy) -> None:
    text = (
        "A magnitude 6.8 earthquake struck near Lakeside on Tuesday. "
        "The death toll rose to 126, officials in Capitalia said."
    )
    event = extract_event(
        _doc(text, date="2024-05-09", names=["Lakeside", "Capitalia"]), taxonomy, EventsConfig()
    )
    assert event.category == "earthquake"
    assert event.facts.killed == 126
    assert event.facts.magnitude == 6.8
    assert (event.severity, event.severity_reason) == (4, "4: 126 killed")
    assert event.event_date == "2024-05-07"
    assert event.evidence == "The death toll rose to 126, officials in Capitalia said."
    assert event.location("event").name == "Lakeside"
    record = event_record(event)
    assert record["event_type"] == "earthquake"
    assert record["facts"]["killed"] == 126
    assert record["locations"][0] == {"name": "Lakeside", "lat": 1.0, "lon": 2.0, "role": "event"}


def test_extract_events_keeps_order_and_reuses_extractor(taxonomy: Taxonomy) -> None:
    config = EventsConfig()
    docs = [_doc("Protesters rallied in the square."), _doc("Heavy rain caused floods.")]
    events = extract_events(docs, taxonomy, config)
    assert [e.category for e in events] == ["protest_unrest", "flood_storm"]
    assert events[0].severity == 1  # casualty-free category without facts
    assert events[1].severity == 0


def test_severity_config_override(taxonomy: Taxonomy) -> None:
    config = EventsConfig(severity={"killed": {"thresholds": [1, 5], "levels": [3, 5]}})
    event = EventExtractor(taxonomy, config).extract(_doc("The floods killed 6 people."))
    assert (event.severity, event.severity_reason) == (5, "5: 6 killed")


def test_cue_index_prefixes_and_fallback() -> None:
    import re

    from mapper.events.cues import CueIndex, literal_prefixes

    assert literal_prefixes(r"\b(war|civil war)\b") == ["civil", "war"]
    assert literal_prefixes(r"\w+fire") is None
    index = CueIndex([re.compile(r"\b(war|civil war)\b", re.I), re.compile(r"\w+fire", re.I)])
    text = CueIndex.normalise("The Civil War ended;\nbushfire season began.")
    found = sorted((m.key, text[m.start : m.end]) for m in index.find(text))
    assert found == [(0, "civil war"), (0, "war"), (1, "bushfire")]
