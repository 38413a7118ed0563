"""What the stages need, loaded once per process: the gazetteer, geoparser and taxonomy.

Stages.load(config) -> Stages; Stages.extract(GeoparsedArticle) -> Event. processing_hash()
names what an article's results depend on, so that the store knows what to process again.
Used by the pipeline, the engines (in each worker) and the API.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from mapper.config import Config, config_hash
from mapper.events.taxonomy import Taxonomy, load_taxonomy
from mapper.gazetteer import Gazetteer, index_path, load_gazetteer
from mapper.geoparse import Geoparser
from mapper.models import Event, EventLocation, GeoparsedArticle


@dataclass
class Stages:
    """What the stages need, loaded once per process and shared by every batch."""

    gazetteer: Gazetteer
    geoparser: Geoparser
    taxonomy: Taxonomy
    config: Config
    # The remote geopy provider asked for names the gazetteer cannot place (opt-in).
    geocoder: Any = None

    @classmethod
    def load(
        cls, config: Config, *, output_dir: Path | None = None, taxonomy: Taxonomy | None = None
    ) -> Stages:
        """The stages the settings name; ``taxonomy``, when the caller has read it already."""
        cache_dir = config.gazetteer.cache_dir
        gazetteer = load_gazetteer(
            config.resolve_path(cache_dir) if cache_dir else None,
            min_population=config.gazetteer.min_population,
        )
        if taxonomy is None:
            taxonomy = load_taxonomy(config.events.taxonomy, config.base_dir)
        geocoder = fallback = None
        if config.geocoder.provider != "offline":
            from mapper.geocoders import fallback_for, get_geocoder

            out_dir = output_dir or config.resolve_path(config.output_dir)
            geocoder = get_geocoder(
                config.geocoder, gazetteer, cache_dir=out_dir, offline_fallback=False
            )
            fallback = fallback_for(geocoder, config.geocoder.provider)
        geoparser = Geoparser(gazetteer, config.geoparse, fallback=fallback)
        return cls(gazetteer, geoparser, taxonomy, config, geocoder)

    def extract(self, doc: GeoparsedArticle) -> Event:
        from mapper.events.extract import extract_event

        event = extract_event(doc, self.taxonomy, self.config.events)
        return _with_place_reasons(event, doc)


def _with_place_reasons(event: Event, doc: GeoparsedArticle) -> Event:
    """Carry the geoparser's reason for each place onto the event's locations.

    Where the text qualifies the place ("northern Gaza", "Russia's southwestern border"), the
    event happened in that part of it: the relative place replaces the whole.
    """
    by_span = {(t.start, t.end): t for t in doc.toponyms}
    locations = []
    for loc in event.locations:
        toponym = by_span.get((loc.start, loc.end))
        if toponym is None:
            locations.append(loc)
        elif toponym.relative is not None and loc.role != "mentioned":
            reason = f"{toponym.relative.name}: {toponym.reason}"
            reason = f"{loc.reason}; {reason}" if loc.reason else reason
            locations.append(
                EventLocation(
                    toponym.relative.name, loc.role, toponym.relative, loc.start, loc.end, reason
                )
            )
        else:
            reason = f"{loc.reason}; {toponym.reason}" if loc.reason else toponym.reason
            # built directly: dataclasses.replace costs several microseconds per location
            locations.append(
                EventLocation(loc.name, loc.role, loc.place, loc.start, loc.end, reason)
            )
    return replace(event, locations=tuple(locations))


# Settings of the processing sections that cannot change what an article yields: where caches
# live, how a remote service is reached, how merged reports are combined. They are left out
# of the processing hash so that changing them reprocesses nothing.
_NOT_PER_ARTICLE = {
    "gazetteer": ("cache_dir",),
    "geocoder": ("user_agent", "min_delay_seconds", "timeout", "max_retries", "cache_path"),
    "events": ("toll_policy",),
}
PROCESSING_SECTIONS = ("gazetteer", "geoparse", "geocoder", "events")


def _taxonomy_digest(taxonomy: Taxonomy) -> list[Any]:
    """What of a taxonomy decides an article's category and severity (not labels or colours)."""
    return [
        taxonomy.fallback,
        [
            [
                c.id,
                c.casualty_free,
                [[q.pattern.pattern, q.pattern.flags, q.weight] for q in c.cues],
            ]
            for c in taxonomy.categories
        ],
    ]


def processing_hash(config: Config, taxonomy: Taxonomy) -> str:
    """What an article's results depend on: settings, taxonomy, gazetteer data, mapper's version.

    A stored article processed under another hash is processed again on the next run. The
    taxonomy's content counts, not only its name (a YAML file may be edited in place); so do
    the gazetteer's inputs (data package versions and the curated tables, as the index's
    fingerprint names them: a curated alias resolves names that were left unresolved) and
    mapper's version (a new release may read articles differently).
    """
    from mapper.version import __version__

    trimmed = config
    for section, keys in _NOT_PER_ARTICLE.items():
        part = getattr(config, section)
        defaults = type(part)()
        part = replace(part, **{key: getattr(defaults, key) for key in keys})
        trimmed = replace(trimmed, **{section: part})
    gazetteer = index_path(None, config.gazetteer.min_population).stem
    blob = json.dumps(
        [
            config_hash(trimmed, PROCESSING_SECTIONS),
            _taxonomy_digest(taxonomy),
            gazetteer,
            __version__,
        ],
        separators=(",", ":"),
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:16]
