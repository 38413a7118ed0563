"""How the `mapper` command talks: log levels, -v/-q on every command, one-line errors with
their exit codes, and a quiet exit when the reader of stdout goes away."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any

import click

from mapper.errors import MapperError

log = logging.getLogger("mapper")

# What a shell reports for a process that SIGPIPE ended (128 + 13), as for `yes | head -1`.
EXIT_BROKEN_PIPE = 141


def setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.WARNING
    if quiet:
        level = logging.ERROR
    elif verbose:
        level = logging.DEBUG if verbose > 1 else logging.INFO
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", force=True)
    for noisy in ("urllib3", "geopy", "asyncio"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))


def quiet_stdout() -> None:
    """After a broken pipe: point stdout at /dev/null, so that the interpreter's last flush
    of what is still buffered fails silently instead of printing a traceback."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no file descriptor (a test runner's buffer)
        pass


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn MapperError into one line on stderr and its exit code; -v shows the traceback.

    A reader that closes the pipe early (`mapper geoparse docs.jsonl | head -1`) ends the
    command quietly with exit code 141, as SIGPIPE ends `cat` or `yes`.
    """

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        try:
            result = func(*args, **kwargs)
            sys.stdout.flush()  # a closed pipe shows here, not at exit
            return result
        except BrokenPipeError:
            quiet_stdout()
            ctx.exit(EXIT_BROKEN_PIPE)
        except MapperError as exc:
            if ctx.obj and ctx.obj.get("verbose"):
                log.exception("failed")
            click.echo(f"mapper: error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("mapper: interrupted; nothing of this batch was stored", err=True)
            ctx.exit(130)
        except OSError as exc:  # disk full, read-only, permissions: not a bug (exit 5)
            from mapper.atomic import write_failure

            if ctx.obj and ctx.obj.get("verbose"):
                log.exception("failed")
            click.echo(f"mapper: error: {write_failure(exc.filename or '?', exc)}", err=True)
            ctx.exit(5)
        except Exception as exc:  # a bug: still one line, the traceback with -v
            if ctx.obj and ctx.obj.get("verbose"):
                log.exception("internal error")
            first_line = (str(exc).splitlines() or [""])[0][:200]
            click.echo(
                f"mapper: error: internal error: {type(exc).__name__}: {first_line} "
                "(rerun with -v for details)",
                err=True,
            )
            ctx.exit(1)

    return wrapper


def more_output(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """-v / -q given after the subcommand: added to those given before it."""
    if not value:
        return
    obj = ctx.find_root().ensure_object(dict)
    if param.name == "verbose":
        obj["verbose"] = obj.get("verbose", 0) + value
    else:
        obj["quiet"] = True
    setup_logging(obj.get("verbose", 0), obj.get("quiet", False))


def output_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """-v and -q on every command, so that `mapper run -v` works as `mapper -v run` does."""
    func = click.option(
        "-q",
        "--quiet",
        is_flag=True,
        expose_value=False,
        callback=more_output,
        help="Only errors: no summary.",
    )(func)
    return click.option(
        "-v",
        "--verbose",
        count=True,
        expose_value=False,
        callback=more_output,
        help="More log output (-vv for debug); tracebacks on error.",
    )(func)


def quiet() -> bool:
    ctx = click.get_current_context()
    return bool(ctx.find_root().ensure_object(dict).get("quiet"))


def say(message: str, *, err: bool = False) -> None:
    """A summary or progress line: silenced by -q."""
    if not quiet():
        click.echo(message, err=err)
