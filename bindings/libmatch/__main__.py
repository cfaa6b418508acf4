"""``python -m libmatch``: the same as the ``libmatch`` command."""

import sys

from libmatch.cli import main

if __name__ == "__main__":
    sys.exit(main())
