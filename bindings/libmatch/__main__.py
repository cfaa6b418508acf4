"""``python -m libmatch``: the same as the ``libmatch`` command."""

import sys

from libmatch.cli import main

sys.exit(main())
