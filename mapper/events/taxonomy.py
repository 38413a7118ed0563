"""Load a taxonomy YAML (built-in name or path) -> Taxonomy of Category values.

A category is data: id, label, colour, icon, description and the cues that recognise it.
Adding a category is a YAML edit, not a code change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from mapper.errors import ConfigError

BUILTIN_DIR = "taxonomies"
REQUIRED_KEYS = ("id", "label", "colour", "icon")
CATEGORY_KEYS = (*REQUIRED_KEYS, "description", "casualty_free", "cues")
TAXONOMY_KEYS = ("categories", "extends", "fallback")
CUE_KEYS = ("pattern", "weight")


@dataclass(frozen=True, slots=True)
class Cue:
    """A regular expression that votes for a category with a weight (negative votes against)."""

    pattern: re.Pattern[str]
    weight: float


@dataclass(frozen=True, slots=True)
class Category:
    id: str
    label: str
    colour: str  # CSS hex colour, "#rrggbb"
    icon: str  # Font Awesome icon name without prefix, e.g. "fire"
    description: str = ""
    casualty_free: bool = False  # severity 1 when no facts (diplomacy, cooperation, protest)
    cues: tuple[Cue, ...] = ()


@dataclass(frozen=True, slots=True)
class Taxonomy:
    name: str
    categories: tuple[Category, ...]
    fallback: str = "other"

    def get(self, category_id: str) -> Category:
        for category in self.categories:
            if category.id == category_id:
                return category
        raise ConfigError(
            f"unknown category {category_id!r}; valid categories: {', '.join(self.ids)}"
        )

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.categories)


def builtin_taxonomies() -> list[str]:
    folder = resources.files("mapper.events") / BUILTIN_DIR
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


def _read_yaml(name_or_path: str, base_dir: Path) -> tuple[str, Any]:
    if name_or_path in builtin_taxonomies():
        res = resources.files("mapper.events") / BUILTIN_DIR / f"{name_or_path}.yaml"
        return name_or_path, yaml.safe_load(res.read_text(encoding="utf-8"))
    path = Path(name_or_path)
    if not path.is_absolute():
        path = base_dir / path
    if not path.exists():
        raise ConfigError(
            f"events.taxonomy: {name_or_path!r} is neither a built-in taxonomy "
            f"({', '.join(builtin_taxonomies())}) nor an existing file"
        )
    try:
        return str(path), yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise ConfigError(f"events.taxonomy: cannot read {path} ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text; save the taxonomy as UTF-8") from exc
    except yaml.YAMLError as exc:
        # One line: PyYAML's own message spans several, with a quoted excerpt.
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = " ".join(str(getattr(exc, "problem", "") or "").split())
        raise ConfigError(f"{path}{where}: not valid YAML ({problem or 'syntax error'})") from exc


def _unknown_keys(raw: dict[Any, Any], valid: tuple[str, ...], where: str) -> None:
    unknown = [k for k in raw if k not in valid]
    if unknown:
        raise ConfigError(
            f"{where}: unknown key {str(unknown[0])!r}; valid keys: {', '.join(valid)}"
        )


def _parse_cues(raw: Any, where: str) -> tuple[Cue, ...]:
    cues = []
    for i, item in enumerate(raw or []):
        if isinstance(item, str):
            pattern, weight = item, 1.0
        elif isinstance(item, dict) and isinstance(item.get("pattern"), str):
            _unknown_keys(item, CUE_KEYS, f"{where}: cue {i}")
            weight = item.get("weight", 1.0)
            if isinstance(weight, bool) or not isinstance(weight, int | float):
                raise ConfigError(f"{where}: cue {i} weight {weight!r} must be a number")
            pattern, weight = item["pattern"], float(weight)
        else:
            raise ConfigError(
                f"{where}: cue {i} must be a string or a mapping with keys pattern (a string) "
                "and weight (a number)"
            )
        try:
            cues.append(Cue(re.compile(pattern, re.IGNORECASE), weight))
        except re.error as exc:
            raise ConfigError(f"{where}: cue {pattern!r} is not a valid regex ({exc})") from exc
    return tuple(cues)


def _parse_category(raw: Any, where: str) -> Category:
    if not isinstance(raw, dict):
        raise ConfigError(
            f"{where}: each category must be a mapping with keys {', '.join(CATEGORY_KEYS)}"
        )
    _unknown_keys(raw, CATEGORY_KEYS, where)
    missing = [k for k in REQUIRED_KEYS if k not in raw]
    if missing:
        raise ConfigError(
            f"{where}: category lacks {', '.join(missing)} (required: {', '.join(REQUIRED_KEYS)})"
        )
    if raw.get("cues") is not None and not isinstance(raw["cues"], list):
        raise ConfigError(f"{where}: cues must be a list of patterns")
    colour = str(raw["colour"])
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
        raise ConfigError(f"{where}: colour {colour!r} must be #rrggbb")
    if not re.fullmatch(r"[a-z][a-z0-9_]*", str(raw["id"])):
        raise ConfigError(f"{where}: id {raw['id']!r} must be snake_case")
    return Category(
        id=str(raw["id"]),
        label=str(raw["label"]),
        colour=colour.lower(),
        icon=str(raw["icon"]),
        description=str(raw.get("description", "")),
        casualty_free=bool(raw.get("casualty_free", False)),
        cues=_parse_cues(raw.get("cues"), f"{where} {raw['id']}"),
    )


def load_taxonomy(
    name_or_path: str = "default", base_dir: str | Path = ".", _seen: tuple[str, ...] = ()
) -> Taxonomy:
    """Load a built-in taxonomy by name, or a YAML file.

    A file may say ``extends: default`` and list only the categories it adds or replaces.
    """
    name, data = _read_yaml(name_or_path, Path(base_dir))
    if name in _seen:
        raise ConfigError(f"{name}: 'extends' loops back to itself ({' -> '.join([*_seen, name])})")
    if not isinstance(data, dict) or not isinstance(data.get("categories"), list):
        raise ConfigError(
            f"{name}: a taxonomy needs a 'categories' list (valid keys: {', '.join(TAXONOMY_KEYS)})"
        )
    _unknown_keys(data, TAXONOMY_KEYS, name)
    categories: dict[str, Category] = {}
    parent = data.get("extends")
    if parent:
        parent_taxonomy = load_taxonomy(str(parent), base_dir, (*_seen, name))
        categories = {c.id: c for c in parent_taxonomy.categories}
    for i, raw in enumerate(data["categories"]):
        category = _parse_category(raw, f"{name}: categories[{i}]")
        categories[category.id] = category
    fallback = str(data.get("fallback", "other"))
    if fallback not in categories:
        raise ConfigError(
            f"{name}: fallback category {fallback!r} is not defined; "
            f"defined categories: {', '.join(categories)}"
        )
    return Taxonomy(name=name, categories=tuple(categories.values()), fallback=fallback)
