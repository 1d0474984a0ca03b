"""Translate stage and cache: cache first, failures never cached, batches kept on failure."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path

from builder.cache import TranslationCache
from builder.engines import Progress
from builder.errors import EngineError
from builder.model import EngineInfo, Translation
from builder.translate import batches, translate_all


class FailsOnCallDouble:
    """Test double: an engine that fails on its Nth call (a fault Apertium cannot be made to
    produce on demand). It 'translates' by upper-casing."""

    def __init__(
        self, fail_on: int | None = None, version: str = "1", batch_chars: int = 10_000
    ) -> None:
        self.calls: list[list[str]] = []
        self.fail_on = fail_on
        self.info = EngineInfo("double", "Double", version)
        self.batch_chars = batch_chars

    def check(self) -> None:
        pass

    def ordinary_capitals(self, words: Collection[str]) -> set[str]:
        return set()

    def translate(
        self, texts: Sequence[str], progress: Progress | None = None
    ) -> list[Translation]:
        self.calls.append(list(texts))
        if self.fail_on is not None and len(self.calls) == self.fail_on:
            raise EngineError("double failed on purpose")
        return [Translation(t.upper()) for t in texts]


def test_cache_round_trip_keyed_by_engine_version(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    v1, v2 = EngineInfo("e", "E", "1"), EngineInfo("e", "E", "2")
    with TranslationCache(path) as cache:
        cache.store(v1, {"hola": Translation("hello", ("x",))})
    with TranslationCache(path) as cache:
        assert cache.lookup(v1, ["hola", "adiós"]) == {"hola": Translation("hello", ("x",))}
        assert cache.lookup(v2, ["hola"]) == {}


def test_second_run_translates_only_what_is_new(tmp_path: Path) -> None:
    engine = FailsOnCallDouble()
    with TranslationCache(tmp_path / "c.sqlite3") as cache:
        first = translate_all(["uno", "dos", "uno"], engine, cache)
        second = translate_all(["uno", "dos", "tres"], engine, cache)
    assert (first.translated, first.from_cache) == (2, 0)
    assert (second.translated, second.from_cache) == (1, 2)
    assert engine.calls == [["uno", "dos"], ["tres"]]
    assert second.translations["tres"] == Translation("TRES")


def test_a_failed_batch_is_not_cached_and_earlier_batches_are(tmp_path: Path) -> None:
    texts = [f"frase {n:02d}" for n in range(6)]  # 8 characters each: one per batch
    engine = FailsOnCallDouble(fail_on=3, batch_chars=10)
    with TranslationCache(tmp_path / "c.sqlite3") as cache:
        outcome = translate_all(texts, engine, cache)
        assert isinstance(outcome.error, EngineError)
        assert set(outcome.translations) == set(texts[:2])
        assert set(cache.lookup(engine.info, texts)) == set(texts[:2])
        resumed = translate_all(texts, FailsOnCallDouble(batch_chars=10), cache)
    assert resumed.error is None
    assert (resumed.from_cache, resumed.translated) == (2, 4)


def test_batches_respect_size_and_order() -> None:
    texts = ["a" * 4, "b" * 4, "c" * 4, "d" * 20]
    assert batches(texts, 9) == [texts[0:2], texts[2:3], texts[3:4]]


def test_batches_are_balanced_not_a_full_one_and_a_scrap() -> None:
    texts = ["x" * 10] * 11  # 110 characters, at most 100 a batch: two of about 55
    assert [len(run) for run in batches(texts, 100)] == [6, 5]
