"""The persistent translation cache: SQLite, keyed by engine, engine version and source text.

SQLite gives atomic commits, so a build killed at any moment leaves the cache readable with
every batch that was committed before. Only successful translations are ever stored.

The cache is the builder's own file, but a restored CI cache or a full disk can break it:
a damaged or foreign file is moved aside (``translations.sqlite3.damaged-1``) and a new
cache is started, with one warning; a cache from a newer version of the builder is refused;
a cache that cannot be written stops the build with a message that says what to do.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import closing
from pathlib import Path
from typing import TypeVar

from builder.errors import Problem, StateError
from builder.model import EngineInfo, Translation
from builder.text import clean_line, is_utf8

SCHEMA_VERSION = 3
_TABLES = {"translation", "capitals", "document", "machine_shown", "machine_change"}
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
CREATE TABLE IF NOT EXISTS document (
    name TEXT PRIMARY KEY,
    body TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS machine_shown (
    seed TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    PRIMARY KEY (seed, source)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS machine_change (
    run INTEGER NOT NULL,
    built TEXT NOT NULL,
    seed TEXT NOT NULL,
    source TEXT NOT NULL,
    old TEXT NOT NULL,
    new TEXT NOT NULL
);
"""
# How many machine-English changes are kept for 'briefings status --changed'.
_KEPT_CHANGES = 100_000
# SQLite allows 32766 parameters; stay well under it and keep statements small.
_CHUNK = 500
_T = TypeVar("_T")


class TranslationCache:
    """Look up and store translations; one file per project."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[Problem] = []  # what opening it found (a damaged file moved aside)
        _check_folder(path)
        try:
            self._db = self._connect()
        except _Damaged as damage:
            self._move_aside(str(damage))
            self._db = self._connect()

    def _connect(self) -> sqlite3.Connection:
        if os.path.lexists(self.path) and not stat.S_ISREG(os.lstat(self.path).st_mode):
            raise StateError(
                f"{str(self.path)!r} is not a file: it is where translations are cached; "
                "move it away and build again"
            )
        db = sqlite3.connect(self.path, timeout=30)
        try:
            with _errors(self.path):
                version = db.execute("PRAGMA user_version").fetchone()[0]
                tables = {
                    row[0]
                    for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")
                }
            if version > SCHEMA_VERSION:
                raise StateError(
                    f"{str(self.path)!r} was made by a newer version of the builder (cache "
                    f"schema {version}; this one reads up to {SCHEMA_VERSION}): upgrade the "
                    "builder, or move the cache away to start a new one"
                )
            if tables - _TABLES or (version == 0 and tables):
                raise _Damaged("holds tables that are not the builder's")
            with _errors(self.path):
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                with db:
                    db.executescript(_SCHEMA)
                    db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except BaseException:
            db.close()
            raise
        return db

    def _move_aside(self, why: str) -> None:
        """Keep a damaged cache for inspection, under a new name, and start a new one."""
        number = 1
        while os.path.lexists(f"{self.path}.damaged-{number}"):
            number += 1
        aside = Path(f"{self.path}.damaged-{number}")
        try:
            os.replace(self.path, aside)
            for suffix in ("-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    os.replace(f"{self.path}{suffix}", f"{aside}{suffix}")
        except OSError as error:
            raise StateError(
                f"{str(self.path)!r} is damaged ({why}) and cannot be moved aside "
                f"({error.strerror}): delete it and build again"
            ) from None
        self.problems.append(
            Problem(
                self.path,
                f"was damaged ({why}); it was moved to {aside.name!r} and a new cache started "
                "(sentences are translated again)",
                severity="warning",
            )
        )

    def _recover(self, action: Callable[[], _T], empty: _T) -> _T:
        """Run ``action``; if the file turns out damaged, move it aside and go on without it."""
        try:
            with _errors(self.path):
                return action()
        except _Damaged as damage:
            self._db.close()
            self._move_aside(str(damage))
            self._db = self._connect()
            return empty

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> TranslationCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def lookup(self, engine: EngineInfo, sources: Iterable[str]) -> dict[str, Translation]:
        """The cached translations among ``sources``."""

        def run() -> dict[str, Translation]:
            found: dict[str, Translation] = {}
            for chunk in _chunks(list(dict.fromkeys(sources)), _CHUNK):
                marks = ",".join("?" * len(chunk))
                query = (
                    "SELECT source, target, unknown FROM translation "  # noqa: S608 ('?' marks)
                    f"WHERE engine = ? AND engine_version = ? AND source IN ({marks})"
                )
                params = (engine.name, engine.version, *chunk)
                with closing(self._db.execute(query, params)) as rows:
                    for source, target, unknown in rows:
                        translation = _stored_translation(target, unknown)
                        if translation is not None:
                            found[source] = translation
            return found

        return self._recover(run, {})

    def store(self, engine: EngineInfo, translations: Mapping[str, Translation]) -> None:
        """Store translations in one transaction: all of them or, if interrupted, none."""
        rows = [
            (engine.name, engine.version, source, t.text, json.dumps(list(t.unknown)))
            for source, t in translations.items()
        ]

        def run() -> None:
            with self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO translation VALUES (?, ?, ?, ?, ?)", rows
                )

        self._recover(run, None)

    def ordinary_capitals(
        self, engine: EngineInfo, words: Iterable[str], ask: Callable[[set[str]], set[str]]
    ) -> set[str]:
        """Which all-capitals words the engine reads as ordinary words; ``ask`` the engine only
        about words it was never asked about."""
        wanted = set(words)

        def known() -> dict[str, bool]:
            found: dict[str, bool] = {}
            for chunk in _chunks(sorted(wanted), _CHUNK):
                marks = ",".join("?" * len(chunk))
                query = (
                    "SELECT word, ordinary FROM capitals "  # noqa: S608 (only '?' marks)
                    f"WHERE engine = ? AND engine_version = ? AND word IN ({marks})"
                )
                params = (engine.name, engine.version, *chunk)
                with closing(self._db.execute(query, params)) as rows:
                    found.update((word, bool(ordinary)) for word, ordinary in rows)
            return found

        answers: dict[str, bool] = self._recover(known, {})
        missing = wanted - set(answers)
        if missing:
            ordinary = ask(missing)
            rows = [(engine.name, engine.version, w, int(w in ordinary)) for w in sorted(missing)]

            def run() -> None:
                with self._db:
                    self._db.executemany(
                        "INSERT OR REPLACE INTO capitals VALUES (?, ?, ?, ?)", rows
                    )

            self._recover(run, None)
            answers.update((word, word in ordinary) for word in missing)
        return {word for word, ordinary in answers.items() if ordinary}

    def file_key(self, kind: str, path: Path, root: Path) -> str:
        """The name a document about an editor's file is remembered under: the project
        folder ``root`` as seen from this cache's folder, and the file's path in it. So it
        still holds after the project moves with its cache (a CI checkout elsewhere), and
        two projects sharing one cache folder never take each other's files. Always text
        SQLite can store (a name that is not UTF-8 is written as the hex of its bytes)."""
        project = Path(os.path.relpath(root, self.path.parent))
        where = path.relative_to(root) if path.is_relative_to(root) else path
        text = f"{project.as_posix()}:{where.as_posix()}"
        if not is_utf8(text):
            text = "bytes:" + os.fsencode(text).hex()
        return f"{kind}:{text}"

    def recall(self, name: str) -> object | None:
        """A document the builder remembered under ``name`` (None if none or unreadable)."""

        def run() -> object | None:
            row = self._db.execute("SELECT body FROM document WHERE name = ?", (name,)).fetchone()
            if row is None:
                return None
            try:
                value: object = json.loads(row[0])
            except (ValueError, RecursionError, TypeError):
                return None
            return value

        return self._recover(run, None)

    def recall_prefix(self, prefix: str) -> dict[str, object]:
        """Every remembered document whose name starts with ``prefix``, by name."""

        def run() -> dict[str, object]:
            found: dict[str, object] = {}
            query = "SELECT name, body FROM document WHERE name >= ? AND name < ?"
            with closing(self._db.execute(query, (prefix, prefix + "\U0010ffff"))) as rows:
                for name, body in rows:
                    try:
                        found[name] = json.loads(body)
                    except (ValueError, RecursionError, TypeError):
                        continue
            return found

        return self._recover(run, {})

    def remember(self, name: str, value: object) -> None:
        """Keep ``value`` (JSON) under ``name`` for later builds."""
        self.remember_many({name: value})

    def remember_many(self, documents: Mapping[str, object]) -> None:
        """Keep several documents, in one transaction."""
        rows = [
            (name, json.dumps(value, ensure_ascii=False, sort_keys=True))
            for name, value in documents.items()
        ]

        def run() -> None:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO document VALUES (?, ?)", rows)

        self._recover(run, None)

    def note_machine_english(self, built: str, shown: Mapping[str, Mapping[str, str]]) -> int:
        """Record the machine English each seed now shows (seed -> source -> English) and,
        where it differs from what it showed before, a change dated ``built``."""

        def run() -> int:
            changes = []
            run_number = self._db.execute(
                "SELECT coalesce(max(run), 0) + 1 FROM machine_change"
            ).fetchone()[0]
            for seed, pairs in shown.items():
                before = dict(
                    self._db.execute(
                        "SELECT source, target FROM machine_shown WHERE seed = ?", (seed,)
                    ).fetchall()
                )
                changes += [
                    (run_number, built, seed, source, before[source], target)
                    for source, target in pairs.items()
                    if source in before and before[source] != target
                ]
            with self._db:
                for seed, pairs in shown.items():
                    self._db.execute("DELETE FROM machine_shown WHERE seed = ?", (seed,))
                    self._db.executemany(
                        "INSERT INTO machine_shown VALUES (?, ?, ?)",
                        [(seed, source, target) for source, target in pairs.items()],
                    )
                if changes:
                    self._db.executemany(
                        "INSERT INTO machine_change VALUES (?, ?, ?, ?, ?, ?)", changes
                    )
                    self._db.execute(
                        "DELETE FROM machine_change WHERE rowid <= "
                        "(SELECT max(rowid) FROM machine_change) - ?",
                        (_KEPT_CHANGES,),
                    )
            return len(changes)

        return self._recover(run, 0)

    def machine_changes(self) -> tuple[str, list[tuple[str, str, str, str]]]:
        """The latest build that changed machine English, and its changes (seed, source,
        old English, new English)."""

        def run() -> tuple[str, list[tuple[str, str, str, str]]]:
            row = self._db.execute(
                "SELECT run, built FROM machine_change ORDER BY run DESC LIMIT 1"
            ).fetchone()
            if row is None:
                return "", []
            rows = self._db.execute(
                "SELECT seed, source, old, new FROM machine_change WHERE run = ? "
                "ORDER BY seed, rowid",
                (row[0],),
            ).fetchall()
            return str(row[1]), [(str(a), str(b), str(c), str(d)) for a, b, c, d in rows]

        nothing: tuple[str, list[tuple[str, str, str, str]]] = ("", [])
        return self._recover(run, nothing)


class _Damaged(Exception):
    """The cache file is not a database the builder can use."""


@contextlib.contextmanager
def _errors(path: Path) -> Iterator[None]:
    """SQLite's errors as the builder's: a damaged file, or a one-line reason to stop."""
    try:
        yield
    except sqlite3.OperationalError as error:
        text = str(error)
        if "readonly" in text or "read-only" in text or "unable to open" in text:
            why = "it is read-only: make the folder and file writable, or set cache_dir"
        elif "disk is full" in text or "disk I/O" in text:
            why = "the disk is full (or failing): free some space and build again"
        elif "locked" in text:
            why = "another program holds it locked: close it and build again"
        elif "malformed" in text or "not a database" in text:
            raise _Damaged(text) from None
        else:
            why = text
        raise StateError(f"cannot use the translation cache {str(path)!r}: {why}") from None
    except sqlite3.DatabaseError as error:  # not a database, malformed, ...
        raise _Damaged(str(error)) from None


def _check_folder(path: Path) -> None:
    folder = path.parent
    if os.path.lexists(folder) and not folder.is_dir():
        raise StateError(
            f"{str(folder)!r} is not a folder: it is where translations are cached; move it "
            "away or set plugins.briefings.cache_dir"
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StateError(
            f"cannot create the cache folder {str(folder)!r}: {error.strerror}"
        ) from None


def _stored_translation(target: object, unknown: object) -> Translation | None:
    """A cached row, checked: a row anyone could have changed is dropped if it is odd."""
    if not isinstance(target, str) or not isinstance(unknown, str):
        return None
    try:
        words = json.loads(unknown)
    except (ValueError, RecursionError):
        return None
    if not isinstance(words, list) or not all(isinstance(word, str) for word in words):
        return None
    return Translation(clean_line(target), tuple(clean_line(word) for word in words))


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
