"""What the commands share: --config and --set (with -v/-q) on every command, the settings
they load, and --since / --last-days for the commands that pick incidents by date."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from mapper.cli.output import output_options
from mapper.config import Config, load_config

DEFAULT_CONFIG = "config.yaml"


def config_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option(
        "--set",
        "overrides",
        multiple=True,
        metavar="KEY=VALUE",
        help=(
            "Override one setting, e.g. --set geoparse.country_hint=US (repeatable). VALUE is "
            "YAML (true, 5, [a, b]); a text setting takes VALUE as written (store.path=:memory:)."
        ),
    )(func)
    func = click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help=f"Settings file (default: ./{DEFAULT_CONFIG} when it exists, else built-in defaults).",
    )(func)
    return output_options(func)


def load_settings(config_path: Path | None, overrides: tuple[str, ...]) -> Config:
    if config_path is None and Path(DEFAULT_CONFIG).exists():
        config_path = Path(DEFAULT_CONFIG)
    return load_config(config_path, list(overrides))


def window_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option(
        "--last-days",
        type=click.IntRange(min=0),
        default=None,
        metavar="N",
        help="Only incidents dated or reported in the last N days (today and N days before).",
    )(func)
    func = click.option(
        "--since",
        metavar="DATE",
        default=None,
        help="Only incidents dated or reported on or after DATE (YYYY-MM-DD).",
    )(func)
    return func
