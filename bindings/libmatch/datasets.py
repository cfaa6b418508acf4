"""The bundled fictional data set (made by ``tools/generate_data.py``), installed with the
package so that examples, notebooks and ``libmatch run-demo`` work after ``pip install``
without a clone. Nothing in it is real (see its README).

>>> import libmatch.datasets as ds
>>> ds.path("municipalities").name
'municipalities.geojson'
>>> sorted(ds.names())[:3]
['advisors', 'coaching', 'coaching_providers']
"""

from __future__ import annotations

from pathlib import Path

from .errors import FileMissingError, InvalidTypeError, UnknownIdError

__all__ = ["path", "names", "directory"]

#: name -> file in the data directory
_FILES = {
    "municipalities": "municipalities.geojson",
    "orientation_areas": "orientation_areas.geojson",
    "nature_areas": "nature_areas.geojson",
    "roads": "roads.geojson",
    "farms": "farms.csv",
    "requests": "requests.csv",
    "advisors": "advisors.csv",
    "services": "services.csv",
    "scenario": "scenario.json",
    "programme": "programme/scenario.json",
    "coaching": "coaching/programme.json",
    "coaching_requests": "coaching/requests.csv",
    "coaching_requests_next_week": "coaching/requests_next_week.csv",
    "coaching_providers": "coaching/providers.csv",
    "coaching_services": "coaching/services.csv",
    "readme": "README.md",
}


def directory() -> Path:
    """The directory holding the bundled files: the installed package data, or ``data/``
    of a source checkout (developer builds)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "data", here.parent.parent / "data", here.parents[2] / "data"):
        if (candidate / _FILES["scenario"]).is_file():
            return candidate
    raise FileMissingError("the bundled data set is not installed with this libmatch")


def names() -> list[str]:
    """Names accepted by :func:`path`."""
    return list(_FILES)


def path(name: str) -> Path:
    """Path of a bundled file by name (``"municipalities"``, ``"requests"``, ...)."""
    if not isinstance(name, str):
        raise InvalidTypeError(f"name must be a str, got {type(name).__name__}")
    if name not in _FILES:
        raise UnknownIdError(f"unknown data set {name!r}; known: {names()}")
    p = directory() / _FILES[name]
    if not p.is_file():
        raise FileMissingError(f"bundled file {_FILES[name]} is missing from {p.parent}")
    return p
