"""`mapper gazetteer build|info` and `mapper config show`: build or look into the gazetteer
index, and print the effective settings."""

from __future__ import annotations

import json
from pathlib import Path

import click

from mapper.cli.options import config_options, load_settings
from mapper.cli.output import handle_errors, say
from mapper.config import config_as_dict


@click.group()
def gazetteer() -> None:
    """Build or inspect the offline gazetteer index."""


@gazetteer.command("build")
@config_options
@handle_errors
def gazetteer_build(config_path: Path | None, overrides: tuple[str, ...]) -> None:
    """Build the search index from the installed data packages (runs once; cached).

    \b
    Example:
      mapper gazetteer build
    """
    from mapper.gazetteer import build_index, index_path, save_gazetteer

    config = load_settings(config_path, overrides)
    cache = config.gazetteer.cache_dir
    path = index_path(
        config.resolve_path(cache) if cache else None, config.gazetteer.min_population
    )
    index = build_index(config.gazetteer.min_population)
    save_gazetteer(index, path)
    say(f"built {len(index):,} places, {len(index.index):,} names -> {path}")


@gazetteer.command("info")
@click.argument("names", nargs=-1)
@config_options
@handle_errors
def gazetteer_info(
    names: tuple[str, ...], config_path: Path | None, overrides: tuple[str, ...]
) -> None:
    """Show the index's size, package versions and data credits, or the candidates for NAMES.

    \b
    Example:
      mapper gazetteer info Georgia Valencia
    """
    from mapper.attribution import DATA_SOURCES
    from mapper.gazetteer import load_gazetteer

    config = load_settings(config_path, overrides)
    cache = config.gazetteer.cache_dir
    index = load_gazetteer(
        config.resolve_path(cache) if cache else None,
        min_population=config.gazetteer.min_population,
    )
    if not names:
        click.echo(f"{len(index):,} places, {len(index.index):,} names, sources: {index.sources}")
        click.echo("data from (credit them where you show or share the data):")
        for source in DATA_SOURCES:
            click.echo(f"  {source.as_text()}")
    for name in names:
        entries = index.lookup(name)
        click.echo(f"{name}: {len(entries)} candidates")
        for entry in sorted(entries, key=lambda e: -index.populations[e])[:10]:
            place = index.place(entry)
            click.echo(
                f"  {place.place_id:<22} {place.name} ({place.feature_class}, "
                f"{place.country or '-'}) {place.lat:.4f},{place.lon:.4f} pop {place.population:,}"
            )


@click.group("config")
def config_group() -> None:
    """Inspect settings."""


@config_group.command("show")
@config_options
@handle_errors
def config_show(config_path: Path | None, overrides: tuple[str, ...]) -> None:
    """Print the effective settings (defaults, config file, MAPPER_* environment variables and
    --set overrides) as JSON; API keys are shown as "***"."""
    from mapper.config.env import redacted

    config = load_settings(config_path, overrides)
    click.echo(json.dumps(redacted(config_as_dict(config)), indent=2, sort_keys=True))
