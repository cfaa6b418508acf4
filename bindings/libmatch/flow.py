"""libmatch.flow (work in progress)."""

__all__: list[str] = []
