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


ONLINE_ENGINE_NAMES = ("google", "deepl", "microsoft", "mymemory", "libre")
ENGINE_NAMES = ("apertium", *ONLINE_ENGINE_NAMES)


def create_engine(
    name: str,
    *,
    apertium_pair: str = "spa-eng",
    timeout: float = 120.0,
    jobs: int = 1,
    libre_url: str | None = None,
    request_timeout: float = 30.0,
    retry_seconds: float = 60.0,
) -> Engine:
    """The engine a configuration names; an unknown name is a config error."""
    if name == "apertium":
        from builder.engines.apertium import ApertiumEngine

        return ApertiumEngine(pair=apertium_pair, timeout=timeout, jobs=jobs)
    if name in ONLINE_ENGINE_NAMES:
        from builder.engines.online import PROVIDERS, OnlineEngine

        return OnlineEngine(
            PROVIDERS[name],
            url=libre_url if name == "libre" else None,
            request_timeout=request_timeout,
            retry_seconds=retry_seconds,
        )
    raise ConfigError(f"unknown engine {name!r}; choose one of: {', '.join(ENGINE_NAMES)}")
