"""The taxonomy's boundaries as rules, each with sentences written for this file.

- Attacks by armed groups on civilians (bombings, suicide attacks, mass shootings at a place of
  worship, a school or a market) are terror_attack; fighting between armed forces, and an armed
  group entering or taking a town, is armed_conflict.
- Kidnapping by a gang, for ransom, and piracy are crime_security; kidnapping by militants is
  terror_attack.
- Deployments, deliveries and exercises are military_cooperation, even where the text names the
  missiles delivered or the insurgents the troops are sent to fight; strikes are
  airstrike_shelling.
- Volcanic eruptions, their tremors and the tsunamis they set off are other_natural_hazard; an
  earthquake and the tsunami it raises are earthquake.
- Background (an earlier event the article recalls) weighs less than the incident reported.
- "other" is the answer only when no event category comes close.
"""

from __future__ import annotations

import pytest

from mapper.events.classify import EventTyper
from mapper.events.taxonomy import load_taxonomy

BOUNDARIES: list[tuple[str, str, str, str]] = [
    # (rule, title, text, category)
    (
        "car bomb at a bus station",
        "Car bomb kills 30 at bus station",
        "A car bomb exploded near a crowded bus station in the city centre on Monday, killing 30 "
        "people. Police said the attackers had parked the vehicle there overnight.",
        "terror_attack",
    ),
    (
        "bomb blasts with war background",
        "Toll from market blasts climbs to 40",
        "The death toll from two bomb blasts at a busy market rose to 40 on Sunday, the mayor "
        "said. No group has said it carried out the blasts. The army has been fighting insurgents "
        "in the region for more than a decade.",
        "terror_attack",
    ),
    (
        "shooting at a church",
        "Church shooting leaves nine dead",
        "A gunman opened fire during the Sunday service, killing nine worshippers. Police arrested "
        "a suspect near the church and said he would be charged with murder.",
        "terror_attack",
    ),
    (
        "explosion among crowds, no word of suicide",
        "",
        "An explosion tore through crowds waiting outside the main gate of the stadium on "
        "Thursday, officials said, calling it a cowardly attack. A second explosion hit a bus "
        "stop nearby.",
        "terror_attack",
    ),
    (
        "armed group enters a city",
        "",
        "Rebel fighters entered the provincial capital on Sunday after government troops "
        "withdrew, residents said, and the group's commanders declared the takeover of the city.",
        "armed_conflict",
    ),
    (
        "fighting between army and militia",
        "Twelve soldiers killed in fighting over river crossing",
        "Heavy fighting between the army and a local militia over the river crossing killed 12 "
        "soldiers, a military spokesman said.",
        "armed_conflict",
    ),
    (
        "gang kidnapping for ransom",
        "Gang seizes aid workers on coast road",
        "A gang abducted eight aid workers on the coast road on Tuesday and demanded a ransom for "
        "their release, police said. Kidnappings by armed gangs have risen this year.",
        "crime_security",
    ),
    (
        "militants abduct villagers",
        "Militants abduct dozens of villagers",
        "Jihadist militants abducted at least 40 villagers on Friday and torched their homes, "
        "survivors said.",
        "terror_attack",
    ),
    (
        "pirates hijack a tanker",
        "Pirates hijack tanker off the coast",
        "Pirates in two skiffs boarded a tanker off the coast and took its 20 crew hostage, the "
        "naval task force said. The attackers fired on the bridge before boarding.",
        "crime_security",
    ),
    (
        "air defence delivery",
        "",
        "A cargo plane delivered on Friday the second batch of long-range air defence missile "
        "components to an air base near the capital, the defence ministry said.",
        "military_cooperation",
    ),
    (
        "troops sent under an agreement to fight insurgents",
        "",
        "The country will send 800 troops to its neighbour under a bilateral agreement, to help "
        "the army battle insurgents who have attacked towns in the north. The contingent will "
        "conduct combat and security operations alongside local forces.",
        "military_cooperation",
    ),
    (
        "joint exercise",
        "",
        "The navies of the two countries began joint exercises with live-fire drills off the "
        "coast on Monday.",
        "military_cooperation",
    ),
    (
        "missile strike on a base (control)",
        "",
        "Missiles struck an air base overnight, destroying two hangars and a fuel depot.",
        "airstrike_shelling",
    ),
    (
        "volcanic tremors then an eruption",
        "Volcano erupts after weeks of tremors",
        "Volcanic tremors intensified for weeks before the volcano erupted on Saturday, sending "
        "ash five kilometres into the sky and lava down its eastern flank.",
        "other_natural_hazard",
    ),
    (
        "tsunami from an eruption",
        "",
        "A tsunami triggered by the eruption of an island volcano swept the coast, and seismic "
        "stations recorded the blast across the ocean.",
        "other_natural_hazard",
    ),
    (
        "tsunami from an earthquake",
        "",
        "A magnitude 7.4 earthquake struck offshore and generated a tsunami that reached the "
        "harbour within twenty minutes.",
        "earthquake",
    ),
    (
        "kidnapping story that recalls an earthquake",
        "Bus driver kidnapped by gang",
        "A gang kidnapped a bus driver on the main road and demanded a ransom from his employer, "
        "police said. The town is still rebuilding after a magnitude 7.0 earthquake two years "
        "ago, which destroyed the market and damaged the port.",
        "crime_security",
    ),
    (
        "talks beat generic politics words",
        "",
        "The president met his counterpart for talks on the ceasefire, the prime minister's office "
        "said. The two leaders did not take questions from parliament or the press.",
        "diplomacy_sanctions",
    ),
    (
        "no event at all",
        "",
        "The central bank raised interest rates on Thursday as inflation climbed, and shares in "
        "banks rose.",
        "other",
    ),
]


# Everyday phrasings of each category that name no stock keyword ("left the tracks", "went
# down", "drills", "heat exhaustion"): typing them must not abstain to "other".
PHRASINGS: list[tuple[str, str, str]] = [
    ("", "A passenger train left the tracks in a mountain pass, injuring 40 people.", "accident"),
    ("", "A bridge gave way under a loaded truck, sending it into the river.", "accident"),
    ("", "The small plane went down shortly after take-off, killing both pilots.", "accident"),
    ("", "Eight workers died when scaffolding fell at a construction site.", "accident"),
    ("Warehouse blaze kills 12", "Twelve workers were killed overnight.", "accident"),
    (
        "",
        "Temperatures above 45C were recorded for a fifth day, and hospitals treated hundreds "
        "for heat exhaustion.",
        "other_natural_hazard",
    ),
    ("", "Gunmen on motorbikes stormed a village and killed 30 residents.", "terror_attack"),
    ("", "An attacker drove a truck into a crowd at a holiday market.", "terror_attack"),
    (
        "",
        "The defence ministry announced the arrival of 20 armoured vehicles donated by its ally.",
        "military_cooperation",
    ),
    (
        "",
        "The army began large-scale drills near the border involving 10,000 soldiers.",
        "military_cooperation",
    ),
    ("", "Dozens were crushed when crowds surged toward the gates of the stadium.", "accident"),
    ("", "Thirty miners are trapped underground after a shaft flooded.", "accident"),
    (
        "",
        "Washington imposed visa restrictions on officials accused of rigging the vote.",
        "diplomacy_sanctions",
    ),
    (
        "",
        "The foreign ministry summoned the envoy to protest the border incident.",
        "diplomacy_sanctions",
    ),
    (
        "",
        "Leaders of the two countries met in the capital to discuss trade and security.",
        "diplomacy_sanctions",
    ),
    (
        "",
        "The militant group claimed responsibility for the attack on the hotel.",
        "terror_attack",
    ),
    ("", "The ministry signed a contract to buy 24 fighter jets.", "military_cooperation"),
    (
        "",
        "The ally pledged a new package of military aid including artillery shells.",
        "military_cooperation",
    ),
    (
        "",
        "Peacekeepers from three countries arrived to reinforce the mission.",
        "military_cooperation",
    ),
]


@pytest.fixture(scope="module")
def typer() -> EventTyper:
    return EventTyper(load_taxonomy("default"))


@pytest.mark.parametrize(
    ("rule", "title", "text", "category"), BOUNDARIES, ids=[b[0] for b in BOUNDARIES]
)
def test_boundary(typer: EventTyper, rule: str, title: str, text: str, category: str) -> None:
    assert typer.classify(title, text).category == category, rule


@pytest.mark.parametrize(
    ("title", "text", "category"), PHRASINGS, ids=[p[1][:40] for p in PHRASINGS]
)
def test_phrasing(typer: EventTyper, title: str, text: str, category: str) -> None:
    assert typer.classify(title, text).category == category


def test_background_sentence_counts_less(typer: EventTyper) -> None:
    lead = "A gang kidnapped a shopkeeper in the market and demanded a ransom, police said. "
    later = (
        "Gangs have grown stronger in the city over the years, officials said, and police "
        "patrols continue in the old quarter. Shop owners said they would close early this week "
        "and asked the mayor for more officers on the streets at night. "
    )
    recalled = "A strong earthquake killed many people there in 2015."
    now = "A strong earthquake killed many people there on Sunday."
    background = typer.scores("", lead + later + recalled)[0]["earthquake"]
    current = typer.scores("", lead + later + now)[0]["earthquake"]
    assert background == pytest.approx(current / 2)


def test_one_country_is_read_alone_and_equals_the_full_load():
    # A fresh process, so that no earlier test has loaded every shape already.
    import subprocess
    import sys

    script = (
        "import mapper.gazetteer.boundaries as b\n"
        "codes = ['RU', 'FR', 'CY', 'NA', 'ZZ']\n"
        "alone = [b.country_by_iso2(c) for c in codes]\n"
        "assert b.load_countries.cache_info().currsize == 0\n"
        "b.country_by_iso2.cache_clear()\n"
        "b.load_countries()\n"
        "full = [b.country_by_iso2(c) for c in codes]\n"
        "assert b.load_countries.cache_info().currsize == 1\n"
        "assert alone[-1] is None and full[-1] is None\n"
        "for a, f in zip(alone[:-1], full[:-1]):\n"
        "    assert a == f and a.geometry.equals_exact(f.geometry, 0), a.iso2\n"
        "print([a.ne_id for a in alone[:-1]])\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["['RUS',", "'FRA',", "'CYP',", "'NAM']"]
