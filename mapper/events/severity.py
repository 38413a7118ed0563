"""Facts + category -> severity 0-5 and a reason ("4: 126 killed"). Pure and table-driven.

Bands follow public alert scales: deaths 1 / 10 / 100 / 1,000 (USGS PAGER, EM-DAT entry at 10),
displaced 100 / 1,000 / 80,000 / 800,000 (GDACS floods), magnitude 5 / 6 / 7 (capped at 4: a
strong quake far from people is not a catastrophe by itself), evacuations as displacement but capped
at 4. Injured, missing, area burned (GDACS wildfire entry at 5,000 ha) and buildings destroyed
raise severity at most to 4. The highest
level any fact reaches wins. With no facts: 0 (unknown), or 1 for categories that are
casualty-free by nature (diplomacy, military cooperation, peaceful protest).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from mapper.events.taxonomy import Category
from mapper.models import Facts


@dataclass(frozen=True, slots=True)
class Band:
    """Thresholds for one fact: ``levels[i]`` applies from ``thresholds[i]`` upwards."""

    thresholds: tuple[float, ...]
    levels: tuple[int, ...]
    label: str  # how the reason names the fact: "killed", "displaced", "magnitude"
    cap: int = 5

    def level(self, value: float) -> int:
        reached = 0
        for threshold, level in zip(self.thresholds, self.levels, strict=True):
            if value >= threshold:
                reached = level
        return min(reached, self.cap)


@dataclass(frozen=True, slots=True)
class SeverityTable:
    """One Band per fact name; facts without a band do not raise severity."""

    bands: Mapping[str, Band] = field(default_factory=dict)
    casualty_free_level: int = 1


DEFAULT_SEVERITY_TABLE = SeverityTable(
    bands=MappingProxyType(
        {
            "killed": Band((1, 10, 100, 1_000), (2, 3, 4, 5), "killed"),
            "displaced": Band((100, 1_000, 80_000, 800_000), (2, 3, 4, 5), "displaced"),
            "magnitude": Band((5.0, 6.0, 7.0), (2, 3, 4), "magnitude", cap=4),
            "evacuated": Band((100, 1_000, 80_000, 800_000), (2, 3, 4, 5), "evacuated", cap=4),
            "injured": Band((1, 10, 100, 1_000), (1, 2, 3, 4), "injured", cap=4),
            "missing": Band((1, 10, 100, 1_000), (1, 2, 3, 4), "missing", cap=4),
            "area_burned_ha": Band((100, 5_000, 50_000, 500_000), (1, 2, 3, 4), "ha burned", cap=4),
            "buildings_destroyed": Band(
                (10, 100, 1_000, 10_000), (1, 2, 3, 4), "buildings destroyed"
            ),
        }
    )
)


def _format(value: float, label: str) -> str:
    if label == "magnitude":
        return f"magnitude {value:g}"
    number = f"{value:,.0f}" if float(value).is_integer() or value >= 100 else f"{value:,.1f}"
    return f"{number} {label}"


def severity_table_from_mapping(data: Mapping[str, object]) -> SeverityTable:
    """Build a table from plain data: ``{"killed": {"thresholds": [...], "levels": [...]}}``."""
    bands: dict[str, Band] = dict(DEFAULT_SEVERITY_TABLE.bands)
    for name, raw in data.items():
        if not isinstance(raw, Mapping):
            raise ValueError(f"severity band {name!r}: expected a mapping")
        thresholds = tuple(float(x) for x in raw["thresholds"])  # type: ignore[union-attr]
        levels = tuple(int(x) for x in raw["levels"])  # type: ignore[union-attr]
        if len(thresholds) != len(levels):
            raise ValueError(f"severity band {name!r}: thresholds and levels differ in length")
        bands[name] = Band(thresholds, levels, str(raw.get("label", name)), int(raw.get("cap", 5)))
    return SeverityTable(bands=MappingProxyType(bands))


def score_severity(
    facts: Facts, category: Category, table: SeverityTable = DEFAULT_SEVERITY_TABLE
) -> tuple[int, str]:
    """Return (level 0-5, reason) for an event's facts.

    Example: ``score_severity(Facts(killed=126), earthquake)`` -> ``(4, "4: 126 killed")``.
    """
    best_level, best_reason = 0, ""
    for name, band in table.bands.items():
        value = getattr(facts, name, None)
        if value is None or value <= 0:
            continue
        level = band.level(value)
        if level > best_level:
            best_level, best_reason = level, f"{level}: {_format(value, band.label)}"
    if best_level:
        return best_level, best_reason
    if category.casualty_free:
        level = table.casualty_free_level
        return level, f"{level}: {category.label.lower()}, no casualties reported"
    return 0, "0: no facts reported"
