"""Fact extraction, table-driven: one sentence (written for this table) -> expected facts.

Each row lists only the facts it checks; every other count field must be None ("not reported").
"""

from __future__ import annotations

import pytest

from mapper.events.facts import FactExtractor
from mapper.events.numbers import parse_number
from mapper.models import COUNT_FACTS

COUNT_FIELDS = COUNT_FACTS

CASES: list[tuple[str, dict[str, float]]] = [
    # killed: passive and intransitive
    ("Five people were killed when the bus overturned.", {"killed": 5}),
    ("Seven villagers died in the attack on Sunday.", {"killed": 7}),
    ("Two miners lost their lives in the collapse.", {"killed": 2}),
    ("Twelve passengers drowned when the ferry sank.", {"killed": 12}),
    ("At least 14 people have been confirmed dead.", {"killed": 14}),
    ("Officials said 9 pilgrims perished in the crush.", {"killed": 9}),
    ("The clashes left 16 dead.", {"killed": 16}),
    ("The storm left 31 people dead across the region.", {"killed": 31}),
    ("There were 18 fatalities.", {"killed": 18}),
    ("4 fatalities.", {"killed": 4}),
    ("The raid resulted in ten insurgent deaths.", {"killed": 10}),
    ("Forty dead and dozens missing after the dam burst.", {"killed": 40, "missing": 12}),
    ("The bodies of 23 migrants were recovered from the sea.", {"killed": 23}),
    ("Rescuers found 6 bodies in the rubble.", {"killed": 6}),
    ("3 children were found dead in the house.", {"killed": 3}),
    # killed: active voice, victims after the verb
    ("Gunmen killed 11 farmers in the village.", {"killed": 11}),
    ("Troops shelled the town, killing 8 civilians.", {"killed": 8}),
    ("The blast killed at least 27 people and injured 60.", {"killed": 27, "injured": 60}),
    ("The militants executed 5 hostages on Friday.", {"killed": 5}),
    ("Police shot dead two robbers near the bank.", {"killed": 2}),
    ("Two gunmen killed 5 villagers on Monday.", {"killed": 5}),
    ("Soldiers killed an insurgent during the patrol.", {"killed": 1}),
    # killed: tolls and lives
    ("The death toll rose to 126 on Tuesday.", {"killed": 126}),
    ("The death toll from the floods has risen to 1,024.", {"killed": 1024}),
    ("The toll climbed to 413 dead and 298 missing.", {"killed": 413, "missing": 298}),
    ("The number of dead reached 57 by nightfall.", {"killed": 57}),
    ("The landslide claimed 19 lives.", {"killed": 19}),
    ("The fire claimed the lives of 4 firefighters.", {"killed": 4}),
    ("The epidemic has cost 300 lives so far.", {"killed": 300}),
    # killed: singular subjects
    ("A police officer was shot dead at the checkpoint.", {"killed": 1}),
    ("A woman died after being hit by a falling tree.", {"killed": 1}),
    ("He was killed in the incident.", {"killed": 1}),
    ("A teenager was injured and later died in hospital.", {"killed": 1}),
    ("Tear gas caused the death of a passer-by.", {"killed": 1}),
    ("Maria Lopez, a local councillor, was killed on Friday.", {"killed": 1}),
    # number forms
    ("Twenty-two workers were killed in the explosion.", {"killed": 22}),
    ("One hundred and twenty people died in the heatwave.", {"killed": 120}),
    ("1,250 people were killed over the week.", {"killed": 1250}),
    ("A dozen soldiers were killed in the ambush.", {"killed": 12}),
    ("Half a dozen fishermen drowned off the coast.", {"killed": 6}),
    ("Dozens of people were killed in the raid.", {"killed": 12}),
    ("Hundreds of people died in the famine.", {"killed": 100}),
    ("Scores of fighters were killed.", {"killed": 20}),
    ("Several people were killed in the crash.", {"killed": 3}),
    ("Tens of thousands of people were displaced by the fighting.", {"displaced": 10000}),
    ("1.2 million people were displaced by the cyclone.", {"displaced": 1200000}),
    ("Some 2.5 million people fled their homes.", {"displaced": 2500000}),
    # qualifiers and ranges
    ("At least 30 people were killed.", {"killed": 30}),
    ("More than 200 people have died.", {"killed": 200}),
    ("Over 50 homes were destroyed.", {"buildings_destroyed": 50}),
    ("Nearly 40 people were injured.", {"injured": 40}),
    ("Between 20 and 30 people were killed.", {"killed": 20}),
    ("25 to 35 fighters were killed in the strike.", {"killed": 25}),
    ("An estimated 4,000 residents were evacuated.", {"evacuated": 4000}),
    ("Up to 15 people are missing.", {"missing": 15}),
    # groups summed, subsets not
    ("3 soldiers and 2 civilians were killed.", {"killed": 5}),
    ("Four police officers, two soldiers and one child were killed.", {"killed": 7}),
    ("The attack killed 3 soldiers and 2 civilians.", {"killed": 5}),
    ("Militiamen killed 18 people, including five women.", {"killed": 18}),
    ("Seven people were killed including the bomber.", {"killed": 7}),
    ("The commander and several fighters were killed in the strike.", {"killed": 4}),
    # latest cumulative toll, not a sum
    (
        "At first 12 people were reported dead. The death toll later rose to 19.",
        {"killed": 19},
    ),
    (
        "The toll had stood at 137 earlier on Monday. The death toll has now risen to 337.",
        {"killed": 337},
    ),
    (
        "Five people died on Monday. So far, 41 people have been killed in the region.",
        {"killed": 41},
    ),
    ("Fifteen people died in the quake. Two women died when a wall fell.", {"killed": 15}),
    # hedged and background figures yield to firm ones
    (
        "Four people were killed on Sunday. The 2015 war that killed 10,000 people ended.",
        {"killed": 4},
    ),
    (
        "The fire killed at least 3. Officials fear 40 people may have died.",
        {"killed": 3},
    ),
    ("Officials fear 40 people may have died.", {"killed": 40}),
    # casualties are not deaths
    ("Dozens were killed or injured in the blast.", {}),
    ("Twelve people were killed or wounded.", {}),
    # explicit zero, unknown stays None
    ("There were no casualties.", {"killed": 0, "injured": 0}),
    ("No one was killed in the collision.", {"killed": 0}),
    ("Nobody was hurt, police said.", {"injured": 0}),
    ("Casualties unknown.", {}),
    ("The army said the situation was calm.", {}),
    # dates, ages, money and measurements are not counts
    ("On 3 April 2022, 7 people were killed in Kharkiv.", {"killed": 7}),
    ("A 73-year-old man died of his injuries.", {"killed": 1}),
    ("Residents within six kilometres were evacuated.", {}),
    ("The company paid a $900 million fine.", {}),
    ("Two days later, 4 people died in hospital.", {"killed": 4}),
    # injured
    ("34 people were injured in the blast.", {"injured": 34}),
    ("Three policemen were wounded in the clash.", {"injured": 3}),
    ("The quake injured some 300 people.", {"injured": 300}),
    ("The explosion wounded 14 workers.", {"injured": 14}),
    ("Five got wounded during the shelling.", {"injured": 5}),
    ("The blaze left 9 people injured.", {"injured": 9}),
    ("Two civilians died and five got wounded.", {"killed": 2, "injured": 5}),
    ("A firefighter was injured.", {"injured": 1}),
    ("Sixty people were hospitalised after the leak.", {"injured": 60}),
    # missing
    ("Twenty people are missing after the mudslide.", {"missing": 20}),
    ("With 1,148 people still missing, hopes faded.", {"missing": 1148}),
    ("Rescuers searched for 45 missing climbers.", {"missing": 45}),
    ("Another 20 remain unaccounted for.", {"missing": 20}),
    # displaced
    ("Hundreds have been displaced by the fighting.", {"displaced": 100}),
    ("The fire left 8,000 people homeless.", {"displaced": 8000}),
    ("The fighting displaced 40,000 people.", {"displaced": 40000}),
    ("The floods forced 3,000 people to flee.", {"displaced": 3000}),
    ("More than 600 families were relocated.", {"displaced": 600}),
    ("About 2,000 villagers have fled their homes.", {"displaced": 2000}),
    # evacuated
    ("About 10,000 people were evacuated from the area.", {"evacuated": 10000}),
    ("Authorities evacuated 26,000 residents.", {"evacuated": 26000}),
    ("The rising water forced 1,141 people to be evacuated.", {"evacuated": 1141}),
    ("53 people were ordered to evacuate their homes.", {"evacuated": 53}),
    ("Twenty-four people are evacuated after two tankers collide.", {"evacuated": 24}),
    # trapped and rescued
    ("About 250 people were trapped on the slopes.", {"trapped": 250}),
    ("The collapse trapped 17 miners underground.", {"trapped": 17}),
    ("Some 1,243 people have been rescued.", {"rescued": 1243}),
    ("Coast guards rescued 38 migrants.", {"rescued": 38}),
    # buildings destroyed
    ("More than 2,200 buildings were destroyed.", {"buildings_destroyed": 2200}),
    ("The tornado destroyed 45 homes.", {"buildings_destroyed": 45}),
    ("The fire razed close to a thousand shanties.", {"buildings_destroyed": 1000}),
    ("The tsunami destroyed or carried away 517 homes.", {}),
    # several facts in one sentence
    (
        "The typhoon left at least 229 people dead with 700 still missing.",
        {"killed": 229, "missing": 700},
    ),
    (
        "Seven people were killed and at least 34 injured.",
        {"killed": 7, "injured": 34},
    ),
    (
        "One person has been killed and three have been injured.",
        {"killed": 1, "injured": 3},
    ),
    # analyst coding notes
    ("Fatalities coded as 20.", {"killed": 20}),
    ("Unclear fatalities coded as 6 (half of 12).", {"killed": 6}),
    ("Unclear fatalities coded as 10 and split between 5 locations.", {"killed": 2}),
    ("Unclear fatalities coded as 5 (half of 10) and split between 2 locations.", {"killed": 3}),
]


@pytest.fixture(scope="module")
def extractor() -> FactExtractor:
    return FactExtractor()


@pytest.mark.parametrize(("sentence", "expected"), CASES, ids=[c[0][:50] for c in CASES])
def test_counts(extractor: FactExtractor, sentence: str, expected: dict[str, float]) -> None:
    facts = extractor.extract(sentence).facts
    got = {name: getattr(facts, name) for name in COUNT_FIELDS}
    want = {name: expected.get(name) for name in COUNT_FIELDS}
    assert got == want


MAGNITUDES = [
    ("A magnitude 6.1 earthquake hit the coast.", 6.1),
    ("A 5.9-magnitude earthquake shook the capital.", 5.9),
    ("The quake measured 5.8 on the Richter scale.", 5.8),
    ("A M 7.2 earthquake struck offshore.", 7.2),
    ("A Mw6.4 quake hit the island.", 6.4),
    ("The USGS said the quake had a magnitude of 4.8.", 4.8),
    ("A powerful 7.7 earthquake triggered a tsunami.", 7.7),
    ("A tremor measuring 4.0 was felt in the north.", 4.0),
    ("The magnitude of the disaster became clear.", None),
    ("Three earthquakes hit; a magnitude 5.8 quake, then two of magnitude 4.8.", 5.8),
]


@pytest.mark.parametrize(("sentence", "expected"), MAGNITUDES)
def test_magnitude(extractor: FactExtractor, sentence: str, expected: float | None) -> None:
    assert extractor.extract(sentence).facts.magnitude == expected


AREAS = [
    ("The bushfire has burnt through about 750 hectares.", 750.0),
    ("The wildfire burned 10,000 acres of forest.", 4046.9),
    ("The blaze has scorched 12 square kilometres of scrub.", 1200.0),
    ("Farmers planted 300 hectares of wheat.", None),
]


@pytest.mark.parametrize(("sentence", "expected"), AREAS)
def test_area_burned(extractor: FactExtractor, sentence: str, expected: float | None) -> None:
    assert extractor.extract(sentence).facts.area_burned_ha == expected


def test_title_fills_gaps_only(extractor: FactExtractor) -> None:
    result = extractor.extract(
        "Rescuers kept digging. 41 people were killed, officials said.",
        title="Quake kills 38",
    )
    assert result.facts.killed == 41
    assert extractor.extract("Rescuers kept digging.", title="Quake kills 38").facts.killed == 38


def test_evidence_is_the_reporting_sentence(extractor: FactExtractor) -> None:
    text = "Heavy rain fell all week. The floods killed 12 people in the valley."
    result = extractor.extract(text)
    assert result.evidence is not None
    assert text[result.evidence[0] : result.evidence[1]] == (
        "The floods killed 12 people in the valley."
    )


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,200", 1200),
        ("409 222", 409222),
        ("twenty-two", 22),
        ("one hundred and five", 105),
        ("a dozen", 12),
        ("1.2 million", 1_200_000),
        ("5m", 5_000_000),
        ("dozens", 12),
        ("hundreds of thousands", 100_000),
        ("banana", None),
    ],
)
def test_parse_number(text: str, value: float | None) -> None:
    assert parse_number(text) == value
