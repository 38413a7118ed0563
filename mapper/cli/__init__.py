"""The `mapper` command: argument parsing plus one call into the Python API per command.

The group `main` is here; each family of commands is a module of this package, added below.
"""

from __future__ import annotations

import click

from mapper.cli import admin, records, render_export, run
from mapper.cli.output import setup_logging
from mapper.version import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "-v", "--verbose", count=True, help="More log output (-vv for debug); tracebacks on error."
)
@click.option("-q", "--quiet", is_flag=True, help="Only errors: no summary.")
@click.version_option(version=__version__, prog_name="mapper")
@click.pass_context
def main(ctx: click.Context, verbose: int, quiet: bool) -> None:
    """mapper: map the incidents a batch of news articles reports, offline.

    \b
    Quick start:
      mapper run                          # the bundled sample -> output/incident_map.html
      mapper run --input news.jsonl       # your batch (.jsonl .json .csv .txt or a folder)
      mapper export --format csv --since 2025-01-01
      mapper geoparse docs.jsonl -o places.jsonl
      mapper extract docs.jsonl -o events.jsonl
      mapper render --input output/incidents.geojson --online
    """
    ctx.ensure_object(dict)
    ctx.obj["verbose"] = verbose
    ctx.obj["quiet"] = quiet
    setup_logging(verbose, quiet)


main.add_command(run.run)
main.add_command(render_export.export)
main.add_command(records.geoparse)
main.add_command(records.extract)
main.add_command(render_export.render)
main.add_command(admin.gazetteer)
main.add_command(admin.config_group)
