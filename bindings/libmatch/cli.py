"""The ``libmatch`` command line. Each domain module registers its own subcommands
through a ``_register_cli(subparsers)`` function."""

from __future__ import annotations

import argparse
import sys

from . import __version__, areas, audit, design, matching, simulation, study
from .errors import Error

_MODULES = (areas, study, matching, audit, simulation, design)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="libmatch",
        description="Geospatial matching of entrepreneurs' requests to advisors.",
    )
    parser.add_argument("--version", action="version", version=f"libmatch {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in _MODULES:
        register = getattr(module, "_register_cli", None)
        if register is not None:
            register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except Error as exc:
        print(f"libmatch {args.command}: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
