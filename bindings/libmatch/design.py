"""libmatch.design (work in progress)."""

__all__: list[str] = []
