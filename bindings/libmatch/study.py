"""libmatch.study (work in progress)."""

__all__: list[str] = []
