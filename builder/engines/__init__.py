"""Translation engines behind one interface. Apertium is the offline default."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Protocol

from builder.errors import ConfigError
from builder.model import EngineInfo, Translation

# Called with the number of segments finished since the last call.
Progress = Callable[[int], None]


class Engine(Protocol):
    """Translates Spanish segments to English, one :class:`Translation` per segment."""

    @property
    def info(self) -> EngineInfo:
        """Name, human label and version; the version is part of the cache key."""
        ...

    @property
    def batch_chars(self) -> int:
        """How many characters to give :meth:`translate` at once; each batch is cached."""
        ...

    def check(self) -> None:
        """Raise :class:`EngineUnavailable` saying what to install or set; do no work."""
        ...

    def ordinary_capitals(self, words: Collection[str]) -> set[str]:
        """Those all-capitals ``words`` the engine would translate as ordinary words."""
        ...

    def translate(
        self, texts: Sequence[str], progress: Progress | None = None
    ) -> list[Translation]:
        """Translate every text, keeping their order and count exactly."""
        ...


ENGINE_NAMES = ("apertium",)


def create_engine(name: str, *, apertium_pair: str, timeout: float, jobs: int) -> Engine:
    """The engine a configuration names; an unknown name is a config error."""
    if name == "apertium":
        from builder.engines.apertium import ApertiumEngine

        return ApertiumEngine(pair=apertium_pair, timeout=timeout, jobs=jobs)
    raise ConfigError(f"unknown engine {name!r}; choose one of: {', '.join(ENGINE_NAMES)}")
