"""libmatch.travel (work in progress)."""

__all__: list[str] = []
