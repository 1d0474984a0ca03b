"""Pages waiting to be written, each made only when its text is asked for.

At 5,000 briefings the Markdown of every page together is about 100 MB: a build that made
them all before writing any held them all at once (a third of its peak memory). Here a page
is a recipe until it is written, and its text is not kept after.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping


class Pages(MutableMapping[str, str]):
    """Page texts by path in the generated area, made on each access (not cached: each is
    asked for once, when it is written, or when a file already in its place is compared)."""

    def __init__(self) -> None:
        self._makers: dict[str, Callable[[], str]] = {}

    def make(self, path: str, maker: Callable[[], str]) -> None:
        """Add the page at ``path``, made by ``maker`` when its text is needed."""
        self._makers[path] = maker

    def __getitem__(self, path: str) -> str:
        return self._makers[path]()

    def __setitem__(self, path: str, text: str) -> None:
        self._makers[path] = lambda: text

    def __delitem__(self, path: str) -> None:
        del self._makers[path]

    def __contains__(self, path: object) -> bool:  # Mapping's would make the page
        return path in self._makers

    def __iter__(self) -> Iterator[str]:
        return iter(self._makers)

    def __len__(self) -> int:
        return len(self._makers)
