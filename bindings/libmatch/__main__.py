"""``python -m libmatch``: the same as the ``libmatch`` command."""

from libmatch.cli import console

if __name__ == "__main__":
    console()
