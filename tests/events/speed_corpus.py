"""Long articles written from our own sentence templates, for the speed-up equivalence test.

The sentences are invented; a seeded generator strings them into 2-3 KB articles with the
spacing, case and number formats the shortcuts have to get right.
"""

from __future__ import annotations

import random

_PLACES = ("Northvale", "Port Ember", "Kessa", "Lowmarch", "Tarin Hills", "the Oru valley")
_UNITS = ("people", "villagers", "soldiers", "civilians", "residents", "workers", "children")
_NUMBERS = (
    "3",
    "12",
    "40",
    "1,200",
    "2 500",
    "seven",
    "twenty-one",
    "dozens of",
    "hundreds of",
    "at least 9",
    "more than 300",
    "between 20 and 30",
    "a few",
    "several",
    "one",
)
_TEMPLATES = (
    "{n} {u} were killed when a bus overturned near {p} on Tuesday.",
    "The death toll rose to {n} after floods swept through {p}, officials said.",
    "Gunmen killed {n} {u} and wounded {n2} others in an attack on a market in {p}.",
    "A magnitude 6.1 earthquake struck {p} at 10:42, and {n} {u} were injured.",
    "M 5.7 - 12 km SW of {p}. The quake had Magnitude 5.7M, Depth:10km.",
    "Authorities ordered {n} {u} to evacuate as the wildfire burned 4,000 hectares near {p}.",
    "{n} {u} fled their homes and {n2} remain missing, the Red Cross said.",
    "No one was hurt in the blast, police in {p} said.",
    "In 2019 a similar storm in {p} left {n} dead.",
    "Troops held joint exercises with allied forces near {p} last week.",
    "Protesters marched through {p} on May 5, demanding the release of {n} detainees.",
    "A 23-year-old shopkeeper was shot dead in {p}; two cases of fever, one of them fatal, "
    "were reported.",
    "Rescuers pulled {n} {u} alive from the rubble, and {n2} houses were destroyed.",
    "The ministry said {n} {u} had been displaced since the fighting began in March.",
    "Health officials reported 550 suspected cases and {n} deaths of cholera in {p}.",
    "Gen. Amo said the U.S. delivered missiles to {p} on Jan. 4, 2024.",
    "Fire crews said the blaze had scorched 1,500 acres by Sunday evening.",
    "Pirates hijacked a cargo ship off {p} and took {n} crew members hostage.",
    '"We lost everything," one resident said. "The water came at night!"',
    "Yesterday the sanctions on {p} were extended for another year.",
)
_GAPS = (" ", " ", " ", "\n", "\n\n", "  ", "\t", "\u00a0", " \n")


def _sentence(rng: random.Random) -> str:
    template = rng.choice(_TEMPLATES)
    text = template.format(
        n=rng.choice(_NUMBERS),
        n2=rng.choice(_NUMBERS),
        u=rng.choice(_UNITS),
        p=rng.choice(_PLACES),
    )
    text = text[0].upper() + text[1:]
    roll = rng.random()
    if roll < 0.05:
        return text.upper()
    if roll < 0.1:
        return text.lower()
    return text


def articles(count: int = 120, seed: int = 31) -> list[tuple[str, str, str | None]]:
    """(title, text, date) triples; texts run 2-3 KB."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        size = rng.randrange(2000, 3000)
        parts: list[str] = []
        while sum(len(p) + 1 for p in parts) < size:
            parts.append(_sentence(rng))
            parts.append(rng.choice(_GAPS))
        title = _sentence(rng)[:90] if rng.random() < 0.7 else ""
        date = rng.choice(("2024-03-05", "2023-11-20", None))
        out.append((title, "".join(parts).strip(), date))
    return out
