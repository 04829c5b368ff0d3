"""The `cibwatch` command: a Typer app whose commands live one per module in this package.

Each command module defines a function `register(app)` that adds its command(s). Command
bodies open the workspace, call one library function and print; heavy imports happen inside
the command so `cibwatch --help` stays fast.
"""

from __future__ import annotations

import importlib
import sys

import typer

from cibwatch.cli.common import console, fail
from cibwatch.errors import CibwatchError

# Command modules, in the order of the flow. A module listed here that does not exist yet is
# skipped, so stages can land one at a time.
COMMAND_MODULES = (
    "ingest",
    "status",
    "synth",
    "detect",
    "evaluate",
    "report",
    "launder",
    "serve",
)

app = typer.Typer(
    name="cibwatch",
    help="Find coordinated inauthentic behaviour in social-media exports, with evidence.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

_state = {"verbose": False}


@app.callback()
def _root(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show tracebacks on errors."),
) -> None:
    _state["verbose"] = verbose


for _name in COMMAND_MODULES:
    try:
        _module = importlib.import_module(f"cibwatch.cli.{_name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"cibwatch.cli.{_name}":
            raise
        continue
    _module.register(app)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: known errors become one line on stderr and exit code 1."""
    args = sys.argv[1:] if argv is None else argv
    verbose = "--verbose" in args or "-v" in args
    try:
        app(args=args, standalone_mode=True, prog_name="cibwatch")
    except CibwatchError as exc:
        if verbose:
            console.print_exception()
        fail(str(exc))
    except KeyboardInterrupt:
        fail("interrupted; the workspace is unchanged by the unfinished step")


__all__ = ["app", "main"]
