"""libmatch.simulation (work in progress)."""

__all__: list[str] = []
