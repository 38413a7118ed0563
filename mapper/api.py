"""mapper as a library: geoparse a text, extract its event, run a batch, get a DataFrame.

    >>> import mapper
    >>> [t.place.country for t in mapper.geoparse("Floods hit Nairobi.")]
    ['KE']

The gazetteer and the taxonomy are loaded on the first call and kept for every later one (per
distinct settings). Settings are keyword arguments named as in config.yaml: a setting's own
name (``country_hint="US"``) where only one section has it, or a section with a mapping
(``geoparse={"country_hint": "US"}``). A name no section has is a ConfigError that lists the
valid ones.
"""

from __future__ import annotations

import dataclasses
import json
import tempfile
import threading
import types
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date as Date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapper.api_settings import configured as _configured
from mapper.api_settings import with_settings
from mapper.config import Config, config_as_dict
from mapper.errors import ConfigError, InputError
from mapper.models import Article, Event, Incident, RunSummary, Toponym

if TYPE_CHECKING:
    import pandas as pd

    from mapper.incidents.store import Store
    from mapper.stages import Stages

# Sections whose settings change what geoparse() and extract() return.
_GEOPARSE_SECTIONS = ("gazetteer", "geoparse", "geocoder")
_EXTRACT_SECTIONS = (*_GEOPARSE_SECTIONS, "events")

# Loaded stages, by the settings they were loaded with; a few are kept (a notebook that tries
# three country hints loads the gazetteer once, and each hint's geoparser once).
_STAGES: dict[str, Stages] = {}
_MAX_STAGES = 4
# The stage key of a Config seen before, by its id (with the Config, to check the id).
_KEYS: dict[int, tuple[Config, str]] = {}
_MAX_KEYS = 32
_LOCK = threading.Lock()


def _stage_key(config: Config, sections: Sequence[str]) -> str:
    data = config_as_dict(config)
    picked = {name: data[name] for name in sections}
    return json.dumps([picked, config.base_dir], sort_keys=True, default=str)


def stages_for(config: Config) -> Stages:
    """Loaded stages for these settings: loaded once, then reused (offline geocoder only;
    a remote provider's stages hold its connection and rate limit, so they are loaded anew)."""
    from mapper.stages import Stages

    if config.geocoder.provider != "offline":
        return Stages.load(config)
    with _LOCK:
        known = _KEYS.get(id(config))
    if known is not None and known[0] is config:
        key = known[1]
    else:
        key = _stage_key(config, _EXTRACT_SECTIONS)
        with _LOCK:
            if len(_KEYS) >= _MAX_KEYS:
                _KEYS.pop(next(iter(_KEYS)))
            _KEYS[id(config)] = (config, key)
    with _LOCK:
        stages = _STAGES.get(key)
        if stages is None:
            shared = next(iter(_STAGES.values()), None)
            stages = _load_stages(config, shared)
            if len(_STAGES) >= _MAX_STAGES:
                _STAGES.pop(next(iter(_STAGES)))
            _STAGES[key] = stages
        return stages


def _load_stages(config: Config, shared: Stages | None) -> Stages:
    """Stages for ``config``, sharing an already loaded gazetteer with the same index."""
    from mapper.events.taxonomy import load_taxonomy
    from mapper.geoparse import Geoparser
    from mapper.stages import Stages

    if (
        shared is None
        or config_as_dict(shared.config)["gazetteer"] != config_as_dict(config)["gazetteer"]
    ):
        return Stages.load(config)
    gazetteer = shared.gazetteer
    taxonomy = load_taxonomy(config.events.taxonomy, config.base_dir)
    return Stages(gazetteer, Geoparser(gazetteer, config.geoparse), taxonomy, config)


def _close(stages: Stages) -> None:
    if stages.geocoder is not None:
        stages.geocoder.close()


def _text(text: Any, name: str = "text") -> str:
    if not isinstance(text, str):
        raise TypeError(f"{name} must be a str, not {type(text).__name__}")
    return text


def geoparse(
    text: str, *, url: str | None = None, config: Config | None = None, **settings: Any
) -> list[Toponym]:
    """The place mentions of ``text``, each with the Place it resolved to (or None).

    ``url`` (the article's address) hints at the outlet's country. Settings: those of
    ``geoparse`` (country_hint, min_score, bbox_hint), ``gazetteer`` and ``geocoder``.
    """
    text = _text(text)
    config = _configured(config, settings, _GEOPARSE_SECTIONS, "mapper.geoparse")
    stages = stages_for(config)
    try:
        return stages.geoparser.parse_text(text, url=url)
    finally:
        if config.geocoder.provider != "offline":
            _close(stages)


def extract(
    text: str,
    date: str | Date | None = None,
    *,
    title: str = "",
    url: str | None = None,
    id: str = "text",  # the input format's name
    config: Config | None = None,
    **settings: Any,
) -> Event:
    """The event ``text`` reports: category, facts, severity, date and located places.

    ``date`` (the article's publication date, YYYY-MM-DD or a date) anchors "yesterday" and
    weekday names. Settings: those of ``geoparse``, ``gazetteer``, ``geocoder`` and ``events``
    (taxonomy, severity).
    """
    from mapper.ingest import normalise_date

    text = _text(text)
    title = _text(title, "title")
    try:
        day = normalise_date(date)
    except ValueError as exc:
        raise InputError(f"date: {exc}") from exc
    config = _configured(config, settings, _EXTRACT_SECTIONS, "mapper.extract")
    stages = stages_for(config)
    article = Article(id=id, text=text, title=title, date=day, url=url)
    try:
        return stages.extract(stages.geoparser.parse(article))
    finally:
        if config.geocoder.provider != "offline":
            _close(stages)


class GeoparsePackage(types.ModuleType):
    """The package mapper.geoparse, callable: ``mapper.geoparse(text, **settings)`` is
    geoparse() (a submodule and a function cannot otherwise share the name)."""

    def __call__(
        self, text: str, *, url: str | None = None, config: Config | None = None, **settings: Any
    ) -> list[Toponym]:
        """mapper.api.geoparse(): the place mentions of ``text``."""
        return geoparse(text, url=url, config=config, **settings)


@dataclass(frozen=True)
class RunResult:
    """What mapper.run() did: the summary (counts, paths) and the incidents it wrote.

    ``incidents`` are the incidents of the outputs (the whole store, or the window of
    ``since``/``last_days``), by id. ``to_frame()`` gives them as a DataFrame;
    ``__geo_interface__`` is their GeoJSON FeatureCollection (geopandas, shapely).
    """

    summary: RunSummary
    incidents: tuple[Incident, ...]

    @property
    def outputs(self) -> dict[str, str]:
        """What the run wrote: kind ("map", "geojson", "csv", "report") -> path."""
        return dict(self.summary.outputs)

    def to_frame(self) -> pd.DataFrame:
        """One row per incident with typed columns (see docs/api.md)."""
        from mapper.frames import incidents_to_frame

        return incidents_to_frame(self.incidents)

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        from mapper.export import to_feature_collection

        return to_feature_collection(self.incidents)

    def __len__(self) -> int:
        return len(self.incidents)


def _input_paths(source: Any) -> list[str | Path] | None:
    if source is None:
        return None
    if isinstance(source, str | Path):
        return [source]
    if isinstance(source, Sequence) and all(isinstance(p, str | Path) for p in source):
        return list(source)
    raise TypeError(
        "mapper.run() takes a path, a list of paths or a pandas DataFrame of articles, "
        f"not {type(source).__name__}"
    )


def _frame_error(exc: InputError, spooled: Path, labels: Sequence[Any]) -> InputError:
    """An error the readers raised on a DataFrame's spooled rows, naming the row instead
    (line N of the spooled JSONL is row N-1)."""
    from mapper.frames import FRAME, row_name

    if exc.path is None or Path(exc.path).name != spooled.name:
        return exc
    if exc.line is None or not 0 < exc.line <= len(labels):
        return InputError(f"{FRAME}: {exc.reason}")
    return InputError(f"{row_name(exc.line - 1, labels[exc.line - 1])}: {exc.reason}")


def run(
    source: Any = None,
    /,
    *,
    inputs: Sequence[str | Path] | None = None,
    config: Config | None = None,
    output_dir: str | Path | None = None,
    since: str | Date | None = None,
    last_days: int | None = None,
    render: bool = True,
    **settings: Any,
) -> RunResult:
    """Add a batch to the store and write the outputs, as `mapper run` does; return them.

    ``source`` is an input path, a list of them, or a pandas DataFrame of articles (columns
    id, title, text, date, url, source; only text is required); without it, ``inputs`` or the
    config's ``input``. ``render=False`` writes no map (the GeoJSON, CSV, run.json and store
    are written all the same). Settings: any config.yaml setting, e.g. ``country_hint="US"``,
    ``store={"path": ":memory:"}``, ``workers=2``.
    """
    from mapper.frames import is_frame, write_articles_jsonl
    from mapper.incidents.store import MEMORY, Store
    from mapper.outputs import resolve_since, store_path_for
    from mapper.pipeline import run as run_pipeline

    if isinstance(source, Config):  # mapper.run(config, inputs=[...]): the earlier form
        if config is not None:
            raise TypeError("mapper.run() got a Config twice")
        source, config = None, source
    if source is not None and inputs is not None:
        raise TypeError("mapper.run() got both a source and inputs=")
    sections = tuple(f.name for f in dataclasses.fields(Config) if f.name != "base_dir")
    sections = tuple(s for s in sections if dataclasses.is_dataclass(getattr(Config(), s)))
    top = {k: settings.pop(k) for k in ("input", "output_dir") if k in settings}
    if top:
        raise ConfigError(f"mapper.run: pass {', '.join(top)} as source= / output_dir=")
    config = with_settings(config, settings, sections, "mapper.run")
    out_dir = Path(output_dir) if output_dir else config.resolve_path(config.output_dir)
    window = resolve_since(since, last_days)
    with tempfile.TemporaryDirectory(prefix="mapper-api-") as folder:
        spooled: Path | None = None
        if is_frame(source):
            spooled = Path(folder) / "dataframe.jsonl"
            with spooled.open("w", encoding="utf-8") as out:
                write_articles_jsonl(source, out)
            paths: list[str | Path] | None = [spooled]
            config = dataclasses.replace(
                config, ingest=dataclasses.replace(config.ingest, input_format="")
            )
        else:
            paths = _input_paths(source if source is not None else inputs)
        if store_path_for(config, out_dir) == MEMORY:
            # Nothing is kept after the run, but its incidents are returned: a store for
            # the run alone, gone with the temporary folder.
            store = str(Path(folder) / "run.sqlite")
            config = dataclasses.replace(
                config, store=dataclasses.replace(config.store, path=store)
            )
        in_process = config.engine.kind == "local" and config.engine.workers == 1
        offline = config.geocoder.provider == "offline"
        stages = stages_for(config) if in_process and offline else None
        try:
            summary = run_pipeline(
                config,
                inputs=paths,
                output_dir=out_dir,
                stages=stages,
                since=window,
                render=render,
            )
        except InputError as exc:
            if spooled is None:
                raise
            raise _frame_error(exc, spooled, list(source.index)) from exc
        with Store.open(summary.store, create=False) as store_:
            incidents = tuple(store_.incidents(since=window))
    return RunResult(summary=summary, incidents=incidents)


def _open_store(store: str | Path | Store) -> tuple[Store, bool]:
    from mapper.incidents.store import Store
    from mapper.outputs import STORE_FILE

    if isinstance(store, Store):
        return store, False
    path = Path(store)
    if path.is_dir():
        path = path / STORE_FILE
    return Store.open(path, create=False), True


def incidents_frame(
    store: str | Path | Store,
    *,
    since: str | Date | None = None,
    last_days: int | None = None,
) -> pd.DataFrame:
    """The stored incidents (or those since a date / in the last N days) as a DataFrame.

    ``store`` is a store file (mapper.sqlite), an output directory holding one, or an open
    Store. Columns and types as RunResult.to_frame().
    """
    from mapper.frames import incidents_to_frame
    from mapper.outputs import resolve_since

    window = resolve_since(since, last_days)
    opened, owned = _open_store(store)
    try:
        incidents = opened.incidents(since=window)
    finally:
        if owned:
            opened.close()
    return incidents_to_frame(incidents)
