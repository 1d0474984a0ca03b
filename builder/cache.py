"""The persistent translation cache: SQLite, keyed by engine, engine version and source text.

SQLite gives atomic commits, so a build killed at any moment leaves the cache readable with
every batch that was committed before. Only successful translations are ever stored.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import closing
from pathlib import Path

from builder.model import EngineInfo, Translation

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS translation (
    engine TEXT NOT NULL,
    engine_version TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    unknown TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (engine, engine_version, source)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS capitals (
    engine TEXT NOT NULL,
    engine_version TEXT NOT NULL,
    word TEXT NOT NULL,
    ordinary INTEGER NOT NULL,
    PRIMARY KEY (engine, engine_version, word)
) WITHOUT ROWID;
"""
# SQLite allows 32766 parameters; stay well under it and keep statements small.
_CHUNK = 500


class TranslationCache:
    """Look up and store translations; one file per project."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, SCHEMA_VERSION):
            raise RuntimeError(f"{path} has cache schema {version}; expected {SCHEMA_VERSION}")
        with self._db:
            self._db.executescript(_SCHEMA)
            self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> TranslationCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def lookup(self, engine: EngineInfo, sources: Iterable[str]) -> dict[str, Translation]:
        """The cached translations among ``sources``."""
        found: dict[str, Translation] = {}
        for chunk in _chunks(list(dict.fromkeys(sources)), _CHUNK):
            marks = ",".join("?" * len(chunk))
            query = (
                "SELECT source, target, unknown FROM translation "  # noqa: S608 (only '?' marks)
                f"WHERE engine = ? AND engine_version = ? AND source IN ({marks})"
            )
            with closing(self._db.execute(query, (engine.name, engine.version, *chunk))) as rows:
                for source, target, unknown in rows:
                    found[source] = Translation(target, tuple(json.loads(unknown)))
        return found

    def store(self, engine: EngineInfo, translations: Mapping[str, Translation]) -> None:
        """Store translations in one transaction: all of them or, if interrupted, none."""
        rows = (
            (engine.name, engine.version, source, t.text, json.dumps(list(t.unknown)))
            for source, t in translations.items()
        )
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO translation VALUES (?, ?, ?, ?, ?)", rows)

    def ordinary_capitals(
        self, engine: EngineInfo, words: Iterable[str], ask: Callable[[set[str]], set[str]]
    ) -> set[str]:
        """Which all-capitals words the engine reads as ordinary words; ``ask`` the engine only
        about words it was never asked about."""
        wanted = set(words)
        known: dict[str, bool] = {}
        for chunk in _chunks(sorted(wanted), _CHUNK):
            marks = ",".join("?" * len(chunk))
            query = (
                "SELECT word, ordinary FROM capitals "  # noqa: S608 (only '?' marks)
                f"WHERE engine = ? AND engine_version = ? AND word IN ({marks})"
            )
            with closing(self._db.execute(query, (engine.name, engine.version, *chunk))) as rows:
                known.update((word, bool(ordinary)) for word, ordinary in rows)
        missing = wanted - set(known)
        if missing:
            ordinary = ask(missing)
            with self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO capitals VALUES (?, ?, ?, ?)",
                    [(engine.name, engine.version, w, int(w in ordinary)) for w in sorted(missing)],
                )
            known.update((word, word in ordinary) for word in missing)
        return {word for word, ordinary in known.items() if ordinary}


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
