"""Translation engines behind one interface. Apertium is the offline default."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Protocol, runtime_checkable

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

    def translate(
        self, texts: Sequence[str], progress: Progress | None = None
    ) -> list[Translation]:
        """Translate every text, keeping their order and count exactly."""
        ...


@runtime_checkable
class ReadsCapitals(Protocol):
    """An engine that may read an all-capitals acronym as an ordinary word (Apertium reads
    'NATO' as *nato*, born); generic protection then keeps such acronyms as they are."""

    def ordinary_capitals(self, words: Collection[str]) -> set[str]:
        """Those all-capitals ``words`` the engine would translate as ordinary words."""
        ...


ONLINE_ENGINE_NAMES = ("google", "deepl", "microsoft", "mymemory", "libre")
ENGINE_NAMES = ("apertium", *ONLINE_ENGINE_NAMES)


def create_engine(
    name: str,
    *,
    apertium_pair: str,
    timeout: float,
    jobs: int,
    libre_url: str | None,
    request_timeout: float,
    retry_seconds: float,
) -> Engine:
    """The engine a configuration names (validated against :data:`ENGINE_NAMES` where the
    name was read: ``mkdocs.yml`` or the command line)."""
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
    raise ValueError(f"unknown engine {name!r}")  # pragma: no cover - names are validated
