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
    except Exception as exc:  # noqa: BLE001 - the last resort: one line, never a traceback
        if verbose:
            console.print_exception()
        fail(unexpected_error(exc))


def unexpected_error(exc: BaseException) -> str:
    """One line for an error cibwatch did not raise on purpose: out of memory gets advice (the
    store's limit and how to raise it); anything else names itself and points to --verbose."""
    duckdb = sys.modules.get("duckdb")
    if isinstance(exc, MemoryError) or (
        duckdb is not None and isinstance(exc, duckdb.OutOfMemoryException)
    ):
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "out of memory"
        return (
            f"out of memory ({first}); set CIBWATCH_MEMORY_LIMIT higher (e.g. "
            "CIBWATCH_MEMORY_LIMIT=12GB; the default is a quarter of RAM) or free memory, and run "
            "the command again"
        )
    text = " ".join(str(exc).split()) or "no message"
    return f"unexpected {type(exc).__name__}: {text[:300]} (run with --verbose for the traceback)"


__all__ = ["app", "main"]
