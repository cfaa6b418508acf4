"""The ``libmatch`` command line. Each domain module registers its own subcommands
through a ``_register_cli(subparsers)`` function.

Every failure is one line on stderr, ``libmatch <command>: error: ...`` naming the file,
column or id at fault (never a cell value), and a non-zero exit status: 2 for a bad command
line, 1 for bad input or an unreadable / unwritable file, 130 after Ctrl-C, 141 (quietly)
when the reader of a pipe left early, 70 for an internal error (its traceback only with
``--debug``). A warning is one line too, ``libmatch <command>: warning: ...``, and the
command goes on."""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from typing import Any, NoReturn

from . import __version__, areas, audit, design, matching, simulation, study
from ._cliargs import UsageError
from .errors import Error

_MODULES = (areas, study, matching, audit, simulation, design)

EXIT_INPUT = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a writer cut off


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line (``libmatch <command>: error: ...``), exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="libmatch",
        description="Geospatial matching of entrepreneurs' requests to advisors.",
    )
    parser.add_argument("--version", action="version", version=f"libmatch {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback of an internal error"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in _MODULES:
        register = getattr(module, "_register_cli", None)
        if register is not None:
            register(sub)
    for name, sp in sub.choices.items():
        example = EXAMPLES.get(name)
        if example:
            sp.formatter_class = argparse.RawDescriptionHelpFormatter
            sp.epilog = "example:\n  " + example
    return parser


#: One working example per subcommand, shown at the end of its --help (run from a clone).
EXAMPLES = {
    "locate": "libmatch locate --areas data/municipalities.geojson:id --points data/farms.csv "
    "--out out/located.csv --counts",
    "study": "libmatch study --areas data/orientation_areas.geojson:id "
    "--layer gemeente=data/municipalities.geojson:id "
    "--layer natura2000=data/nature_areas.geojson:id --locations data/requests.csv "
    "--advisors data/advisors.csv --out out/study.csv",
    "round": "libmatch round --applicants data/requests.csv --advisors data/advisors.csv "
    "--areas data/orientation_areas.geojson:id --roads data/roads.geojson "
    "--speed-field maxspeed --default-speed-kmh 50 --weights '{\"outside_area\": 60}' "
    "--out out/round --report out/round/weekoverzicht.html",
    "run-demo": "libmatch run-demo --out out",
    "verify": "libmatch verify out/round",
    "simulate": "libmatch simulate --scenario data/scenario.json --seeds 0-9 --out out/sim",
    "design": "libmatch design --units data/municipalities.geojson:id --demand-points "
    "data/farms.csv --k 6 --out out/plan.gpkg",
}


def _os_message(exc: OSError) -> str:
    what = exc.strerror or type(exc).__name__
    name = exc.filename
    return f"{name!r}: {what}" if name is not None else what


def _warning_printer(command: str) -> Any:
    """``warnings.showwarning`` for the command line: one line naming the command, without
    Python's file, line and source echo (which mean nothing to a user of the CLI)."""

    def show(message: Any, category: Any, filename: Any, lineno: Any, file=None, line=None):
        text = " ".join(str(message).split())
        print(f"libmatch {command}: warning: {text}", file=sys.stderr)

    return show


def console() -> NoReturn:
    """The ``libmatch`` executable (and ``python -m libmatch``): :func:`main` on ``sys.argv``
    with warnings printed as one line each. In-process callers use :func:`main`, which leaves
    the warnings machinery to them."""
    argv = sys.argv[1:]
    command = next((a for a in argv if not a.startswith("-")), "")
    with warnings.catch_warnings():
        warnings.showwarning = _warning_printer(command)
        sys.exit(main(argv))


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    prefix = f"libmatch {args.command}: error:"
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print(f"libmatch {args.command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except UsageError as exc:
        print(f"{prefix} {exc} (see --help)", file=sys.stderr)
        return EXIT_USAGE
    except Error as exc:
        text = " ".join(str(exc).split())  # one line
        print(f"{prefix} {text}", file=sys.stderr)
        return EXIT_INPUT
    except BrokenPipeError:  # `libmatch ... | head`: the reader left; stop quietly, as cat does
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no flush error
        except (OSError, ValueError):
            pass
        return EXIT_BROKEN_PIPE
    except OSError as exc:  # a file the command writes or reads outside libmatch's checks
        print(f"{prefix} {_os_message(exc)}", file=sys.stderr)
        return EXIT_INPUT
    except Exception as exc:
        if args.debug:
            raise
        # The message of an unexpected exception may quote data: only its type is shown.
        print(
            f"{prefix} internal error ({type(exc).__name__}); run 'libmatch --debug "
            f"{args.command} ...' for the traceback and report it",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


if __name__ == "__main__":
    console()
