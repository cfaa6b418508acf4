"""libmatch.matching (work in progress)."""

__all__: list[str] = []
